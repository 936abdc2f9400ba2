import * as z from 'zod';
import { ALERT_SEVERITIES } from './alerts.ts';
import { STAGES } from './stages.ts';

/**
 * The JSON documents `bems … --output json` prints, for scripts: one schema per document, their
 * JSON Schemas generated into `schemas/generated/cli/` (`npm run schemas`) and the fields listed in
 * docs/OPERATIONS.md ("JSON output"). Stable: a field keeps its name and meaning, new fields are
 * only ever added (parse with a schema that ignores unknown keys, as these do). Commands whose
 * document is not listed here print the fields their help and the runbook describe.
 *
 * @example bems status --output json
 * { "cell": "local", "kind": "local", "region": "eu-west-1", "description": "local cell …",
 *   "components": [{ "name": "api", "state": "ok" }],
 *   "queues": [{ "stage": "posting", "consumer": "recorder", "queue": "bems-local-posting-recorder.fifo",
 *     "dlq": "bems-local-posting-recorder-dlq.fifo", "source": { "name": "…", "visible": 0, "inFlight": 0,
 *     "oldestAgeSeconds": null }, "dlqStats": { … } }],
 *   "sla": { "available": true, "stages": [] }, "openAlerts": [], "problems": [],
 *   "summary": { "dlqMessages": 0, "stuckInvoices": 0, "openAlerts": 0 }, "attention": false }
 */

/** Kinds of monitor conditions (handlers/monitor/MonitorState.ts CONDITION_KINDS; a test ties them). */
export const ALERT_CONDITION_KINDS = ['dlq', 'parked', 'backlog', 'sla', 'monitor'] as const;

const QueueStatsSchema = z.object({
  name: z.string(),
  visible: z.number(),
  inFlight: z.number(),
  oldestAgeSeconds: z.number().nullable(),
});

export const CliStatusOutputSchema = z.object({
  cell: z.string(),
  kind: z.enum(['local', 'aws']),
  region: z.string(),
  description: z.string(),
  components: z.array(z.object({ name: z.string(), state: z.string(), detail: z.string().optional() })),
  /** Every queue of the cell with its DLQ; `null` stats could not be read (see `problems`). */
  queues: z.array(
    z.object({
      stage: z.enum(STAGES),
      consumer: z.string().optional(),
      queue: z.string(),
      dlq: z.string(),
      source: QueueStatsSchema.nullable(),
      dlqStats: QueueStatsSchema.nullable(),
    }),
  ),
  sla: z.object({
    available: z.boolean(),
    reason: z.string().optional(),
    stages: z.array(
      z.object({
        stage: z.enum(STAGES),
        slaSeconds: z.number(),
        count: z.number(),
        oldestAgeSeconds: z.number().nullable(),
        sampleInvoiceIds: z.array(z.string()).readonly(),
      }),
    ),
  }),
  /** The monitor's open alerts (its state, handlers/monitor/MonitorState.ts), keyed by condition; more fields pass through. */
  openAlerts: z.array(
    z.looseObject({
      key: z.string(),
      kind: z.enum(ALERT_CONDITION_KINDS),
      severity: z.enum(ALERT_SEVERITIES),
      notifiedSeverity: z.enum(ALERT_SEVERITIES),
      sinceMs: z.number(),
      count: z.number(),
      oldestAgeSeconds: z.number().nullable(),
      stage: z.string().optional(),
      consumer: z.string().optional(),
    }),
  ),
  problems: z.array(z.string()),
  summary: z.object({ dlqMessages: z.number(), stuckInvoices: z.number(), openAlerts: z.number() }),
  /** Exit code 4: messages in a DLQ, invoices past their SLA, or open alerts. */
  attention: z.boolean(),
});
export type CliStatusOutput = z.infer<typeof CliStatusOutputSchema>;

/** How one cell fared in `bems status --all-cells`. */
export const CELL_STATES = ['ok', 'attention', 'unreachable', 'not-running'] as const;

export const CliStatusAllCellsOutputSchema = z.object({
  cells: z.array(
    z.object({
      cell: z.string(),
      kind: z.enum(['local', 'aws']),
      account: z.string(),
      region: z.string(),
      state: z.enum(CELL_STATES),
      /** The role assumed to read it, when one was. */
      roleArn: z.string().optional(),
      /** Why it is unreachable or not running (one line). */
      error: z.string().optional(),
      summary: CliStatusOutputSchema.shape.summary.optional(),
      status: CliStatusOutputSchema.optional(),
    }),
  ),
  /** Exit code 4: some cell needs attention (else 3 when an AWS cell could not be read). */
  attention: z.boolean(),
  unreachable: z.number(),
});
export type CliStatusAllCellsOutput = z.infer<typeof CliStatusAllCellsOutputSchema>;

export const CliVersionOutputSchema = z.object({
  name: z.literal('bems'),
  version: z.string(),
  node: z.string(),
  platform: z.string(),
});

/** With `--output json`, a failing command prints this on stdout too (the one-line error stays on stderr). */
export const CliErrorOutputSchema = z.object({
  error: z.object({ command: z.string(), message: z.string(), exitCode: z.number() }),
});

/** The documents above by name: `schemas/generated/cli/<name>.schema.json`. */
export const CLI_OUTPUT_SCHEMAS = {
  status: CliStatusOutputSchema,
  'status-all-cells': CliStatusAllCellsOutputSchema,
  version: CliVersionOutputSchema,
  error: CliErrorOutputSchema,
} as const;

export function renderCliOutputSchema(name: keyof typeof CLI_OUTPUT_SCHEMAS): string {
  const schema = z.toJSONSchema(CLI_OUTPUT_SCHEMAS[name], { target: 'draft-2020-12', io: 'input' });
  return `${JSON.stringify({ title: `bems ${name} --output json`, ...schema }, null, 2)}\n`;
}

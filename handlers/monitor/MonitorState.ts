import * as z from 'zod';
import { ALERT_SEVERITIES } from '../../schemas/alerts.ts';

/**
 * What the monitor remembers between runs: the open alerts (so a condition alerts when it starts,
 * escalates when it worsens and resolves when it clears, instead of every minute), each DLQ's depth
 * after the last run (new failures since then mean the dependency still fails: no automatic redrive),
 * and the parked messages found by the last scan of each DLQ.
 *
 * Kept small: on AWS it lives in one SSM parameter (≤ 8 KB), so only open alerts are stored.
 *
 * @example { "version": 1, "updatedAtMs": 1795000000000,
 *   "alerts": { "dlq:bems-local-posting-recorder-dlq.fifo": { "kind": "dlq", "severity": "warning",
 *     "notifiedSeverity": "warning", "sinceMs": 1794999940000, "notifiedAtMs": 1794999940000, "count": 300,
 *     "oldestAgeSeconds": 42, "stage": "posting", "consumer": "recorder" } },
 *   "dlqDepths": { "bems-local-posting-recorder-dlq.fifo": 300 }, "parked": {} }
 */
export const CONDITION_KINDS = ['dlq', 'parked', 'backlog', 'sla', 'monitor'] as const;
export type ConditionKind = (typeof CONDITION_KINDS)[number];

export const OpenAlertSchema = z.object({
  kind: z.enum(CONDITION_KINDS),
  /** Severity observed by the last run. */
  severity: z.enum(ALERT_SEVERITIES),
  /** Highest severity people were told about; the alert escalates only above it. */
  notifiedSeverity: z.enum(ALERT_SEVERITIES),
  sinceMs: z.number(),
  notifiedAtMs: z.number(),
  count: z.number(),
  oldestAgeSeconds: z.number().nullable(),
  stage: z.string().optional(),
  consumer: z.string().optional(),
  queue: z.string().optional(),
  /** Runs in a row the condition has been clear; the alert resolves at DEFAULT_RESOLVE_AFTER_CLEAR_RUNS. */
  clearRuns: z.number().optional(),
});
export type OpenAlert = z.infer<typeof OpenAlertSchema>;

export const ParkedSchema = z.object({ count: z.number(), sampleInvoiceIds: z.array(z.string()) });

export const MonitorStateSchema = z.object({
  version: z.literal(1),
  updatedAtMs: z.number(),
  alerts: z.record(z.string(), OpenAlertSchema),
  dlqDepths: z.record(z.string(), z.number()),
  parked: z.record(z.string(), ParkedSchema),
});
export type MonitorState = z.infer<typeof MonitorStateSchema>;

export function emptyMonitorState(): MonitorState {
  return { version: 1, updatedAtMs: 0, alerts: {}, dlqDepths: {}, parked: {} };
}

/**
 * Reads stored state. Anything unreadable starts over from empty rather than stopping the monitor:
 * the worst outcome is that open conditions alert once more, which beats not alerting at all.
 */
export function parseMonitorState(text: string | undefined): { state: MonitorState; problem?: string } {
  if (text === undefined || text.trim() === '' || text.trim() === '{}') return { state: emptyMonitorState() };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      state: emptyMonitorState(),
      problem: `stored alert state is not JSON (${(error as Error).message}); starting over`,
    };
  }
  const parsed = MonitorStateSchema.safeParse(json);
  if (!parsed.success) {
    return {
      state: emptyMonitorState(),
      problem: `stored alert state is not valid (${parsed.error.issues[0]?.message ?? 'unknown'}); starting over`,
    };
  }
  return { state: parsed.data };
}

/** Where the monitor keeps its state: an SSM parameter on AWS, a JSON file in the local cell's data directory. */
export interface MonitorStateStore {
  /** Human-readable location, for reports and the CLI. */
  readonly location: string;
  load(): Promise<{ state: MonitorState; problem?: string }>;
  save(state: MonitorState): Promise<void>;
}

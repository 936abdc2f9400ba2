import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_CELL } from '../../cells/cells.config.ts';
import { type CellDefinition, type CellDefinitionInput, parseCellDefinition } from '../../cells/definition.ts';
import { type FaultRule, type RunningLocalCell, startLocalCell } from '../../local/cell/index.ts';
import { LOCAL_CREDENTIALS } from '../../local/sns-sqs/index.ts';
import { main } from '../../ops/cli.ts';
import type { AnalyticsStore } from '../../schemas/analyticsRecord.ts';
import type { InvoiceEvent } from '../../schemas/invoiceEvent.ts';
import type { Stage } from '../../schemas/stages.ts';
import { buildInvoiceEvent } from '../helpers/invoiceEvents.ts';

/**
 * Shared by the stuck-event integration tests: a local cell whose posting consumer gives up fast
 * (1-second visibility, one receive before the DLQ), so 300 failing events reach the DLQ in seconds.
 */
export const FAST_QUEUE = { visibilityTimeoutSeconds: 1, maxReceiveCount: 1 } as const;

export function fastPostingCell(extra: Partial<CellDefinitionInput> = {}): CellDefinition {
  return parseCellDefinition({
    ...structuredClone(LOCAL_CELL),
    stages: { posting: { consumers: [{ name: 'recorder', queue: FAST_QUEUE }] } },
    ...extra,
  });
}

/** A consume failure on posting for invoices starting with `prefix`. */
export function postingFault(prefix: string): FaultRule {
  return { handler: 'consume', stage: 'posting', invoiceIdPattern: `^${prefix}` };
}

export function tempDataDir(name: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `bems-${name}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function startCell(
  dataDir: string,
  cell: CellDefinition,
  faults: readonly FaultRule[] = [],
  analyticsStore: AnalyticsStore = cell.analytics.store,
) {
  // monitorIntervalMs 0: the tests run the monitor themselves, at the moments they check.
  return startLocalCell({ port: 0, dataDir, cell, faults, analyticsStore, quiet: true, monitorIntervalMs: 0 });
}

export function postingEvents(prefix: string, count: number): InvoiceEvent[] {
  return Array.from({ length: count }, (_, i) =>
    buildInvoiceEvent('posting', { invoiceId: `${prefix}${String(i).padStart(4, '0')}`, status: 'posted' }),
  );
}

/** POSTs events in batches of 10 and fails unless every batch is accepted. */
export async function postEvents(cell: RunningLocalCell, stage: Stage, events: readonly InvoiceEvent[]) {
  for (let i = 0; i < events.length; i += 10) {
    const response = await fetch(`${cell.apiUrl}/invoices/${stage}`, {
      method: 'POST',
      headers: { 'x-api-key': cell.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ events: events.slice(i, i + 10) }),
    });
    if (response.status !== 202) throw new Error(`POST ${stage}: ${response.status} ${await response.text()}`);
  }
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface HealthQueue {
  name: string;
  visible: number;
  inFlight: number;
  dlq: { name: string; visible: number; inFlight: number };
}

/** Messages in the DLQ of a stage's consumer (or inbox), as the cell's health report counts them. */
export async function dlqDepth(cell: RunningLocalCell, stage: Stage, consumer = 'recorder'): Promise<number> {
  const body = (await cell.health()).body as { queues: HealthQueue[] };
  const name = `bems-${cell.cell.id}-${stage}-${consumer}.fifo`;
  const queue = body.queues.find((q) => q.name === name);
  if (!queue) throw new Error(`no queue ${name}`);
  return queue.dlq.visible + queue.dlq.inFlight;
}

/** Runs `bems` in this process against the cell's data directory. */
export async function bems(
  dataDir: string,
  args: readonly string[],
  options: {
    signal?: AbortSignal;
    env?: Record<string, string>;
    confirm?: (question: string) => Promise<boolean>;
  } = {},
) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    env: { BEMS_DATA_DIR: dataDir, ...options.env },
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.confirm ? { confirm: options.confirm } : {}),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** eventIds recorded by a stage's primary consumer: a repeated id would be a duplicate record. */
export function recordedEventIds(cell: RunningLocalCell, stage: Stage): string[] {
  return cell.readModel.eventIds({ stage, consumer: 'recorder', measureName: 'invoice_event' });
}

export interface ReceivedAlert {
  readonly subject: string;
  readonly message: string;
  readonly severity: string;
  readonly transition: string;
  readonly condition: string;
}

/** Drains the queue subscribed to the cell's alert topics (SNS envelopes). */
export async function drainAlerts(cell: RunningLocalCell): Promise<ReceivedAlert[]> {
  const sqs = new SQSClient({ endpoint: cell.endpoints.sqs, region: cell.cell.region, credentials: LOCAL_CREDENTIALS });
  const alerts: ReceivedAlert[] = [];
  try {
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: cell.monitor.alertQueueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
        }),
      );
      if (Messages.length === 0) return alerts;
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: cell.monitor.alertQueueUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
      for (const message of Messages) {
        const envelope = JSON.parse(message.Body!) as {
          Subject: string;
          Message: string;
          MessageAttributes: Record<string, { Value: string }>;
        };
        alerts.push({
          subject: envelope.Subject,
          message: envelope.Message,
          severity: envelope.MessageAttributes['bems.severity']!.Value,
          transition: envelope.MessageAttributes['bems.transition']!.Value,
          condition: envelope.MessageAttributes['bems.condition']!.Value,
        });
      }
    }
  } finally {
    sqs.destroy();
  }
}

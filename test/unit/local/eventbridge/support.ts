import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterEach } from 'vitest';
import { localCell } from '../../../../cells/cells.config.ts';
import { cellTopology } from '../../../../cells/topology.ts';
import type {
  BusOptions,
  EmulatorLogger,
  EventBridgeEmulatorOptions,
  RunningEventBridgeEmulator,
  SendMessageBatch,
} from '../../../../local/eventbridge/index.ts';
import { busesForCell, startEventBridgeEmulator } from '../../../../local/eventbridge/index.ts';
import { detailTypeFor, EVENT_SOURCE } from '../../../../schemas/envelope.ts';
import type { Stage } from '../../../../schemas/stages.ts';
import { buildInvoiceEvent } from '../../../helpers/invoiceEvents.ts';

/** Builders shared by the EventBridge emulator tests. */

export const topology = cellTopology(localCell());
export const REGION = topology.region;
export const ACCOUNT = topology.account;
export const BUS = topology.busName;
export const ARCHIVE = topology.archiveName;

const queueUrl = (queueName: string) => `http://127.0.0.1:4566/${ACCOUNT}/${queueName}`;
export const queueUrlOf = (stage: Stage) => queueUrl(topology.stages.find((s) => s.stage === stage)!.inbox.name);

/** The local cell's bus as the cell wires it: one rule per stage (topology pattern) → the stage inbox. */
export function cellBuses(archiveRetentionDays = localCell().archiveRetentionDays): BusOptions[] {
  return busesForCell({ topology, archiveRetentionDays, queueUrl });
}

/**
 * An in-memory stand-in for SQS SendMessageBatch. `failures` decides per call which entries fail
 * (return their ids) or whether the whole call throws; accepted messages are kept per queue.
 */
export class FakeQueues {
  readonly messages = new Map<string, string[]>();
  calls = 0;
  failures: (queueUrl: string, ids: string[], call: number) => string[] | 'throw' = () => [];

  readonly send: SendMessageBatch = async (queueUrl, entries) => {
    const call = ++this.calls;
    if (entries.length > 10) throw new Error(`TooManyEntriesInBatchRequest: ${entries.length}`);
    const failed = this.failures(
      queueUrl,
      entries.map((e) => e.Id),
      call,
    );
    if (failed === 'throw') throw new Error('ServiceUnavailable: simulated SQS outage');
    const failedIds = new Set(failed);
    const list = this.messages.get(queueUrl) ?? [];
    for (const entry of entries) if (!failedIds.has(entry.Id)) list.push(entry.MessageBody);
    this.messages.set(queueUrl, list);
    return { failedIds: [...failedIds] };
  };

  /** Parsed bodies delivered to one queue. */
  bodies(queueUrl: string): Array<Record<string, unknown> & { id: string; detail: Record<string, unknown> }> {
    return (this.messages.get(queueUrl) ?? []).map((body) => JSON.parse(body));
  }

  total(): number {
    return [...this.messages.values()].reduce((sum, list) => sum + list.length, 0);
  }
}

export interface CapturedLog {
  readonly level: keyof EmulatorLogger;
  readonly message: string;
  readonly attributes?: Record<string, unknown>;
}

export function captureLogger(): EmulatorLogger & { logs: CapturedLog[] } {
  const logs: CapturedLog[] = [];
  const at = (level: keyof EmulatorLogger) => (message: string, attributes?: Record<string, unknown>) =>
    logs.push({ level, message, ...(attributes ? { attributes } : {}) });
  return { logs, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export function tempDataDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'bems-eventbridge-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Cleanups run (last first) after each test of the calling `describe`, and temporary data
 * directories removed by them.
 */
export function perTestCleanups(): { cleanups: Array<() => Promise<void> | void>; dataDir: () => string } {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return {
    cleanups,
    dataDir: () => {
      const data = tempDataDir();
      cleanups.push(data.remove);
      return data.dir;
    },
  };
}

/** Starts the emulator on port 0 with the local cell's bus, fast retries and a captured log. */
export async function startTestEmulator(
  dataDir: string,
  queues: FakeQueues,
  overrides: Partial<EventBridgeEmulatorOptions> = {},
): Promise<RunningEventBridgeEmulator & { logger: ReturnType<typeof captureLogger> }> {
  const logger = captureLogger();
  const emulator = await startEventBridgeEmulator({
    dataDir,
    port: 0,
    region: REGION,
    account: ACCOUNT,
    buses: cellBuses(),
    sendMessageBatch: queues.send,
    logger,
    ...overrides,
    delivery: { baseBackoffMs: 5, maxBackoffMs: 50, idlePollMs: 50, drainTimeoutMs: 1000, ...overrides.delivery },
  });
  return Object.assign(emulator, { logger });
}

/** The real SDK client against the emulator; no retries, so every request is counted once. */
export function eventBridgeClient(endpoint: string): EventBridgeClient {
  return new EventBridgeClient({
    endpoint,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

/** A PutEvents entry as the ingest handler builds it: an invoice event detail for `stage`. */
export function invoiceEntry(stage: Stage, overrides: { invoiceId?: string; time?: Date } = {}) {
  const detail = {
    ...buildInvoiceEvent(stage, overrides.invoiceId ? { invoiceId: overrides.invoiceId } : {}),
    server: { cell: 'local', region: REGION, receivedAt: new Date().toISOString(), schemaVersion: '1' },
  };
  return {
    EventBusName: BUS,
    Source: EVENT_SOURCE,
    DetailType: detailTypeFor(stage),
    Detail: JSON.stringify(detail),
    ...(overrides.time ? { Time: overrides.time } : {}),
  };
}

/** Polls until `check` returns true or `timeoutMs` passes; returns the last result. */
export async function eventually(check: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return check();
}

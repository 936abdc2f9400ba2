import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FirehoseClient, type FirehoseClientConfig } from '@aws-sdk/client-firehose';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import {
  type FirehoseStreamConfig,
  type RunningFirehoseEmulator,
  startFirehoseEmulator,
} from '../../../../local/firehose/index.ts';

export const REGION = 'eu-west-1';
export const ACCOUNT = '123456789012';
export const DATABASE = 'analytics';
export const TABLE = 'events';
/** Upserts on (event_id, stage): a record with the keys of an existing row replaces it. */
export const UPSERT_STREAM = 'events-upsert';
/** The same table's keys, but no operation: Firehose's default, insert (an append). */
export const APPEND_STREAM = 'events-append';

export const STREAMS: readonly FirehoseStreamConfig[] = [
  {
    name: UPSERT_STREAM,
    tables: [{ database: DATABASE, table: TABLE, uniqueKeys: ['event_id', 'stage'], partitionBy: ['day'] }],
    operation: 'update',
  },
  { name: APPEND_STREAM, tables: [{ database: DATABASE, table: 'appended', uniqueKeys: ['event_id'] }] },
];

export const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'bems-firehose-'));
}

/** maxAttempts 1 unless given: most tests look at what the emulator answers, not what the SDK retries. */
export function clientFor(endpoint: string, extra: Partial<FirehoseClientConfig> = {}): FirehoseClient {
  return new FirehoseClient({ endpoint, region: REGION, credentials, maxAttempts: 1, ...extra });
}

/** One record as BEMS sends them: a JSON line. */
export function jsonLine(value: Record<string, unknown>): { Data: Uint8Array } {
  return { Data: Buffer.from(`${JSON.stringify(value)}\n`) };
}

export { caught } from '../../../helpers/caught.ts';

/**
 * Starts an emulator with {@link STREAMS} on a fresh data directory for the enclosing describe
 * block (and removes it after); every test starts with empty tables and no fault. Call the
 * returned function inside a test or hook.
 */
export function useEmulator(): () => { emulator: RunningFirehoseEmulator; client: FirehoseClient } {
  let dataDir: string;
  let running: { emulator: RunningFirehoseEmulator; client: FirehoseClient } | undefined;
  beforeAll(async () => {
    dataDir = tempDataDir();
    const emulator = await startFirehoseEmulator({ dataDir, region: REGION, accountId: ACCOUNT, streams: STREAMS });
    running = { emulator, client: clientFor(emulator.endpoint) };
  });
  beforeEach(() => {
    running?.emulator.setFault(null);
    running?.emulator.store.wipe();
  });
  afterAll(async () => {
    running?.client.destroy();
    await running?.emulator.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return () => {
    if (!running) throw new Error('the Firehose emulator has not started');
    return running;
  };
}

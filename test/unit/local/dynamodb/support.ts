import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, expect } from 'vitest';
import {
  type DynamoDBEmulatorOptions,
  type DynamoDBTableConfig,
  type RunningDynamoDBEmulator,
  startDynamoDBEmulator,
} from '../../../../local/dynamodb/index.ts';

export const REGION = 'eu-west-1';
export const TABLE = 'records';
export const TABLES: readonly DynamoDBTableConfig[] = [
  { name: TABLE, partitionKey: { name: 'id', type: 'S' }, ttlAttribute: 'expiration' },
  { name: 'composite', partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'N' } },
];

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'bems-dynamodb-'));
}

/** The real SDK client, pointed at the emulator with an explicit endpoint (no retries: errors show at once). */
export function clientFor(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

/** An emulator in a fresh data directory for each test, with its client; stopped and removed after. */
export function useEmulator(options: Partial<DynamoDBEmulatorOptions> = {}) {
  const state = {} as { emulator: RunningDynamoDBEmulator; client: DynamoDBClient; dataDir: string };
  beforeEach(async () => {
    state.dataDir = tempDataDir();
    state.emulator = await startDynamoDBEmulator({ dataDir: state.dataDir, tables: TABLES, ...options });
    state.client = clientFor(state.emulator.endpoint);
  });
  afterEach(async () => {
    state.client.destroy();
    await state.emulator.stop();
    rmSync(state.dataDir, { recursive: true, force: true });
  });
  return state;
}

/** The item under `{ id }` in {@link TABLE}, read strongly consistent; undefined when there is none. */
export async function readItem(client: DynamoDBClient, id: string) {
  return (await client.send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: id } }, ConsistentRead: true })))
    .Item;
}

/** The error a call fails with, as the SDK client reports it: name, HTTP status, message. */
export async function failureOf(send: Promise<unknown>) {
  const error = (await send.catch((e: unknown) => e)) as Error & { $metadata?: { httpStatusCode?: number } };
  expect(error).toBeInstanceOf(Error);
  return { name: error.name, status: error.$metadata?.httpStatusCode, message: error.message };
}

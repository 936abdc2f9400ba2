/**
 * CPU per call of the DynamoDB emulator of this tree against that of another checkout (`--base`, e.g.
 * the main checkout), both started in this process, alternating round by round: the SDK client's
 * share is the same on both sides, so the difference is the emulator's. The calls are the idempotency
 * claim's: Powertools' conditional PutItem (`ReturnValuesOnConditionCheckFailure: ALL_OLD`, the
 * same four-placeholder condition on every call) on new keys, and again on the same keys (the
 * condition fails and the item comes back). With `--base` absent only this tree is measured.
 *
 *   npx tsx load-tests/micro/dynamodbCallCost.ts [--base /work/main] [--calls 2000] [--rounds 3] [--protocol powertools|batched]
 *                                                [--prefill 0] [--keys hashed|sequential]
 *
 * `--prefill N` first writes N COMPLETED records into each side's table, as the bench's cell holds
 * ~140,000 by its burst (`idempotencyRecords.ts`). `--keys hashed` (the default) keys the measured
 * records as the ingest handler does — the base64 SHA-256 of an eventId, so consecutive claims land
 * on random pages of the key index; `sequential` keeps the short ordered ids of earlier runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  type AttributeValue,
  BatchExecuteStatementCommand,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { benchFlags } from './benchFlags.ts';
import { prefillIdempotencyRecords, recordKeyOf } from './idempotencyRecords.ts';
import { writtenBytes } from './writtenBytes.ts';

const { base, calls, rounds, protocol, prefill, keys } = benchFlags({
  base: undefined,
  calls: 2000,
  rounds: 3,
  protocol: 'powertools',
  prefill: 0,
  keys: 'hashed',
});
if (keys !== 'hashed' && keys !== 'sequential') throw new Error(`--keys must be hashed or sequential, got ${keys}`);
/** A measured record's key: as the ingest handler keys it, or a short ordered id. */
const idOf = (name: string) => (keys === 'hashed' ? recordKeyOf(name) : name);
if (protocol !== 'powertools' && protocol !== 'batched') {
  throw new Error(`--protocol must be powertools or batched, got ${protocol}`);
}
/** Events per request in the batched protocol (the bench's batches). */
const BATCH = 10;
const TABLE = 'bench-records';

interface Side {
  readonly name: string;
  readonly client: DynamoDBClient;
  readonly stop: () => Promise<void>;
}

async function startSide(name: string, root: string): Promise<Side> {
  const { startDynamoDBEmulator } = (await import(
    resolve(root, 'local/dynamodb/index.ts')
  )) as typeof import('../../local/dynamodb/index.ts');
  const dataDir = mkdtempSync(join(tmpdir(), 'bems-dynamodb-cost-'));
  const emulator = await startDynamoDBEmulator({
    dataDir,
    ttlSweepIntervalMs: 0,
    tables: [{ name: TABLE, partitionKey: { name: 'id', type: 'S' }, ttlAttribute: 'expiration' }],
  });
  const client = new DynamoDBClient({
    endpoint: emulator.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    name,
    client,
    stop: async () => {
      client.destroy();
      await emulator.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Powertools' claim, as `DynamoDBPersistenceLayer._putRecord` sends it. */
function claim(id: string): PutItemCommand {
  const now = Date.now();
  return new PutItemCommand({
    TableName: TABLE,
    Item: {
      id: { S: id },
      expiration: { N: String(Math.round(now / 1000) + 86_400) },
      status: { S: 'INPROGRESS' },
      in_progress_expiration: { N: String(now + 30_000) },
      validation: { S: 'k3zJ0n0u8h0mXb1ZlFQmYkz0tT7u8l0xgk8S3Xr0fPc=' },
    },
    ExpressionAttributeNames: {
      '#id': 'id',
      '#expiry': 'expiration',
      '#in_progress_expiry': 'in_progress_expiration',
      '#status': 'status',
    },
    ExpressionAttributeValues: {
      ':now': { N: String(now / 1000) },
      ':now_in_millis': { N: String(now) },
      ':inprogress': { S: 'INPROGRESS' },
    },
    ConditionExpression:
      'attribute_not_exists(#id) OR #expiry < :now OR (#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  });
}

/** The claim's attributes as the batched layer writes them (INPROGRESS) or settles them (COMPLETED). */
function record(id: string, status: 'INPROGRESS' | 'COMPLETED'): Record<string, AttributeValue> {
  const now = Date.now();
  return {
    id: { S: id },
    expiration: { N: String(Math.round(now / 1000) + 86_400) },
    status: { S: status },
    ...(status === 'INPROGRESS' ? { in_progress_expiration: { N: String(now + 30_000) } } : {}),
    validation: { S: 'k3zJ0n0u8h0mXb1ZlFQmYkz0tT7u8l0xgk8S3Xr0fPc=' },
  };
}

/** One request's claims as `batchedClaims.ts` sends them: a PartiQL INSERT per event. */
function batchedClaims(ids: readonly string[]): BatchExecuteStatementCommand {
  return new BatchExecuteStatementCommand({
    Statements: ids.map((id) => {
      const item = record(id, 'INPROGRESS');
      const names = Object.keys(item);
      return {
        Statement: `INSERT INTO "${TABLE}" VALUE {${names.map((name) => `'${name}': ?`).join(', ')}}`,
        Parameters: names.map((name) => item[name]!),
      };
    }),
  });
}

/** One request's settlement: the COMPLETED records in one BatchWriteItem. */
function batchedSettlement(ids: readonly string[]): BatchWriteItemCommand {
  return new BatchWriteItemCommand({
    RequestItems: { [TABLE]: ids.map((id) => ({ PutRequest: { Item: record(id, 'COMPLETED') } })) },
  });
}

/** CPU µs per event of the batched protocol, 8 requests of 10 in flight; `again`: the keys are taken. */
async function measureBatched(side: Side, round: number, again: boolean): Promise<number> {
  const requests = Array.from({ length: Math.ceil(calls / BATCH) }, (_, r) =>
    Array.from({ length: BATCH }, (_, i) => idOf(`b${round}-${r * BATCH + i}`)),
  );
  const cpu = process.cpuUsage();
  const written = writtenBytes();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < requests.length; i = next++) {
      const ids = requests[i]!;
      const { Responses = [] } = await side.client.send(batchedClaims(ids));
      const duplicates = Responses.filter((r) => r.Error?.Code === 'DuplicateItem').length;
      if (duplicates !== (again ? ids.length : 0)) throw new Error(`${side.name}: ${duplicates} duplicates`);
      if (!again) await side.client.send(batchedSettlement(ids));
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const used = process.cpuUsage(cpu);
  const events = requests.length * BATCH;
  (again ? bytesTaken : bytesFresh).push((writtenBytes() - written) / events);
  return (used.user + used.system) / events;
}

/** Bytes written per event of each batched measurement (new keys; taken keys). */
const bytesFresh: number[] = [];
const bytesTaken: number[] = [];

/** CPU µs per call of `count` claims 8 at a time; `again` repeats keys so the condition fails. */
async function measure(side: Side, round: number, again: boolean): Promise<number> {
  if (protocol === 'batched') return measureBatched(side, round, again);
  const ids = Array.from({ length: calls }, (_, i) => idOf(`r${round}-${i}`));
  const cpu = process.cpuUsage();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < ids.length; i = next++) {
      try {
        await side.client.send(claim(ids[i]!));
      } catch (error) {
        if (!(again && error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / calls;
}

const sides = [await startSide('this tree', resolve(import.meta.dirname, '../..'))];
if (base) sides.unshift(await startSide(`base (${base})`, base));
try {
  const results = new Map(sides.map((s) => [s.name, { fresh: [] as number[], taken: [] as number[] }]));
  for (const side of sides) await prefillIdempotencyRecords(side.client, TABLE, prefill);
  for (const side of sides) await measure(side, -1, false); // warm-up
  for (let r = 0; r < rounds; r++) {
    for (const side of r % 2 === 0 ? sides : [...sides].reverse()) {
      results.get(side.name)!.fresh.push(await measure(side, r, false));
      results.get(side.name)!.taken.push(await measure(side, r, true));
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(
    `DynamoDB emulator, ${calls} claims × ${rounds} rounds (${protocol}, ${keys} keys, ${prefill} records before), load average ${loadavg()[0]!.toFixed(2)}`,
  );
  const what = protocol === 'batched' ? 'per event: claim + settlement (new key)' : 'per claim (new key)';
  console.log(`| emulator | CPU µs ${what} | CPU µs per claim (key taken) |`);
  console.log('|---|---:|---:|');
  for (const [name, r] of results)
    console.log(`| ${name} | ${mean(r.fresh).toFixed(0)} | ${mean(r.taken).toFixed(0)} |`);
  if (protocol === 'batched') {
    console.log(
      `bytes written per event (all sides): ${mean(bytesFresh).toFixed(0)} (new key), ${mean(bytesTaken).toFixed(0)} (key taken)`,
    );
  }
  if (base) {
    const [b, t] = [...results.values()] as [
      { fresh: number[]; taken: number[] },
      { fresh: number[]; taken: number[] },
    ];
    console.log(
      `| this ÷ base | ${(mean(t.fresh) / mean(b.fresh)).toFixed(2)}× | ${(mean(t.taken) / mean(b.taken)).toFixed(2)}× |`,
    );
  }
} finally {
  for (const side of sides) await side.stop();
}

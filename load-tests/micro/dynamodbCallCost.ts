/**
 * CPU per call of the DynamoDB emulator of this tree against that of another checkout (`--base`, e.g.
 * the main checkout), both started in this process, alternating round by round: the SDK client's
 * share is the same on both sides, so the difference is the emulator's. The calls are the idempotency
 * claim's: Powertools' conditional PutItem (`ReturnValuesOnConditionCheckFailure: ALL_OLD`, the
 * same four-placeholder condition on every call) on new keys, and again on the same keys (the
 * condition fails and the item comes back). With `--base` absent only this tree is measured.
 *
 *   npx tsx load-tests/micro/dynamodbCallCost.ts [--base /work/main] [--calls 2000] [--rounds 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { benchFlags } from './benchFlags.ts';

const { base, calls, rounds } = benchFlags({ base: undefined, calls: 2000, rounds: 3 });
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

/** CPU µs per call of `count` claims 8 at a time; `again` repeats keys so the condition fails. */
async function measure(side: Side, round: number, again: boolean): Promise<number> {
  const ids = Array.from({ length: calls }, (_, i) => `r${round}-${i}`);
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
  for (const side of sides) await measure(side, -1, false); // warm-up
  for (let r = 0; r < rounds; r++) {
    for (const side of r % 2 === 0 ? sides : [...sides].reverse()) {
      results.get(side.name)!.fresh.push(await measure(side, r, false));
      results.get(side.name)!.taken.push(await measure(side, r, true));
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`DynamoDB emulator, ${calls} claims × ${rounds} rounds, load average ${loadavg()[0]!.toFixed(2)}`);
  console.log('| emulator | CPU µs per claim (new key) | CPU µs per claim (key taken) |');
  console.log('|---|---:|---:|');
  for (const [name, r] of results)
    console.log(`| ${name} | ${mean(r.fresh).toFixed(0)} | ${mean(r.taken).toFixed(0)} |`);
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

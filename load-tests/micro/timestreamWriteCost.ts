/**
 * Write cost of the Timestream emulator, measured three ways on a store that already holds
 * `--prefill` records (index depth matters for the cost of an insert):
 *  1. store:  `normalizeRecord` + `TimestreamStore.writeRecords` (no JSON, no HTTP);
 *  2. router: the emulator's router (`handle`) with the JSON body the SDK sends — the emulator's whole
 *             WriteRecords path (parse, validate, write, commit, answer) minus the HTTP server;
 *  3. sdk:    the real `@aws-sdk/client-timestream-write` over loopback HTTP with N calls in
 *             flight (what the consume handlers do); its CPU includes the client's own work.
 * Each call writes `--batch` full BEMS multi-measure records (8 dimensions, 13 measures), like a
 * consumer handling an SQS batch of 10. CPU is process.cpuUsage (user + system) per call, the
 * number that matters on a shared 2-core machine (all threads; `mainCpuMsPerCall` is the event-loop
 * thread alone); wall time is reported alongside. `--checkpoint-ms` sets the emulator's background
 * WAL checkpoint interval (0 = SQLite's own checkpoints inside commits). `--read-model on` (the
 * default) gives the store the BEMS read model's indexes, as the local cell does (`readSchema`:
 * `dashboards/readModel/readModelSchema.ts`); `--without-index NAME[,NAME]` drops indexes before
 * the measurement, to price each one (store and router phases).
 *
 * Usage: npx tsx load-tests/micro/timestreamWriteCost.ts [--calls 1000] [--batch 10] [--prefill 20000]
 *          [--concurrency 4] [--checkpoint-ms 250] [--phases store,router,sdk] [--data-dir DIR]
 *          [--read-model on|off] [--without-index invoice_events_by_event,invoice_events_by_window]
 *          [--keys ordered|cell] [--cache-kib N]
 * `--keys cell` spreads invoice ids and times as the bench's load generator does (see `KeySpread`);
 * `--cache-kib` sets the store's writer page cache (`pageCacheKiB`; `default` leaves the store's
 * own). `readKiBPerCall` is what the process read meanwhile: pages missing from SQLite's
 * cache (`rchar` of /proc/self/io), like `writtenKiBPerCall` exact whatever the machine's load.
 * Without --data-dir a temporary directory is used and removed afterwards.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { type _Record, TimestreamWriteClient, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { READ_MODEL_SCHEMA } from '../../dashboards/readModel/readModelSchema.ts';
import { FaultSwitch } from '../../local/timestream/FaultSwitch.ts';
import { type NormalizedRecord, normalizeRecord } from '../../local/timestream/normalizeRecord.ts';
import { createTimestreamRouter, startTimestreamEmulator } from '../../local/timestream/startTimestreamEmulator.ts';
import { TimestreamStore } from '../../local/timestream/TimestreamStore.ts';
import { DEFAULT_PRIMARY_CONSUMER, toAnalyticsWriteRecord } from '../../schemas/analyticsRecord.ts';
import { benchFlags } from './benchFlags.ts';
import { readBytes, writtenBytes } from './writtenBytes.ts';

const STAGES = ['ingestion', 'reconciliation', 'authorization', 'posting'] as const;
const PHASES = ['store', 'router', 'sdk'] as const;
type Phase = (typeof PHASES)[number];
const DATABASE = 'bench';
const TABLE = 'events';
const TABLE_SETTINGS = { memoryRetentionHours: 24, magneticRetentionDays: 30, magneticWrites: false };

/**
 * How the records' keys are spread: `ordered` — invoice ids and times rise with `i` (inserts at the
 * right edge of the time and invoice indexes); `cell` — as the bench's load generator sends them
 * (`load-tests/invoiceEventGenerator.ts`): an invoice out of 100,000 at random and a time up to
 * 120 s before now, so every index but the row ids takes its inserts at random places.
 */
type KeySpread = 'ordered' | 'cell';
const KEY_SPREADS: readonly KeySpread[] = ['ordered', 'cell'];
let keySpread: KeySpread = 'ordered';

function bemsRecord(i: number, nowMs: number): _Record {
  const cell = keySpread === 'cell';
  const occurredAt = cell ? nowMs - Math.floor(Math.random() * 120_000) : nowMs - 3_600_000 + (i % 3_000_000);
  const received = occurredAt + 500;
  const processed = received + 120;
  return toAnalyticsWriteRecord({
    timeMs: occurredAt,
    dimensions: {
      cell: 'local',
      region: 'eu-west-1',
      stage: STAGES[i % 4]!,
      consumer: DEFAULT_PRIMARY_CONSUMER,
      invoice_id: cell ? `LT-bench-${Math.floor(Math.random() * 100_000)}` : `INV-${Math.floor(i / 4)}`,
      event_id: randomUUID(),
      vendor_id: `V-${i % 500}`,
      currency: 'EUR',
    },
    measures: {
      status: 'received',
      amount: '1250.00',
      amount_minor: '125000',
      amount_text: '1250.00',
      vendor_name: 'Acme GmbH',
      vendor_country: 'DE',
      invoice_date: '2026-11-28',
      received_at: String(received),
      processed_at: String(processed),
      latency_ms: '120',
      due_at: String(occurredAt + 30 * 86_400_000),
      source_system: 'sap-fi',
      replayed: 'false',
    },
  });
}

function batches(calls: number, batch: number, nowMs: number, offset: number): _Record[][] {
  return Array.from({ length: calls }, (_, c) =>
    Array.from({ length: batch }, (_, j) => bemsRecord(offset + c * batch + j, nowMs)),
  );
}

function normalized(batch: readonly _Record[]): NormalizedRecord[] {
  return batch.map((record) => {
    const result = normalizeRecord(record, undefined);
    if (!result.ok) throw new Error(result.reason);
    return result.record;
  });
}

interface StoreShape {
  readonly readModel: boolean;
  readonly withoutIndexes: readonly string[];
  /** The writer's page cache in KiB (`--cache-kib`); undefined: the store's default. */
  readonly pageCacheKiB?: number;
}

function openStore(
  dir: string,
  prefill: number,
  nowMs: number,
  checkpointMs: number,
  shape: StoreShape = { readModel: false, withoutIndexes: [] },
): TimestreamStore {
  const store = new TimestreamStore({
    dataDir: dir,
    ...(shape.readModel ? { readSchema: READ_MODEL_SCHEMA } : {}),
    ...(checkpointMs > 0 ? { checkpointIntervalMs: checkpointMs } : {}),
    ...(shape.pageCacheKiB !== undefined ? { pageCacheKiB: shape.pageCacheKiB } : {}),
  });
  if (shape.withoutIndexes.length > 0) {
    // The store keeps its connections to itself; a second connection drops the indexes for it.
    const db = new DatabaseSync(store.path);
    for (const index of shape.withoutIndexes) db.exec(`DROP INDEX ${index}`);
    db.close();
  }
  store.insertDatabase(DATABASE, `arn:${DATABASE}`, nowMs);
  store.insertTable(DATABASE, TABLE, `arn:${DATABASE}/${TABLE}`, TABLE_SETTINGS, nowMs);
  fill(store, prefill, nowMs);
  return store;
}

/** Writes records outside any measurement, in 100-record calls (ids far from the measured ones). */
function fill(store: TimestreamStore, records: number, nowMs: number): void {
  for (const batch of batches(Math.ceil(records / 100), 100, nowMs, 10_000_000)) {
    store.writeRecords(DATABASE, TABLE, normalized(batch), nowMs);
  }
}

interface Measured {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly mainCpuMs: number;
  /** Bytes the process wrote meanwhile (WAL frames, checkpoints): exact with `--checkpoint-ms 0`. */
  readonly writtenBytes: number;
  /** Bytes the process read meanwhile: the pages SQLite did not find in its page cache. */
  readonly readBytes: number;
}

async function measure(run: () => Promise<void> | void): Promise<Measured> {
  const cpu = process.cpuUsage();
  const mainCpu = process.threadCpuUsage();
  const written = writtenBytes();
  const read = readBytes();
  const start = performance.now();
  await run();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const mainUsed = process.threadCpuUsage(mainCpu);
  return {
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
    mainCpuMs: (mainUsed.user + mainUsed.system) / 1000,
    writtenBytes: writtenBytes() - written,
    readBytes: readBytes() - read,
  };
}

async function runPhase(
  phase: Phase,
  dir: string,
  options: {
    calls: number;
    batch: number;
    prefill: number;
    concurrency: number;
    checkpointMs: number;
    shape: StoreShape;
  },
) {
  const { calls, batch, prefill, concurrency, checkpointMs, shape } = options;
  const now = Date.now();
  const work = batches(calls, batch, now, 0);
  if (phase === 'store') {
    const store = openStore(dir, prefill, now, checkpointMs, shape);
    const inputs = work.map(normalized);
    const measured = await measure(() => {
      for (const records of inputs) store.writeRecords(DATABASE, TABLE, records, now);
    });
    const count = store.countRecords();
    store.close();
    return { measured, count };
  }
  if (phase === 'router') {
    const store = openStore(dir, prefill, now, checkpointMs, shape);
    const router = createTimestreamRouter(store, { faults: new FaultSwitch(), region: 'eu-west-1', accountId: '0' });
    const bodies = work.map((records) =>
      JSON.stringify({ DatabaseName: DATABASE, TableName: TABLE, Records: records }),
    );
    const measured = await measure(() => {
      for (const body of bodies) {
        const response = router.handle({ target: 'Timestream_20181101.WriteRecords', body, host: '127.0.0.1' });
        if (response.status !== 200) throw new Error(`WriteRecords answered ${response.status}: ${response.body}`);
      }
    });
    const count = store.countRecords();
    store.close();
    return { measured, count };
  }
  const seed = openStore(dir, prefill, now, 0);
  seed.close();
  const emulator = await startTimestreamEmulator({
    dataDir: dir,
    databases: [{ name: DATABASE, tables: [{ name: TABLE, ...TABLE_SETTINGS }] }],
    checkpointIntervalMs: checkpointMs,
  });
  const client = new TimestreamWriteClient({
    endpoint: emulator.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  // One warm-up call, so the SDK's lazy setup is not counted.
  await client.send(new WriteRecordsCommand({ DatabaseName: DATABASE, TableName: TABLE, Records: work[0]! }));
  let next = 1;
  const measured = await measure(() =>
    Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < work.length) {
          const records = work[next++]!;
          await client.send(new WriteRecordsCommand({ DatabaseName: DATABASE, TableName: TABLE, Records: records }));
        }
      }),
    ).then(() => undefined),
  );
  const count = emulator.store.countRecords();
  client.destroy();
  await emulator.stop();
  return { measured, count, measuredCalls: calls - 1 };
}

async function main(): Promise<void> {
  const values = benchFlags({
    calls: 1000,
    batch: 10,
    prefill: 20_000,
    concurrency: 4,
    'checkpoint-ms': 250,
    phases: PHASES.join(','),
    'data-dir': undefined,
    'read-model': 'on',
    'without-index': '',
    keys: 'ordered',
    'cache-kib': 'default',
  });
  if (!(KEY_SPREADS as readonly string[]).includes(values.keys)) throw new Error('--keys must be ordered or cell');
  keySpread = values.keys as KeySpread;
  const cacheKiB = values['cache-kib'] === 'default' ? undefined : Number(values['cache-kib']);
  if (cacheKiB !== undefined && !(Number.isInteger(cacheKiB) && cacheKiB >= 0)) {
    throw new Error('--cache-kib must be default or an integer >= 0');
  }
  if (!['on', 'off'].includes(values['read-model'])) throw new Error('--read-model must be on or off');
  const shape: StoreShape = {
    readModel: values['read-model'] === 'on',
    withoutIndexes: values['without-index'].split(',').filter((name) => /^\w+$/.test(name)),
    ...(cacheKiB !== undefined ? { pageCacheKiB: cacheKiB } : {}),
  };
  if (shape.withoutIndexes.includes('records_by_time')) {
    throw new Error('--without-index: records_by_time is how the store finds an identity; it cannot be dropped');
  }
  const { calls, batch, prefill, concurrency } = values;
  const checkpointMs = values['checkpoint-ms'];
  const phases = values.phases.split(',') as Phase[];
  if (!Number.isInteger(calls) || calls < 2) throw new Error('--calls must be an integer >= 2');
  if (!Number.isInteger(batch) || batch < 1 || batch > 100) throw new Error('--batch must be an integer in 1..100');
  if (!Number.isInteger(prefill) || prefill < 0) throw new Error('--prefill must be a non-negative integer');
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('--concurrency must be a positive integer');
  if (!Number.isInteger(checkpointMs) || checkpointMs < 0) throw new Error('--checkpoint-ms must be an integer >= 0');
  const unknown = phases.filter((p) => !(PHASES as readonly string[]).includes(p));
  if (unknown.length > 0) throw new Error(`unknown --phases ${unknown.join(', ')}; expected ${PHASES.join(', ')}`);

  const ownDir = values['data-dir'] === undefined;
  const dataDir = values['data-dir'] ?? mkdtempSync(join(tmpdir(), 'bems-ts-bench-'));
  const results: Record<string, unknown> = {};
  try {
    for (const phase of phases) {
      const {
        measured,
        count,
        measuredCalls = calls,
      } = await runPhase(phase, join(dataDir, phase), { calls, batch, prefill, concurrency, checkpointMs, shape });
      const expected = Math.ceil(prefill / 100) * 100 + calls * batch;
      if (count !== expected) throw new Error(`${phase}: ${count} records stored, expected ${expected}`);
      results[phase] = {
        calls: measuredCalls,
        cpuMsPerCall: Number((measured.cpuMs / measuredCalls).toFixed(3)),
        mainCpuMsPerCall: Number((measured.mainCpuMs / measuredCalls).toFixed(3)),
        wallMsPerCall: Number((measured.wallMs / measuredCalls).toFixed(3)),
        writtenKiBPerCall: Number((measured.writtenBytes / 1024 / measuredCalls).toFixed(2)),
        readKiBPerCall: Number((measured.readBytes / 1024 / measuredCalls).toFixed(2)),
        recordsPerCpuSecond: Math.round((measuredCalls * batch * 1000) / measured.cpuMs),
        ...(phase === 'sdk' ? { concurrency } : {}),
      };
    }
    console.log(
      JSON.stringify(
        { batch, prefill, keys: keySpread, checkpointMs, ...shape, ...results, node: process.version },
        null,
        2,
      ),
    );
  } finally {
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();

/**
 * Write throughput of the Timestream emulator, measured two ways:
 *  1. store: `normalizeRecord` + `TimestreamStore.writeRecords` in 100-record transactions (no HTTP);
 *  2. sdk:   the real `@aws-sdk/client-timestream-write` sending 100-record WriteRecords calls over
 *            loopback HTTP, with N calls in flight (what the consume handlers do).
 * Each BEMS record is the full multi-measure record (8 dimensions, 13 measures).
 *
 * Usage: npx tsx local/timestream/bench.ts [--records 50000] [--concurrency 4] [--data-dir DIR]
 * Without --data-dir a temporary directory is used and removed afterwards.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type _Record, TimestreamWriteClient, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { normalizeRecord } from './normalizeRecord.ts';
import { startTimestreamEmulator } from './startTimestreamEmulator.ts';
import { TimestreamStore } from './TimestreamStore.ts';

const BATCH = 100;
const STAGES = ['ingestion', 'reconciliation', 'authorization', 'posting'] as const;

function bemsRecord(i: number, nowMs: number): _Record {
  const occurredAt = nowMs - 3_600_000 + (i % 3_000_000);
  const received = occurredAt + 500;
  const processed = received + 120;
  const dims: Record<string, string> = {
    cell: 'local',
    region: 'eu-west-1',
    stage: STAGES[i % 4]!,
    consumer: 'recorder',
    invoice_id: `INV-${Math.floor(i / 4)}`,
    event_id: randomUUID(),
    vendor_id: `V-${i % 500}`,
    currency: 'EUR',
  };
  return {
    Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })),
    MeasureName: 'invoice_event',
    MeasureValueType: 'MULTI',
    Time: String(occurredAt),
    TimeUnit: 'MILLISECONDS',
    Version: 1,
    MeasureValues: [
      { Name: 'status', Value: 'received', Type: 'VARCHAR' },
      { Name: 'amount', Value: '1250.00', Type: 'DOUBLE' },
      { Name: 'amount_minor', Value: '125000', Type: 'BIGINT' },
      { Name: 'amount_text', Value: '1250.00', Type: 'VARCHAR' },
      { Name: 'vendor_name', Value: 'Acme GmbH', Type: 'VARCHAR' },
      { Name: 'vendor_country', Value: 'DE', Type: 'VARCHAR' },
      { Name: 'invoice_date', Value: '2026-11-28', Type: 'VARCHAR' },
      { Name: 'received_at', Value: String(received), Type: 'TIMESTAMP' },
      { Name: 'processed_at', Value: String(processed), Type: 'TIMESTAMP' },
      { Name: 'latency_ms', Value: '120', Type: 'BIGINT' },
      { Name: 'due_at', Value: String(occurredAt + 30 * 86_400_000), Type: 'TIMESTAMP' },
      { Name: 'source_system', Value: 'sap-fi', Type: 'VARCHAR' },
      { Name: 'replayed', Value: 'false', Type: 'BOOLEAN' },
    ],
  };
}

function batches(total: number, nowMs: number, offset: number): _Record[][] {
  const out: _Record[][] = [];
  for (let start = 0; start < total; start += BATCH) {
    out.push(Array.from({ length: Math.min(BATCH, total - start) }, (_, j) => bemsRecord(offset + start + j, nowMs)));
  }
  return out;
}

const rate = (records: number, ms: number): number => Math.round((records / ms) * 1000);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '50000' },
      concurrency: { type: 'string', default: '4' },
      'data-dir': { type: 'string' },
    },
  });
  const total = Number(values.records);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(total) || total < BATCH || !Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error('--records must be an integer >= 100 and --concurrency a positive integer');
  }
  const ownDir = values['data-dir'] === undefined;
  const dataDir = values['data-dir'] ?? mkdtempSync(join(tmpdir(), 'bems-ts-bench-'));
  const now = Date.now();

  try {
    // 1. Store only.
    const storeDir = join(dataDir, 'store');
    const store = new TimestreamStore({ dataDir: storeDir });
    store.insertDatabase('bench', 'arn:bench', now);
    store.insertTable(
      'bench',
      'events',
      'arn:bench/events',
      {
        memoryRetentionHours: 24,
        magneticRetentionDays: 30,
        magneticWrites: false,
      },
      now,
    );
    const storeBatches = batches(total, now, 0);
    const storeStart = performance.now();
    for (const batch of storeBatches) {
      const normalized = batch.map((record) => {
        const result = normalizeRecord(record, undefined);
        if (!result.ok) throw new Error(result.reason);
        return result.record;
      });
      store.writeRecords('bench', 'events', normalized, now);
    }
    const storeMs = performance.now() - storeStart;
    const storedCount = store.countRecords();
    store.close();

    // 2. Real SDK over HTTP.
    const emulator = await startTimestreamEmulator({
      dataDir: join(dataDir, 'sdk'),
      databases: [
        {
          name: 'bench',
          tables: [{ name: 'events', memoryRetentionHours: 24, magneticRetentionDays: 30, magneticWrites: false }],
        },
      ],
    });
    const client = new TimestreamWriteClient({
      endpoint: emulator.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    });
    const sdkBatches = batches(total, now, total);
    let next = 0;
    const sdkStart = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < sdkBatches.length) {
          const batch = sdkBatches[next++]!;
          await client.send(new WriteRecordsCommand({ DatabaseName: 'bench', TableName: 'events', Records: batch }));
        }
      }),
    );
    const sdkMs = performance.now() - sdkStart;
    const sdkCount = emulator.store.countRecords();
    client.destroy();
    await emulator.stop();

    if (storedCount !== total || sdkCount !== total) {
      throw new Error(`record count mismatch: store ${storedCount}, sdk ${sdkCount}, expected ${total}`);
    }
    const result = {
      records: total,
      batchSize: BATCH,
      store: { ms: Math.round(storeMs), recordsPerSecond: rate(total, storeMs) },
      sdk: { concurrency, ms: Math.round(sdkMs), recordsPerSecond: rate(total, sdkMs) },
      node: process.version,
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();

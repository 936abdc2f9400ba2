import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAKEHOUSE_READ_MODEL, LocalReadModel } from '../../../dashboards/readModel/index.ts';
import { type RunningFirehoseEmulator, startFirehoseEmulator } from '../../../local/firehose/index.ts';
import { ANALYTICS_UNIQUE_KEY, type AnalyticsRow, epochMicros } from '../../../schemas/analyticsRecord.ts';
import { LAKEHOUSE_TABLE } from '../../../schemas/lakehouseTable.ts';
import { EVENTS } from './dashboardFixture.ts';
import { type SeededStore, seedRows, startSeededStore } from './seededStore.ts';

/**
 * The local read model over the lakehouse (the Firehose emulator's Iceberg rows) against the one over
 * Timestream, seeded with the same events through each store's own sink shape: the view
 * `invoice_events` must give the same rows, column for column, and the read model's counts and
 * duplicate check must work the same — except that a repeated write replaces the lakehouse row
 * (last write wins) where Timestream keeps the first.
 */

const STREAM = 'bems-local-analytics';
let timestream: SeededStore;
let firehose: RunningFirehoseEmulator;
let client: FirehoseClient;
let dataDir: string;

function put(rows: readonly AnalyticsRow[]) {
  return client.send(
    new PutRecordBatchCommand({
      DeliveryStreamName: STREAM,
      Records: rows.map((row) => ({ Data: new TextEncoder().encode(`${JSON.stringify(row)}\n`) })),
    }),
  );
}

beforeAll(async () => {
  timestream = await startSeededStore(EVENTS);
  dataDir = mkdtempSync(join(tmpdir(), 'bems-lake-read-'));
  firehose = await startFirehoseEmulator({
    dataDir,
    readSchema: LAKEHOUSE_READ_MODEL.schema,
    checkpointIntervalMs: 0,
    streams: [
      { name: STREAM, tables: [{ ...LAKEHOUSE_TABLE, uniqueKeys: [...ANALYTICS_UNIQUE_KEY] }], operation: 'update' },
    ],
  });
  client = new FirehoseClient({
    endpoint: firehose.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const rows = seedRows(EVENTS);
  for (let i = 0; i < rows.length; i += 500) expect((await put(rows.slice(i, i + 500))).FailedPutCount).toBe(0);
});

afterAll(async () => {
  client?.destroy();
  await firehose?.stop();
  await timestream?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const VIEW = `SELECT * FROM invoice_events ORDER BY event_id, consumer`;
/** Where and when a row was written differs between the stores by design; everything else must not. */
const withoutOrigin = (rows: Record<string, unknown>[]) =>
  rows.map(({ database_name, table_name, written_at_ms, ...fields }) => fields);

describe('the local read model over the lakehouse', () => {
  it('gives the view invoice_events the same columns and values as over Timestream, instants in epoch ms', () => {
    // Act
    const lake = firehose.store.query<Record<string, unknown>>(VIEW);
    const ts = timestream.store.query<Record<string, unknown>>(VIEW);

    // Assess
    expect(lake).toHaveLength(EVENTS.length);
    expect(Object.keys(lake[0]!)).toEqual(Object.keys(ts[0]!));
    expect(withoutOrigin(lake)).toEqual(withoutOrigin(ts));
    expect(lake[0]).toMatchObject({ database_name: LAKEHOUSE_TABLE.database, table_name: LAKEHOUSE_TABLE.table });
  });

  it('counts and checks for duplicates through the lakehouse source as over Timestream', () => {
    // Prepare
    const lake = new LocalReadModel(firehose.store, { source: LAKEHOUSE_READ_MODEL });
    const ts = new LocalReadModel(timestream.store);
    const invoiceId = String(seedRows(EVENTS)[0]!.invoice_id);

    // Act / Assess
    expect(lake.countRecords({ measureName: 'invoice_event' })).toBe(ts.countRecords({ measureName: 'invoice_event' }));
    expect(lake.countRecords({ measureName: 'probe' })).toBe(0);
    expect(lake.countRecords({ stage: 'ingestion', primaryOnly: true })).toBe(
      ts.countRecords({ stage: 'ingestion', primaryOnly: true }),
    );
    expect(lake.eventIds()).toEqual(ts.eventIds());
    expect(lake.countByInvoicePrefix('INV-')).toBe(ts.countByInvoicePrefix('INV-'));
    expect(lake.timeline(invoiceId)).toEqual(
      ts.timeline(invoiceId).map((record) => ({ ...record, writtenAtMs: expect.any(Number) })),
    );
    expect(lake.duplicateIdentities()).toEqual([]);
  });

  it('keeps the last write of an event and consumer: a repeat replaces the row instead of adding one', async () => {
    // Prepare: the first seeded row again, processed a minute later, as a redelivery would write it.
    const [first] = seedRows(EVENTS);
    const later = { ...first!, processed_at: Number(first!.processed_at) + epochMicros(60_000), replayed: true };
    const readModel = new LocalReadModel(firehose.store, { source: LAKEHOUSE_READ_MODEL });
    const before = readModel.countRecords();

    // Act
    await put([later]);

    // Assess
    expect(readModel.countRecords()).toBe(before);
    expect(readModel.duplicateIdentities()).toEqual([]);
    const [row] = firehose.store.query<{ processed_at_ms: number; replayed: number }>(
      'SELECT processed_at_ms, replayed FROM invoice_events WHERE event_id = ? AND consumer = ?',
      [String(first!.event_id), String(first!.consumer)],
    );
    expect(row).toEqual({ processed_at_ms: Number(later.processed_at) / 1000, replayed: 1 });
  });
});

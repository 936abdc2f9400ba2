import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TimestreamWriteClient, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READ_MODEL_SCHEMA } from '../../../dashboards/readModel/index.ts';
import { TimestreamWriteProbe } from '../../../handlers/monitor/DependencyProbe.ts';
import { InvoiceEventsSqlSource } from '../../../handlers/monitor/InvoiceEventsSqlSource.ts';
import type { StageSla } from '../../../handlers/monitor/StuckInvoiceSource.ts';
import type { DlqRoute } from '../../../handlers/shared/dlq/DlqRoute.ts';
import { type RunningTimestreamEmulator, startTimestreamEmulator } from '../../../local/timestream/index.ts';
import { type BemsRecordSpec, bemsRecord } from '../local/timestream/bemsRecords.ts';

const DB = 'bems-test';
const TABLE = 'invoice_events';
const MINUTE = 60_000;
const NOW = Date.now();
const STAGES: StageSla[] = (['ingestion', 'reconciliation', 'authorization', 'posting'] as const).map((stage) => ({
  stage,
  slaSeconds: 900,
  primaryConsumer: 'recorder',
}));

describe('stuck invoices over the local time-series store', () => {
  let dataDir: string;
  let emulator: RunningTimestreamEmulator;
  let client: TimestreamWriteClient;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bems-stuck-'));
    emulator = await startTimestreamEmulator({
      dataDir,
      readSchema: READ_MODEL_SCHEMA,
      databases: [
        {
          name: DB,
          tables: [{ name: TABLE, memoryRetentionHours: 24, magneticRetentionDays: 30, magneticWrites: true }],
        },
      ],
    });
    client = new TimestreamWriteClient({
      endpoint: emulator.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    const at = (minutesAgo: number) => NOW - minutesAgo * MINUTE;
    const records: BemsRecordSpec[] = [
      // Stuck in ingestion: captured 20 minutes ago, nothing since.
      { invoiceId: 'INV-A', stage: 'ingestion', status: 'captured', occurredAtMs: at(20) },
      // Moved on to reconciliation a minute ago: not stuck.
      { invoiceId: 'INV-B', stage: 'ingestion', status: 'received', occurredAtMs: at(20) },
      { invoiceId: 'INV-B', stage: 'reconciliation', status: 'matched', occurredAtMs: at(1) },
      // Posted two hours ago: final, not stuck.
      { invoiceId: 'INV-C', stage: 'posting', status: 'posted', occurredAtMs: at(120) },
      // Posting failed half an hour ago: stuck in posting.
      { invoiceId: 'INV-D', stage: 'posting', status: 'failed', occurredAtMs: at(30) },
      // Quiet for five days: beyond the look-back, no longer reported.
      { invoiceId: 'INV-E', stage: 'ingestion', status: 'captured', occurredAtMs: at(5 * 24 * 60) },
      // Recorded only by a second consumer: dashboards do not count it, nor does the SLA check.
      { invoiceId: 'INV-F', stage: 'ingestion', status: 'captured', consumer: 'escalations', occurredAtMs: at(20) },
      // Rejected in authorization: final.
      { invoiceId: 'INV-G', stage: 'authorization', status: 'rejected', occurredAtMs: at(60) },
      // Stuck in ingestion for longer than INV-A.
      { invoiceId: 'INV-H', stage: 'ingestion', status: 'received', occurredAtMs: at(45) },
    ];
    await client.send(
      new WriteRecordsCommand({ DatabaseName: DB, TableName: TABLE, Records: records.map(bemsRecord) }),
    );
  });

  afterAll(async () => {
    client?.destroy();
    await emulator?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finds invoices whose latest event is older than the stage SLA and not final, longest-stuck first', async () => {
    // Prepare
    const source = new InvoiceEventsSqlSource({
      query: (sql, params) => emulator.store.query(sql, params),
      database: DB,
      table: TABLE,
    });

    // Act
    const stuck = await source.stuckInvoices(STAGES, { nowMs: NOW, lookbackHours: 72, sampleSize: 5 });

    // Assess
    expect(stuck).toEqual([
      { stage: 'ingestion', count: 2, oldestAgeSeconds: 45 * 60, sampleInvoiceIds: ['INV-H', 'INV-A'] },
      { stage: 'reconciliation', count: 0, oldestAgeSeconds: null, sampleInvoiceIds: [] },
      { stage: 'authorization', count: 0, oldestAgeSeconds: null, sampleInvoiceIds: [] },
      { stage: 'posting', count: 1, oldestAgeSeconds: 30 * 60, sampleInvoiceIds: ['INV-D'] },
    ]);
  });

  it('limits the samples but not the count', async () => {
    const source = new InvoiceEventsSqlSource({
      query: (sql, p) => emulator.store.query(sql, p),
      database: DB,
      table: TABLE,
    });
    const [ingestion] = await source.stuckInvoices(STAGES, { nowMs: NOW, lookbackHours: 72, sampleSize: 1 });
    expect(ingestion).toMatchObject({ count: 2, sampleInvoiceIds: ['INV-H'] });
  });

  it('still sees that an invoice moved on when only some stages are asked about', async () => {
    const source = new InvoiceEventsSqlSource({
      query: (sql, p) => emulator.store.query(sql, p),
      database: DB,
      table: TABLE,
    });
    const [ingestion] = await source.stuckInvoices(STAGES.slice(0, 1), {
      nowMs: NOW,
      lookbackHours: 72,
      sampleSize: 5,
    });
    expect(ingestion).toMatchObject({ stage: 'ingestion', count: 2, sampleInvoiceIds: ['INV-H', 'INV-A'] });
  });

  describe('Timestream write probe', () => {
    const consumerRoute = { role: 'consumer', stage: 'posting', consumer: 'recorder' } as DlqRoute;

    it('succeeds against a healthy store without adding an invoice event', async () => {
      const before = emulator.store.countRecords({ measureName: 'invoice_event' });
      const probe = new TimestreamWriteProbe(client, DB, TABLE, 'test');

      const result = await probe.probe(consumerRoute);

      expect(result).toEqual({ ok: true, detail: 'Timestream write probe succeeded' });
      expect(emulator.store.countRecords({ measureName: 'invoice_event' })).toBe(before);
    });

    it('fails while the store refuses writes', async () => {
      emulator.setFault({ mode: 'throttle' });
      try {
        const result = await new TimestreamWriteProbe(client, DB, TABLE, 'test').probe(consumerRoute);
        expect(result.ok).toBe(false);
        expect(result.detail).toMatch(/ThrottlingException/);
      } finally {
        emulator.setFault(null);
      }
    });
  });
});

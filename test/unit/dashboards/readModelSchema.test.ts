import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalReadModel, READ_MODEL_SCHEMA } from '../../../dashboards/readModel/index.ts';
import { TimestreamStore } from '../../../local/timestream/TimestreamStore.ts';
import { READ_MODEL_COLUMNS, READ_MODEL_VIEW, TIMESTREAM_COLUMNS } from '../../../schemas/analyticsRecord.ts';
import { type SeedEvent, startSeededStore } from './seededStore.ts';

describe('the local read model schema', () => {
  let dataDir: string | undefined;
  afterEach(() => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('has a column for every field of the analytics record, under its read-model name', () => {
    // Prepare
    dataDir = mkdtempSync(join(tmpdir(), 'bems-read-model-'));
    const store = new TimestreamStore({ dataDir, readSchema: READ_MODEL_SCHEMA });

    // Act
    const columns = store.query<{ name: string }>(`PRAGMA table_info(${READ_MODEL_VIEW})`).map((c) => c.name);
    store.close();

    // Assess
    expect(columns).toEqual(expect.arrayContaining(Object.values(READ_MODEL_COLUMNS)));
    expect(READ_MODEL_COLUMNS.received_at).toBe('received_at_ms');
    expect(TIMESTREAM_COLUMNS.received_at).toBe('received_at');
  });

  it('is installed again at every open, so a data directory written without it still reads', () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bems-read-model-'));
    new TimestreamStore({ dataDir }).close();
    const store = new TimestreamStore({ dataDir, readSchema: READ_MODEL_SCHEMA });
    expect(store.query(`SELECT count(*) AS n FROM ${READ_MODEL_VIEW}`)).toEqual([{ n: 0 }]);
    store.close();
    // The schema is idempotent: a second open with it succeeds.
    new TimestreamStore({ dataDir, readSchema: READ_MODEL_SCHEMA }).close();
  });

  it('reads the account that received each event, and NULL for one recorded before ingest stamped it', async () => {
    // Prepare: one invoice, its ingestion recorded without an account, its posting with one.
    const event = (stage: SeedEvent['stage'], status: string, offsetMs: number, account?: null): SeedEvent => ({
      invoiceId: 'INV-ACCOUNT',
      stage,
      status,
      occurredAtMs: Date.parse('2026-11-28T09:00:00Z') + offsetMs,
      amount: '10.00',
      currency: 'EUR',
      vendorId: 'V-1',
      vendorName: 'Acme',
      invoiceDate: '2026-11-28',
      paymentTerms: { netDays: 30 },
      ...(account === null ? { account } : {}),
    });
    const seeded = await startSeededStore([event('ingestion', 'received', 0, null), event('posting', 'posted', 1000)]);

    // Act
    const timeline = new LocalReadModel(seeded.store).timeline('INV-ACCOUNT');
    const [row] = seeded.store.query<{ n: number }>(
      `SELECT count(*) AS n FROM ${READ_MODEL_VIEW} WHERE ${READ_MODEL_COLUMNS.account_id} IS NULL`,
    );
    await seeded.stop();

    // Assess
    expect(timeline.map((r) => [r.stage, r.accountId])).toEqual([
      ['ingestion', null],
      ['posting', '000000000000'],
    ]);
    expect(row!.n).toBe(1);
  });
});

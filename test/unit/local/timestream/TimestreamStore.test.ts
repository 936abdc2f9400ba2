import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { _Record } from '@aws-sdk/client-timestream-write';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalReadModel, READ_MODEL_SCHEMA } from '../../../../dashboards/readModel/index.ts';
import { dimensionsHash } from '../../../../local/timestream/dimensionsHash.ts';
import { TimestreamStoreError } from '../../../../local/timestream/errors.ts';
import { type NormalizedRecord, normalizeRecord } from '../../../../local/timestream/normalizeRecord.ts';
import {
  TIMESTREAM_SCHEMA_VERSION,
  TIMESTREAM_STORE_FILE,
  TimestreamStore,
} from '../../../../local/timestream/TimestreamStore.ts';
import { type BemsRecordSpec, bemsRecord } from './bemsRecords.ts';

const DB = 'bems-local';
const TABLE = 'invoice_events';
const SETTINGS = { memoryRetentionHours: 24, magneticRetentionDays: 30, magneticWrites: false };

function normalized(record: _Record): NormalizedRecord {
  const result = normalizeRecord(record, undefined);
  if (!result.ok) throw new Error(result.reason);
  return result.record;
}

const bems = (spec: BemsRecordSpec = {}): NormalizedRecord => normalized(bemsRecord(spec));

describe('TimestreamStore', () => {
  let dataDir: string;
  let store: TimestreamStore;
  /** BEMS's read model over the store, for reading records back by their dimensions. */
  let model: LocalReadModel;

  const open = (options: { primaryConsumers?: Record<string, string> } = {}): TimestreamStore => {
    const opened = new TimestreamStore({ dataDir, readSchema: READ_MODEL_SCHEMA });
    model = new LocalReadModel(opened, options);
    opened.insertDatabase(DB, 'arn:db', Date.now());
    opened.insertTable(DB, TABLE, 'arn:table', SETTINGS, Date.now());
    return opened;
  };
  const put = (...records: NormalizedRecord[]) => store.writeRecords(DB, TABLE, records, Date.now());

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'bems-ts-store-'));
    store = open();
  });

  afterEach(() => {
    store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('record identity', () => {
    it('inserts a new identity, leaves an identical one unchanged and upserts only with a higher version', () => {
      // Prepare
      const record = bems({ invoiceId: 'INV-1', status: 'received' });
      const sameIdentityOtherValue: NormalizedRecord = {
        ...record,
        measuresJson: record.measuresJson.replace('"received"', '"captured"'),
      };

      // Act + Assess
      expect(put(record)).toEqual([{ status: 'inserted' }]);
      expect(put(record)).toEqual([{ status: 'unchanged' }]);
      expect(put(sameIdentityOtherValue)).toEqual([{ status: 'conflict', existingVersion: 1 }]);
      expect(put({ ...sameIdentityOtherValue, version: 3 })).toEqual([{ status: 'updated' }]);
      expect(put({ ...record, version: 2 })).toEqual([{ status: 'conflict', existingVersion: 3 }]);
      expect(model.timeline('INV-1')).toMatchObject([{ status: 'captured', version: 3 }]);
    });

    it('applies the rules in order within one call', () => {
      const record = bems({ invoiceId: 'INV-2' });
      const other: NormalizedRecord = { ...record, measuresJson: record.measuresJson.replace('"sap-fi"', '"other"') };
      expect(put(record, record, other)).toEqual([
        { status: 'inserted' },
        { status: 'unchanged' },
        { status: 'conflict', existingVersion: 1 },
      ]);
      expect(model.countRecords({ invoiceId: 'INV-2' })).toBe(1);
    });

    it('keeps the higher version when an identical record is re-written with it', () => {
      const record = bems({ invoiceId: 'INV-3' });
      put(record);
      expect(put({ ...record, version: 5 })).toEqual([{ status: 'unchanged' }]);
      expect(model.timeline('INV-3')[0]?.version).toBe(5);
    });

    it('tells apart records whose dimension hashes are equal: a collision costs a comparison, not a record', () => {
      // Prepare: two records at the same time, the first one's stored hash made the second one's.
      const occurredAtMs = Date.parse('2026-11-28T09:00:00Z');
      const first = bems({ invoiceId: 'INV-HASH-A', occurredAtMs });
      const second = bems({ invoiceId: 'INV-HASH-B', occurredAtMs });
      put(first);
      const db = new DatabaseSync(join(dataDir, TIMESTREAM_STORE_FILE));
      db.prepare('UPDATE records SET dims_hash = ?').run(dimensionsHash(second.dimensionsJson));
      db.close();

      // Act
      const outcomes = put(second, second);

      // Assess
      expect(outcomes).toEqual([{ status: 'inserted' }, { status: 'unchanged' }]);
      expect(model.countRecords({ invoiceId: 'INV-HASH-A' })).toBe(1);
      expect(model.countRecords({ invoiceId: 'INV-HASH-B' })).toBe(1);
    });

    it('keeps one identity per database, table and measure name at the same time and dimensions', () => {
      store.insertTable(DB, 'other_table', 'arn:other', SETTINGS, Date.now());
      const record = bems({ invoiceId: 'INV-SCOPE' });
      expect(put(record, { ...record, measureName: 'other_measure' })).toEqual([
        { status: 'inserted' },
        { status: 'inserted' },
      ]);
      expect(store.writeRecords(DB, 'other_table', [record], Date.now())).toEqual([{ status: 'inserted' }]);
      expect(put(record)).toEqual([{ status: 'unchanged' }]);
      expect(store.countRecords()).toBe(3);
    });

    it('tells apart records that differ only below the millisecond', () => {
      const base = { ...bemsRecord({ invoiceId: 'INV-NS' }), TimeUnit: 'NANOSECONDS' as const };
      const t = BigInt(Date.now()) * 1_000_000n;
      put(normalized({ ...base, Time: String(t + 1n) }), normalized({ ...base, Time: String(t + 2n) }));
      expect(model.countRecords({ invoiceId: 'INV-NS' })).toBe(2);
    });
  });

  describe('read helpers', () => {
    it('counts, lists event ids and finds duplicate identities by filter', () => {
      // Prepare: one event recorded twice for the recorder with different times — a pipeline bug.
      const t0 = Date.now() - 60_000;
      const eventId = randomUUID();
      put(
        bems({ invoiceId: 'INV-A', stage: 'ingestion', eventId, occurredAtMs: t0 }),
        bems({ invoiceId: 'INV-A', stage: 'ingestion', eventId, occurredAtMs: t0 + 1 }),
        bems({ invoiceId: 'INV-A', stage: 'authorization', consumer: 'escalations', occurredAtMs: t0 + 2 }),
        bems({ invoiceId: 'INV-B', stage: 'posting', occurredAtMs: t0 + 3 }),
      );

      // Act + Assess
      expect(store.countRecords()).toBe(4);
      expect(model.countRecords({ invoiceId: 'INV-A' })).toBe(3);
      expect(model.countRecords({ primaryOnly: true })).toBe(3);
      expect(model.countRecords({ consumer: 'escalations' })).toBe(1);
      expect(model.countRecords({ stage: 'posting' })).toBe(1);
      expect(store.countRecords({ fromTimeMs: t0 + 1, toTimeMs: t0 + 3 })).toBe(2);
      expect(store.countRecords({ database: 'other' })).toBe(0);
      expect(model.eventIds({ invoiceId: 'INV-A', primaryOnly: true })).toEqual([eventId, eventId]);
      expect(model.duplicateIdentities()).toEqual([
        { database: DB, table: TABLE, eventId, stage: 'ingestion', consumer: 'recorder', count: 2 },
      ]);
      expect(model.duplicateIdentities({ invoiceId: 'INV-B' })).toEqual([]);
    });

    it('uses the configured first consumer of each stage for timelines', () => {
      // Prepare
      store.close();
      store = open({ primaryConsumers: { ingestion: 'ledger' } });
      put(
        bems({ invoiceId: 'INV-P', stage: 'ingestion', consumer: 'ledger' }),
        bems({ invoiceId: 'INV-P', stage: 'ingestion', consumer: 'recorder' }),
        bems({ invoiceId: 'INV-P', stage: 'posting', consumer: 'recorder' }),
      );

      // Act
      const timeline = model.timeline('INV-P');

      // Assess
      expect(timeline.map((e) => [e.stage, e.consumer])).toEqual([
        ['ingestion', 'ledger'],
        ['posting', 'recorder'],
      ]);
    });

    it('runs read-only queries and refuses writes through query()', () => {
      put(bems({ invoiceId: 'INV-Q', currency: 'JPY', amountText: '1250', amountMinor: '1250' }));
      expect(store.query('SELECT currency, amount_minor FROM invoice_events WHERE invoice_id = ?', ['INV-Q'])).toEqual([
        { currency: 'JPY', amount_minor: 1250 },
      ]);
      expect(store.query('SELECT count(*) AS n FROM invoice_events WHERE invoice_id = :id', { id: 'INV-Q' })).toEqual([
        { n: 1 },
      ]);
      expect(() => store.query('DELETE FROM records')).toThrow(/readonly/i);
      expect(store.countRecords()).toBe(1);
    });

    it('wipes all records but keeps databases and tables', () => {
      put(bems(), bems());
      expect(store.wipe()).toBe(2);
      expect(store.countRecords()).toBe(0);
      expect(store.getTable(DB, TABLE)).toBeDefined();
    });

    it('answers timelines and time windows from indexes, not table scans', () => {
      const plan = (sql: string, ...params: string[]) =>
        store
          .query<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params)
          .map((row) => row.detail)
          .join(' | ');
      expect(plan('SELECT * FROM invoice_events WHERE invoice_id = ? ORDER BY time_ms', 'x')).toContain(
        'invoice_events_by_invoice',
      );
      expect(
        plan(
          `SELECT status, count(*) FROM invoice_events WHERE stage = ? AND consumer = ? AND time_ms >= 0 AND time_ms < 1
           GROUP BY status`,
          'ingestion',
          'recorder',
        ),
      ).toContain('invoice_events_by_window');
      expect(plan("SELECT count(*) FROM records WHERE dimensions ->> '$.event_id' = ?", 'e')).toContain(
        'invoice_events_by_event',
      );
    });

    it('looks up a timeline scoped to a database and table through the invoice index', () => {
      put(bems({ invoiceId: 'INV-SCOPED' }), bems({ invoiceId: 'INV-OTHER' }));
      const explained: string[] = [];
      const original = store.query.bind(store);
      // The timeline's own SQL, explained: it must use the invoice index, not one led by database and
      // table (a full scan).
      const statement = (store as unknown as { reader: { prepare(sql: string): unknown } }).reader;
      const prepare = statement.prepare.bind(statement);
      statement.prepare = (sql: string) => {
        if (sql.includes('FROM invoice_events') && !sql.startsWith('EXPLAIN')) {
          explained.push(
            ...original<{ detail: string }>(
              `EXPLAIN QUERY PLAN ${sql}`,
              Array.from(sql.matchAll(/\?/g), () => 'x'),
            ).map((row) => row.detail),
          );
        }
        return prepare(sql);
      };
      const timeline = model.timeline('INV-SCOPED', { database: DB, table: TABLE });
      statement.prepare = prepare;
      expect(timeline.map((record) => record.invoiceId)).toEqual(['INV-SCOPED']);
      expect(explained.join(' | ')).toContain('invoice_events_by_invoice');
    });
  });

  describe('data directory', () => {
    it('keeps records across close and reopen', () => {
      put(bems({ invoiceId: 'INV-DURABLE' }));
      store.close();
      store = new TimestreamStore({ dataDir });
      expect(new LocalReadModel(store).countRecords({ invoiceId: 'INV-DURABLE' })).toBe(1);
      expect(store.getTable(DB, TABLE)).toMatchObject(SETTINGS);
      expect(store.query<{ journal_mode: string }>('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    });

    it('creates a missing data directory', () => {
      const nested = join(dataDir, 'a', 'b');
      const created = new TimestreamStore({ dataDir: nested });
      expect(created.path).toBe(join(nested, TIMESTREAM_STORE_FILE));
      created.close();
    });

    it('refuses a data directory that is a file', () => {
      const file = join(dataDir, 'not-a-dir');
      writeFileSync(file, 'x');
      expect(() => new TimestreamStore({ dataDir: file })).toThrow(TimestreamStoreError);
      expect(() => new TimestreamStore({ dataDir: file })).toThrow(/not a directory/);
    });

    it('refuses a corrupt store file and leaves it untouched', () => {
      const dir = join(dataDir, 'corrupt');
      const path = join(dir, TIMESTREAM_STORE_FILE);
      new TimestreamStore({ dataDir: dir }).close();
      const garbage = Buffer.from('this is not an sqlite database, just some bytes '.repeat(100));
      writeFileSync(path, garbage);

      expect(() => new TimestreamStore({ dataDir: dir })).toThrow(/not a readable SQLite database/);
      expect(readFileSync(path).equals(garbage)).toBe(true);
    });

    it('refuses an SQLite file that is not a Timestream store, and one from a newer version', () => {
      const foreignDir = join(dataDir, 'foreign');
      const newerDir = join(dataDir, 'newer');
      for (const dir of [foreignDir, newerDir]) new TimestreamStore({ dataDir: dir }).close();
      const foreign = new DatabaseSync(join(foreignDir, TIMESTREAM_STORE_FILE));
      foreign.exec('PRAGMA user_version = 0; CREATE TABLE orders (id INTEGER);');
      foreign.close();
      const newer = new DatabaseSync(join(newerDir, TIMESTREAM_STORE_FILE));
      newer.exec(`PRAGMA user_version = ${TIMESTREAM_SCHEMA_VERSION + 1}`);
      newer.close();

      expect(() => new TimestreamStore({ dataDir: foreignDir })).toThrow(/not a Timestream store/);
      expect(() => new TimestreamStore({ dataDir: newerDir })).toThrow(/newer than this emulator/);
    });
  });
});

/**
 * DDL that gives a current store the `records` of schema version 2 or 3: a UNIQUE key on the
 * identity with the dimension set in it (version 2: as `dims_key`, JSON of the sorted pairs, a
 * second copy), and a time index without the hash.
 */
function olderRecords(version: 2 | 3): string {
  const dimsKey = version === 2;
  return `
    DROP VIEW invoice_events;
    DROP INDEX records_by_time;
    ALTER TABLE records RENAME TO records_now;
    CREATE TABLE records (
      id INTEGER PRIMARY KEY, database_name TEXT NOT NULL, table_name TEXT NOT NULL, measure_name TEXT NOT NULL,
      time_ms INTEGER NOT NULL, time_sub_ms_ns INTEGER NOT NULL DEFAULT 0, ${dimsKey ? 'dims_key TEXT NOT NULL,' : ''}
      dimensions TEXT NOT NULL, measures TEXT NOT NULL, version INTEGER NOT NULL, written_at_ms INTEGER NOT NULL,
      UNIQUE (database_name, table_name, time_ms, time_sub_ms_ns, measure_name, ${dimsKey ? 'dims_key' : 'dimensions'})
    ) STRICT;
    CREATE INDEX records_by_time ON records (time_ms);
    INSERT INTO records (id, database_name, table_name, measure_name, time_ms, time_sub_ms_ns,
        ${dimsKey ? 'dims_key,' : ''} dimensions, measures, version, written_at_ms)
      SELECT id, database_name, table_name, measure_name, time_ms, time_sub_ms_ns,
        ${dimsKey ? '(SELECT json_group_array(json_array(key, value)) FROM json_each(r.dimensions)),' : ''}
        dimensions, measures, version, written_at_ms
      FROM records_now r;
    DROP TABLE records_now;
    PRAGMA user_version = ${version};`;
}

/** Writes `records` into a new store in `dataDir`, closes it, and runs `ddl` on its file (an older layout). */
function writeThenRewrite(dataDir: string, records: NormalizedRecord[], ddl: string): void {
  const first = new TimestreamStore({ dataDir, readSchema: READ_MODEL_SCHEMA });
  first.insertDatabase(DB, 'arn:db', Date.now());
  first.insertTable(DB, TABLE, 'arn:table', SETTINGS, Date.now());
  first.writeRecords(DB, TABLE, records, Date.now());
  first.close();
  const db = new DatabaseSync(join(dataDir, TIMESTREAM_STORE_FILE));
  db.exec(ddl);
  db.close();
}

describe('TimestreamStore: a version-2 store (records with dims_key)', () => {
  it('is migrated with every record, its identity and the read model over it', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bems-ts-v2-'));
    try {
      // Prepare
      const record = bems({ invoiceId: 'INV-V2', status: 'received' });
      writeThenRewrite(dataDir, [record], olderRecords(2));

      // Act
      const migrated = new TimestreamStore({ dataDir, readSchema: READ_MODEL_SCHEMA });

      // Assess
      try {
        expect(migrated.writeRecords(DB, TABLE, [record, bems({ invoiceId: 'INV-V3' })], Date.now())).toEqual([
          { status: 'unchanged' },
          { status: 'inserted' },
        ]);
        expect(new LocalReadModel(migrated).timeline('INV-V2')).toHaveLength(1);
        expect(migrated.query("SELECT name FROM pragma_table_info('records') WHERE name = 'dims_key'")).toEqual([]);
        const indexes = migrated.query<{ name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'records' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        );
        expect(indexes.map((i) => i.name)).toEqual([
          'invoice_events_by_event',
          'invoice_events_by_invoice',
          'invoice_events_by_window',
          'records_by_time',
        ]);
      } finally {
        migrated.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('TimestreamStore: a version-3 store (the identity as a UNIQUE key over the dimensions)', () => {
  it('is migrated with every record, its hash and identity, and without the UNIQUE key', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bems-ts-v3-'));
    try {
      // Prepare
      const records = [bems({ invoiceId: 'INV-V3-A' }), bems({ invoiceId: 'INV-V3-B', version: 4 })];
      writeThenRewrite(dataDir, records, olderRecords(3));

      // Act
      const migrated = new TimestreamStore({ dataDir, readSchema: READ_MODEL_SCHEMA });

      // Assess
      try {
        expect(migrated.writeRecords(DB, TABLE, [...records, bems({ invoiceId: 'INV-V4' })], Date.now())).toEqual([
          { status: 'unchanged' },
          { status: 'unchanged' },
          { status: 'inserted' },
        ]);
        const rows = migrated.query<{ dimensions: string; dims_hash: number; version: number }>(
          'SELECT dimensions, dims_hash, version FROM records ORDER BY id',
        );
        expect(rows.map((row) => row.dims_hash)).toEqual(rows.map((row) => dimensionsHash(row.dimensions)));
        expect(rows.map((row) => row.version)).toEqual([1, 4, 1]);
        expect(new LocalReadModel(migrated).timeline('INV-V3-B')).toMatchObject([{ version: 4 }]);
        expect(migrated.query("SELECT name FROM sqlite_master WHERE name LIKE 'sqlite_autoindex_records%'")).toEqual(
          [],
        );
        expect(migrated.query<{ name: string }>("SELECT name FROM pragma_index_info('records_by_time')")).toEqual([
          { name: 'time_ms' },
          { name: 'dims_hash' },
        ]);
      } finally {
        migrated.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

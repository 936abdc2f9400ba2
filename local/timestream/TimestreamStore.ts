import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { WalCheckpointer } from '../sqlite/WalCheckpointer.ts';
import { TimestreamStoreError } from './errors.ts';
import type { NormalizedRecord } from './normalizeRecord.ts';

/**
 * The state of the Timestream emulator, in SQLite (`<dataDir>/timestream.sqlite`, WAL).
 *
 * - `databases` and `tables` hold the control plane (retention, magnetic-store writes).
 * - `records` holds every written record generically: dimensions and measures as JSON, with a
 *   UNIQUE key on Timestream's record identity (database, table, time, measure name, dimension set).
 *   The BEMS dimensions are exposed as generated columns so they can be indexed: timelines look up
 *   by `invoice_id`, dashboards aggregate time windows by `stage`/`consumer`/`time_ms`.
 * - The view `invoice_events` flattens BEMS records (measure name `invoice_event`) into columns.
 *
 * Writes go through one connection, reads (`query` and the helpers) through a second, read-only
 * connection, so a read helper can never modify the store.
 */

/** Bumped whenever the schema changes; a store from a newer version is refused, not "fixed". */
export const TIMESTREAM_SCHEMA_VERSION = 1;
export const TIMESTREAM_STORE_FILE = 'timestream.sqlite';
/** The BEMS measure name the `invoice_events` view flattens. */
export const INVOICE_EVENT_MEASURE = 'invoice_event';
/** Views, timelines and dashboards count each stage's first consumer; this is its default name. */
export const DEFAULT_PRIMARY_CONSUMER = 'recorder';

const BEMS_DIMENSIONS = [
  'cell',
  'region',
  'stage',
  'consumer',
  'invoice_id',
  'event_id',
  'vendor_id',
  'currency',
] as const;

const SCHEMA = `
CREATE TABLE databases (
  name          TEXT PRIMARY KEY,
  arn           TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE tables (
  database_name           TEXT NOT NULL REFERENCES databases(name),
  name                    TEXT NOT NULL,
  arn                     TEXT NOT NULL,
  memory_retention_hours  INTEGER NOT NULL,
  magnetic_retention_days INTEGER NOT NULL,
  magnetic_writes         INTEGER NOT NULL,
  created_at_ms           INTEGER NOT NULL,
  updated_at_ms           INTEGER NOT NULL,
  PRIMARY KEY (database_name, name)
) STRICT;

CREATE TABLE records (
  id             INTEGER PRIMARY KEY,
  database_name  TEXT NOT NULL,
  table_name     TEXT NOT NULL,
  measure_name   TEXT NOT NULL,
  time_ms        INTEGER NOT NULL,
  -- Nanoseconds below the millisecond, so records written in MICRO/NANOSECONDS keep distinct identities.
  time_sub_ms_ns INTEGER NOT NULL DEFAULT 0,
  dims_key       TEXT NOT NULL,
  dimensions     TEXT NOT NULL,
  measures       TEXT NOT NULL,
  version        INTEGER NOT NULL,
  written_at_ms  INTEGER NOT NULL,
${BEMS_DIMENSIONS.map((d) => `  ${d} TEXT GENERATED ALWAYS AS (dimensions ->> '$.${d}') VIRTUAL,`).join('\n')}
  status         TEXT GENERATED ALWAYS AS (measures ->> '$.status.value') VIRTUAL,
  -- Time before dims_key keeps inserts of recent records near the right edge of the B-tree.
  UNIQUE (database_name, table_name, time_ms, time_sub_ms_ns, measure_name, dims_key)
) STRICT;

CREATE INDEX records_by_invoice ON records (invoice_id, time_ms);
CREATE INDEX records_by_window ON records (stage, consumer, time_ms);
CREATE INDEX records_by_event ON records (event_id);
CREATE INDEX records_by_time ON records (time_ms);

CREATE VIEW invoice_events AS
SELECT
  database_name, table_name,
  cell, region, stage, consumer, invoice_id, event_id, vendor_id, currency,
  status,
  measures ->> '$.amount_text.value'                     AS amount_text,
  CAST(measures ->> '$.amount_minor.value' AS INTEGER)   AS amount_minor,
  CAST(measures ->> '$.amount.value' AS REAL)            AS amount,
  measures ->> '$.vendor_name.value'                     AS vendor_name,
  measures ->> '$.vendor_country.value'                  AS vendor_country,
  measures ->> '$.invoice_date.value'                    AS invoice_date,
  time_ms,
  CAST(measures ->> '$.received_at.value' AS INTEGER)    AS received_at_ms,
  CAST(measures ->> '$.processed_at.value' AS INTEGER)   AS processed_at_ms,
  CAST(measures ->> '$.latency_ms.value' AS INTEGER)     AS latency_ms,
  CAST(measures ->> '$.due_at.value' AS INTEGER)         AS due_at_ms,
  measures ->> '$.source_system.value'                   AS source_system,
  CASE measures ->> '$.replayed.value' WHEN 'true' THEN 1 WHEN 'false' THEN 0 END AS replayed,
  version,
  written_at_ms
FROM records
WHERE measure_name = '${INVOICE_EVENT_MEASURE}';
`;

export interface TableSettings {
  readonly memoryRetentionHours: number;
  readonly magneticRetentionDays: number;
  readonly magneticWrites: boolean;
}

export interface DatabaseInfo {
  readonly name: string;
  readonly arn: string;
  readonly tableCount: number;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

export interface TableInfo extends TableSettings {
  readonly databaseName: string;
  readonly name: string;
  readonly arn: string;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

/** What happened to one record of a write. */
export type WriteOutcome =
  | { readonly status: 'inserted' | 'updated' | 'unchanged' }
  | { readonly status: 'conflict'; readonly existingVersion: number };

/** Selects records by their BEMS dimensions and time (occurredAt). Every field narrows the selection. */
export interface RecordFilter {
  readonly database?: string;
  readonly table?: string;
  /** Defaults to every measure name. */
  readonly measureName?: string;
  readonly stage?: string;
  readonly consumer?: string;
  /** Only records of each stage's first consumer (what views and dashboards count). */
  readonly primaryOnly?: boolean;
  readonly invoiceId?: string;
  /** Inclusive lower bound on the record time (epoch ms). */
  readonly fromTimeMs?: number;
  /** Exclusive upper bound on the record time (epoch ms). */
  readonly toTimeMs?: number;
}

/** One BEMS record as read through the `invoice_events` view. */
export interface InvoiceEventRecord {
  readonly cell: string;
  readonly region: string;
  readonly stage: string;
  readonly consumer: string;
  readonly invoiceId: string;
  readonly eventId: string;
  readonly vendorId: string;
  readonly currency: string;
  readonly status: string | null;
  /** The exact decimal amount as sent by the client. */
  readonly amountText: string | null;
  /** The amount as a double: for charts only, never for money arithmetic. */
  readonly amount: number | null;
  readonly vendorName: string | null;
  readonly vendorCountry: string | null;
  readonly invoiceDate: string | null;
  /** Record time = the event's occurredAt. */
  readonly timeMs: number;
  readonly time: string;
  readonly receivedAtMs: number | null;
  readonly processedAtMs: number | null;
  readonly latencyMs: number | null;
  readonly dueAtMs: number | null;
  readonly sourceSystem: string | null;
  readonly replayed: boolean | null;
  readonly version: number;
  readonly writtenAtMs: number;
}

/** More than one record for one (eventId, stage, consumer): what the pipeline must never produce. */
export interface DuplicateIdentity {
  readonly database: string;
  readonly table: string;
  readonly eventId: string;
  readonly stage: string | null;
  readonly consumer: string | null;
  readonly count: number;
}

export interface TimestreamStoreOptions {
  readonly dataDir: string;
  /**
   * The first consumer of each stage (stage → consumer name); stages not listed use
   * {@link DEFAULT_PRIMARY_CONSUMER}. Timelines and `primaryOnly` filters count only these.
   */
  readonly primaryConsumers?: Readonly<Record<string, string>>;
  /**
   * Run WAL checkpoints on a background thread every this many ms instead of inside the commit
   * that crosses SQLite's 1,000-page threshold (see {@link WalCheckpointer}). The writer keeps a
   * far higher threshold of its own as a safety net. Off by default: short-lived stores (tests,
   * scripts) do not need a thread.
   */
  readonly checkpointIntervalMs?: number;
}

/** With a checkpoint thread, the writer still checkpoints itself past this many WAL pages (~32 MiB). */
const WRITER_CHECKPOINT_SAFETY_PAGES = 8192;

interface InvoiceEventRow {
  cell: string;
  region: string;
  stage: string;
  consumer: string;
  invoice_id: string;
  event_id: string;
  vendor_id: string;
  currency: string;
  status: string | null;
  amount_text: string | null;
  amount: number | null;
  vendor_name: string | null;
  vendor_country: string | null;
  invoice_date: string | null;
  time_ms: number;
  received_at_ms: number | null;
  processed_at_ms: number | null;
  latency_ms: number | null;
  due_at_ms: number | null;
  source_system: string | null;
  replayed: number | null;
  version: number;
  written_at_ms: number;
}

const TIMELINE_COLUMNS = `cell, region, stage, consumer, invoice_id, event_id, vendor_id, currency, status, amount_text,
  amount, vendor_name, vendor_country, invoice_date, time_ms, received_at_ms, processed_at_ms, latency_ms, due_at_ms,
  source_system, replayed, version, written_at_ms`;

function toInvoiceEventRecord(row: InvoiceEventRow): InvoiceEventRecord {
  return {
    cell: row.cell,
    region: row.region,
    stage: row.stage,
    consumer: row.consumer,
    invoiceId: row.invoice_id,
    eventId: row.event_id,
    vendorId: row.vendor_id,
    currency: row.currency,
    status: row.status,
    amountText: row.amount_text,
    amount: row.amount,
    vendorName: row.vendor_name,
    vendorCountry: row.vendor_country,
    invoiceDate: row.invoice_date,
    timeMs: row.time_ms,
    time: new Date(row.time_ms).toISOString(),
    receivedAtMs: row.received_at_ms,
    processedAtMs: row.processed_at_ms,
    latencyMs: row.latency_ms,
    dueAtMs: row.due_at_ms,
    sourceSystem: row.source_system,
    replayed: row.replayed === null ? null : row.replayed === 1,
    version: row.version,
    writtenAtMs: row.written_at_ms,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Checks (and creates if missing) the data directory without touching anything already in it. */
function prepareDataDir(dataDir: string): void {
  if (existsSync(dataDir)) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(dataDir).isDirectory();
    } catch (error) {
      throw new TimestreamStoreError(dataDir, `Cannot read data directory ${dataDir}: ${describe(error)}`, {
        cause: error,
      });
    }
    if (!isDirectory)
      throw new TimestreamStoreError(dataDir, `Data directory ${dataDir} exists but is not a directory`);
  } else {
    try {
      mkdirSync(dataDir, { recursive: true });
    } catch (error) {
      throw new TimestreamStoreError(dataDir, `Cannot create data directory ${dataDir}: ${describe(error)}`, {
        cause: error,
      });
    }
  }
  try {
    accessSync(dataDir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new TimestreamStoreError(
      dataDir,
      `Data directory ${dataDir} is not readable and writable: ${describe(error)}`,
      {
        cause: error,
      },
    );
  }
}

export class TimestreamStore {
  /** Absolute path of the SQLite file. */
  readonly path: string;
  private readonly writer: DatabaseSync;
  private readonly reader: DatabaseSync;
  private readonly primaryFilterSql: string;
  private readonly primaryFilterParams: SQLInputValue[];
  private readonly statements: {
    insert: StatementSync;
    existing: StatementSync;
    update: StatementSync;
  };
  /** Control-plane statements by SQL text: WriteRecords looks its table up on every call. */
  private readonly prepared = new Map<string, StatementSync>();
  private readonly checkpointer: WalCheckpointer | undefined;
  private closed = false;

  constructor(options: TimestreamStoreOptions) {
    prepareDataDir(options.dataDir);
    this.path = join(options.dataDir, TIMESTREAM_STORE_FILE);
    if (existsSync(this.path) && !statSync(this.path).isFile()) {
      throw new TimestreamStoreError(this.path, `Timestream store ${this.path} exists but is not a file`);
    }
    this.writer = TimestreamStore.openWriter(this.path);
    try {
      this.reader = new DatabaseSync(this.path, { readOnly: true });
      this.reader.exec('PRAGMA busy_timeout = 5000');
    } catch (error) {
      this.writer.close();
      throw new TimestreamStoreError(
        this.path,
        `Cannot open Timestream store ${this.path} for reading: ${describe(error)}`,
        {
          cause: error,
        },
      );
    }
    if (options.checkpointIntervalMs !== undefined) {
      try {
        this.checkpointer = new WalCheckpointer(this.path, options.checkpointIntervalMs);
        this.writer.exec(`PRAGMA wal_autocheckpoint = ${WRITER_CHECKPOINT_SAFETY_PAGES}`);
      } catch (error) {
        this.checkpointer?.stop();
        this.reader.close();
        this.writer.close();
        throw error;
      }
    }
    const primary = Object.entries(options.primaryConsumers ?? {});
    this.primaryFilterSql =
      primary.length === 0
        ? 'consumer = ?'
        : `consumer = CASE stage ${primary.map(() => 'WHEN ? THEN ?').join(' ')} ELSE ? END`;
    this.primaryFilterParams = [...primary.flat(), DEFAULT_PRIMARY_CONSUMER];
    this.statements = {
      insert: this.writer.prepare(
        `INSERT INTO records (database_name, table_name, measure_name, time_ms, time_sub_ms_ns, dims_key, dimensions,
           measures, version, written_at_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      ),
      existing: this.writer.prepare(
        `SELECT id, measures, version FROM records
         WHERE database_name = ? AND table_name = ? AND time_ms = ? AND time_sub_ms_ns = ? AND measure_name = ?
           AND dims_key = ?`,
      ),
      update: this.writer.prepare('UPDATE records SET measures = ?, version = ?, written_at_ms = ? WHERE id = ?'),
    };
  }

  /**
   * Opens the file and verifies it is a store of this emulator BEFORE writing anything to it, so a
   * wrong or corrupt file is reported and left exactly as it was.
   */
  private static openWriter(path: string): DatabaseSync {
    let db: DatabaseSync;
    try {
      db = new DatabaseSync(path);
    } catch (error) {
      throw new TimestreamStoreError(path, `Cannot open Timestream store ${path}: ${describe(error)}`, {
        cause: error,
      });
    }
    try {
      let version: number;
      let objects: string[];
      try {
        version = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
        objects = (
          db.prepare("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").all() as Array<{
            name: string;
          }>
        ).map((row) => row.name);
      } catch (error) {
        throw new TimestreamStoreError(
          path,
          `Timestream store ${path} is not a readable SQLite database (${describe(error)}); it was left untouched — move it away or use another data directory`,
          { cause: error },
        );
      }
      if (version > TIMESTREAM_SCHEMA_VERSION) {
        throw new TimestreamStoreError(
          path,
          `Timestream store ${path} has schema version ${version}, newer than this emulator's ${TIMESTREAM_SCHEMA_VERSION}; it was left untouched`,
        );
      }
      if (version === 0 && objects.length > 0) {
        throw new TimestreamStoreError(
          path,
          `${path} is a SQLite database but not a Timestream store (it contains ${objects.slice(0, 5).join(', ')}); it was left untouched`,
        );
      }
      db.exec('PRAGMA journal_mode = WAL');
      // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commits).
      db.exec('PRAGMA synchronous = NORMAL');
      db.exec('PRAGMA busy_timeout = 5000');
      db.exec('PRAGMA foreign_keys = ON');
      if (version === 0) {
        db.exec('BEGIN IMMEDIATE');
        try {
          db.exec(SCHEMA);
          db.exec(`PRAGMA user_version = ${TIMESTREAM_SCHEMA_VERSION}`);
          db.exec('COMMIT');
        } catch (error) {
          db.exec('ROLLBACK');
          throw error;
        }
      }
      return db;
    } catch (error) {
      db.close();
      if (error instanceof TimestreamStoreError) throw error;
      throw new TimestreamStoreError(path, `Cannot initialise Timestream store ${path}: ${describe(error)}`, {
        cause: error,
      });
    }
  }

  // ---- control plane -------------------------------------------------------------------------

  private statement(sql: string): StatementSync {
    let statement = this.prepared.get(sql);
    if (!statement) {
      statement = this.writer.prepare(sql);
      this.prepared.set(sql, statement);
    }
    return statement;
  }

  /** Inserts a database; false if it already exists. */
  insertDatabase(name: string, arn: string, nowMs: number): boolean {
    const result = this.statement(
      'INSERT INTO databases (name, arn, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ).run(name, arn, nowMs, nowMs);
    return result.changes === 1;
  }

  getDatabase(name: string): DatabaseInfo | undefined {
    const row = this.statement(
      `SELECT d.name, d.arn, d.created_at_ms, d.updated_at_ms,
           (SELECT count(*) FROM tables t WHERE t.database_name = d.name) AS table_count
         FROM databases d WHERE d.name = ?`,
    ).get(name) as
      | { name: string; arn: string; created_at_ms: number; updated_at_ms: number; table_count: number }
      | undefined;
    if (!row) return undefined;
    return {
      name: row.name,
      arn: row.arn,
      tableCount: row.table_count,
      createdAtMs: row.created_at_ms,
      updatedAtMs: row.updated_at_ms,
    };
  }

  /** Inserts a table; false if it already exists. The database must exist. */
  insertTable(databaseName: string, name: string, arn: string, settings: TableSettings, nowMs: number): boolean {
    const result = this.statement(
      `INSERT INTO tables (database_name, name, arn, memory_retention_hours, magnetic_retention_days, magnetic_writes,
           created_at_ms, updated_at_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ).run(
      databaseName,
      name,
      arn,
      settings.memoryRetentionHours,
      settings.magneticRetentionDays,
      settings.magneticWrites ? 1 : 0,
      nowMs,
      nowMs,
    );
    return result.changes === 1;
  }

  /** Changes a table's retention and magnetic-store settings; false if the table does not exist. */
  updateTable(databaseName: string, name: string, settings: TableSettings, nowMs: number): boolean {
    const result = this.statement(
      `UPDATE tables SET memory_retention_hours = ?, magnetic_retention_days = ?, magnetic_writes = ?, updated_at_ms = ?
         WHERE database_name = ? AND name = ?`,
    ).run(
      settings.memoryRetentionHours,
      settings.magneticRetentionDays,
      settings.magneticWrites ? 1 : 0,
      nowMs,
      databaseName,
      name,
    );
    return result.changes === 1;
  }

  getTable(databaseName: string, name: string): TableInfo | undefined {
    const row = this.statement('SELECT * FROM tables WHERE database_name = ? AND name = ?').get(databaseName, name) as
      | TableRow
      | undefined;
    return row ? toTableInfo(row) : undefined;
  }

  /** Tables ordered by database then name; all databases when `databaseName` is undefined. */
  listTables(databaseName?: string): TableInfo[] {
    const rows = (databaseName === undefined
      ? this.statement('SELECT * FROM tables ORDER BY database_name, name').all()
      : this.statement('SELECT * FROM tables WHERE database_name = ? ORDER BY name').all(
          databaseName,
        )) as unknown as TableRow[];
    return rows.map(toTableInfo);
  }

  // ---- data plane ----------------------------------------------------------------------------

  /**
   * Writes records of one WriteRecords call in ONE transaction, applying Timestream's identity
   * rules in order (so a later record of the same call sees an earlier one):
   * new identity → inserted; same measures → unchanged (a higher Version is kept); different
   * measures with a higher Version → updated; otherwise → conflict with the existing version.
   */
  writeRecords(
    databaseName: string,
    tableName: string,
    records: readonly NormalizedRecord[],
    nowMs: number,
  ): WriteOutcome[] {
    const { insert, existing, update } = this.statements;
    const outcomes: WriteOutcome[] = [];
    this.writer.exec('BEGIN IMMEDIATE');
    try {
      for (const record of records) {
        const inserted = insert.run(
          databaseName,
          tableName,
          record.measureName,
          record.timeMs,
          record.timeSubMsNs,
          record.dimsKey,
          record.dimensionsJson,
          record.measuresJson,
          record.version,
          nowMs,
        );
        if (inserted.changes === 1) {
          outcomes.push({ status: 'inserted' });
          continue;
        }
        const current = existing.get(
          databaseName,
          tableName,
          record.timeMs,
          record.timeSubMsNs,
          record.measureName,
          record.dimsKey,
        ) as { id: number; measures: string; version: number };
        if (current.measures === record.measuresJson) {
          if (record.version > current.version) update.run(current.measures, record.version, nowMs, current.id);
          outcomes.push({ status: 'unchanged' });
        } else if (record.version > current.version) {
          update.run(record.measuresJson, record.version, nowMs, current.id);
          outcomes.push({ status: 'updated' });
        } else {
          outcomes.push({ status: 'conflict', existingVersion: current.version });
        }
      }
      this.writer.exec('COMMIT');
    } catch (error) {
      this.writer.exec('ROLLBACK');
      throw error;
    }
    return outcomes;
  }

  // ---- reads -----------------------------------------------------------------------------------

  /**
   * The recorded events of one invoice, ordered by time (occurredAt), counting only each stage's
   * first consumer unless `consumer` names another one.
   */
  timeline(
    invoiceId: string,
    options: { consumer?: string; database?: string; table?: string } = {},
  ): InvoiceEventRecord[] {
    const where = this.whereClause({ ...options, invoiceId, primaryOnly: options.consumer === undefined });
    const rows = this.reader
      .prepare(
        `SELECT ${TIMELINE_COLUMNS} FROM invoice_events ${where.sql}
         ORDER BY time_ms, received_at_ms, stage, event_id`,
      )
      .all(...where.params) as unknown as InvoiceEventRow[];
    return rows.map(toInvoiceEventRecord);
  }

  /** Number of records matching the filter (all records without one). */
  countRecords(filter: RecordFilter = {}): number {
    const where = this.whereClause(filter);
    const row = this.reader.prepare(`SELECT count(*) AS n FROM records ${where.sql}`).get(...where.params) as {
      n: number;
    };
    return row.n;
  }

  /**
   * The `event_id` dimension of every matching record, sorted, one entry per record: a repeated id
   * means the same event was recorded twice for the same filter (see {@link duplicateIdentities}).
   */
  eventIds(filter: RecordFilter = {}): string[] {
    const where = this.whereClause(filter, ['event_id IS NOT NULL']);
    const rows = this.reader
      .prepare(`SELECT event_id FROM records ${where.sql} ORDER BY event_id`)
      .all(...where.params) as Array<{ event_id: string }>;
    return rows.map((row) => row.event_id);
  }

  /**
   * Events recorded more than once for the same (database, table, stage, consumer). Timestream's
   * own identity cannot repeat (UNIQUE key), so a hit here means the pipeline wrote one eventId with
   * a different time or dimensions — a real duplicate on the dashboards.
   */
  duplicateIdentities(filter: RecordFilter = {}): DuplicateIdentity[] {
    const where = this.whereClause(filter, ['event_id IS NOT NULL']);
    const rows = this.reader
      .prepare(
        `SELECT database_name, table_name, event_id, stage, consumer, count(*) AS n FROM records ${where.sql}
         GROUP BY database_name, table_name, event_id, stage, consumer HAVING n > 1
         ORDER BY event_id, stage, consumer`,
      )
      .all(...where.params) as Array<{
      database_name: string;
      table_name: string;
      event_id: string;
      stage: string | null;
      consumer: string | null;
      n: number;
    }>;
    return rows.map((row) => ({
      database: row.database_name,
      table: row.table_name,
      eventId: row.event_id,
      stage: row.stage,
      consumer: row.consumer,
      count: row.n,
    }));
  }

  /**
   * Runs one SQL statement on the read-only connection (e.g. aggregations over `invoice_events`).
   * Any attempt to write fails with SQLite's "attempt to write a readonly database".
   */
  query<T = Record<string, unknown>>(
    sql: string,
    params: readonly SQLInputValue[] | Record<string, SQLInputValue> = [],
  ): T[] {
    const statement = this.reader.prepare(sql);
    const rows = Array.isArray(params)
      ? statement.all(...(params as SQLInputValue[]))
      : statement.all(params as Record<string, SQLInputValue>);
    return rows as T[];
  }

  /** Deletes every record (databases and tables stay). Returns how many were deleted. */
  wipe(): number {
    return Number(this.writer.prepare('DELETE FROM records').run().changes);
  }

  /** Closes both connections; safe to call more than once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    // First, so the writer's close is the last one and checkpoints and removes the WAL.
    this.checkpointer?.stop();
    this.reader.close();
    this.writer.close();
  }

  private whereClause(filter: RecordFilter, extra: readonly string[] = []): { sql: string; params: SQLInputValue[] } {
    const conditions = [...extra];
    const params: SQLInputValue[] = [];
    const add = (condition: string, ...values: SQLInputValue[]): void => {
      conditions.push(condition);
      params.push(...values);
    };
    // With an invoice id, the unary `+` keeps SQLite from choosing the UNIQUE identity index (which
    // leads with database_name, table_name) over the far more selective records_by_invoice index:
    // without it every timeline lookup scanned the whole table.
    const columnRef = filter.invoiceId !== undefined ? '+' : '';
    if (filter.database !== undefined) add(`${columnRef}database_name = ?`, filter.database);
    if (filter.table !== undefined) add(`${columnRef}table_name = ?`, filter.table);
    if (filter.measureName !== undefined) add('measure_name = ?', filter.measureName);
    if (filter.invoiceId !== undefined) add('invoice_id = ?', filter.invoiceId);
    if (filter.stage !== undefined) add('stage = ?', filter.stage);
    if (filter.consumer !== undefined) add('consumer = ?', filter.consumer);
    if (filter.primaryOnly) add(this.primaryFilterSql, ...this.primaryFilterParams);
    if (filter.fromTimeMs !== undefined) add('time_ms >= ?', filter.fromTimeMs);
    if (filter.toTimeMs !== undefined) add('time_ms < ?', filter.toTimeMs);
    return { sql: conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`, params };
  }
}

interface TableRow {
  database_name: string;
  name: string;
  arn: string;
  memory_retention_hours: number;
  magnetic_retention_days: number;
  magnetic_writes: number;
  created_at_ms: number;
  updated_at_ms: number;
}

function toTableInfo(row: TableRow): TableInfo {
  return {
    databaseName: row.database_name,
    name: row.name,
    arn: row.arn,
    memoryRetentionHours: row.memory_retention_hours,
    magneticRetentionDays: row.magnetic_retention_days,
    magneticWrites: row.magnetic_writes === 1,
    createdAtMs: row.created_at_ms,
    updatedAtMs: row.updated_at_ms,
  };
}

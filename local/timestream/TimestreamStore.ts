import type { SQLInputValue, StatementSync } from 'node:sqlite';
import { SqliteStore } from '../awsEmulator/index.ts';
import { inImmediateTransaction } from '../sqlite/inImmediateTransaction.ts';
import { StatementCache } from '../sqlite/StatementCache.ts';
import { dimensionsHash } from './dimensionsHash.ts';
import { MeasureTypes, type TypeConflict } from './MeasureTypes.ts';
import type { NormalizedRecord } from './normalizeRecord.ts';
import { TIMESTREAM_STORE_FILE_SPEC } from './storeSchema.ts';

export { TIMESTREAM_SCHEMA_VERSION, TIMESTREAM_STORE_FILE } from './storeSchema.ts';

/**
 * The state of the Timestream emulator: what `WriteRecords` accepted, with Timestream's identity
 * and version rules, plus the control plane (schema: `storeSchema.ts`).
 *
 * Writes go through one connection, reads (`query`, `countRecords`) through a second, read-only
 * connection, so a read can never modify the store.
 */

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
  | { readonly status: 'conflict'; readonly existingVersion: number }
  | { readonly status: 'typeConflict'; readonly conflict: TypeConflict };

/** Selects records by where they were written and their time. Every field narrows the selection. */
export interface RecordFilter {
  readonly database?: string;
  readonly table?: string;
  /** Defaults to every measure name. */
  readonly measureName?: string;
  /** Inclusive lower bound on the record time (epoch ms). */
  readonly fromTimeMs?: number;
  /** Exclusive upper bound on the record time (epoch ms). */
  readonly toTimeMs?: number;
}

export interface TimestreamStoreOptions {
  readonly dataDir: string;
  /**
   * DDL of the views and indexes a host application reads the records through, run (in one
   * transaction) at every open; the emulator itself never reads them. (BEMS passes its read model.)
   */
  readonly readSchema?: string;
  /**
   * Run WAL checkpoints on a background thread every this many ms instead of inside the commit
   * that crosses SQLite's 1,000-page threshold (see `StoreFile`). The writer keeps a
   * far higher threshold of its own as a safety net. Off by default: short-lived stores (tests,
   * scripts) do not need a thread.
   */
  readonly checkpointIntervalMs?: number;
  /** The writer's page cache in KiB; SQLite's default (2,000 KiB) when absent. */
  readonly pageCacheKiB?: number;
}

export class TimestreamStore extends SqliteStore {
  private readonly statements: {
    insert: StatementSync;
    existing: StatementSync;
    update: StatementSync;
  };
  /** Control-plane statements by SQL text: WriteRecords looks its table up on every call. */
  private readonly prepared: StatementCache;
  private readonly measureTypes: MeasureTypes;

  constructor(options: TimestreamStoreOptions) {
    super(TIMESTREAM_STORE_FILE_SPEC, { ...options, readOnlyReader: true });
    this.prepared = new StatementCache(this.writer);
    this.measureTypes = new MeasureTypes(this.prepared);
    this.statements = {
      insert: this.writer.prepare(
        `INSERT INTO records (database_name, table_name, measure_name, time_ms, time_sub_ms_ns, dimensions, dims_hash,
           measures, version, written_at_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // Through records_by_time (time, dims_hash); the rest of the identity is compared on the row.
      existing: this.writer.prepare(
        `SELECT id, measures, version FROM records INDEXED BY records_by_time
         WHERE time_ms = ? AND dims_hash = ? AND database_name = ? AND table_name = ? AND time_sub_ms_ns = ?
           AND measure_name = ? AND dimensions = ?`,
      ),
      update: this.writer.prepare('UPDATE records SET measures = ?, version = ?, written_at_ms = ? WHERE id = ?'),
    };
  }

  // ---- control plane -------------------------------------------------------------------------

  /** Inserts a database; false if it already exists. */
  insertDatabase(name: string, arn: string, nowMs: number): boolean {
    const result = this.prepared
      .get('INSERT INTO databases (name, arn, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING')
      .run(name, arn, nowMs, nowMs);
    return result.changes === 1;
  }

  getDatabase(name: string): DatabaseInfo | undefined {
    return this.prepared.get(`SELECT ${DATABASE_COLUMNS} FROM databases d WHERE d.name = ?`).get(name) as
      | DatabaseInfo
      | undefined;
  }

  /** Every database, by name. */
  listDatabases(): DatabaseInfo[] {
    return this.prepared
      .get(`SELECT ${DATABASE_COLUMNS} FROM databases d ORDER BY d.name`)
      .all() as unknown as DatabaseInfo[];
  }

  /** Inserts a table; false if it already exists. The database must exist. */
  insertTable(databaseName: string, name: string, arn: string, settings: TableSettings, nowMs: number): boolean {
    const result = this.prepared
      .get(
        `INSERT INTO tables (database_name, name, arn, memory_retention_hours, magnetic_retention_days, magnetic_writes,
           created_at_ms, updated_at_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      )
      .run(
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
    const result = this.prepared
      .get(
        `UPDATE tables SET memory_retention_hours = ?, magnetic_retention_days = ?, magnetic_writes = ?, updated_at_ms = ?
         WHERE database_name = ? AND name = ?`,
      )
      .run(
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
    const row = this.prepared
      .get(`SELECT ${TABLE_COLUMNS} FROM tables WHERE database_name = ? AND name = ?`)
      .get(databaseName, name) as TableInfoRow | undefined;
    return row ? toTableInfo(row) : undefined;
  }

  /** Tables ordered by database then name; all databases when `databaseName` is undefined. */
  listTables(databaseName?: string): TableInfo[] {
    const rows = (databaseName === undefined
      ? this.prepared.get(`SELECT ${TABLE_COLUMNS} FROM tables ORDER BY database_name, name`).all()
      : this.prepared
          .get(`SELECT ${TABLE_COLUMNS} FROM tables WHERE database_name = ? ORDER BY name`)
          .all(databaseName)) as unknown as TableInfoRow[];
    return rows.map(toTableInfo);
  }

  // ---- data plane ----------------------------------------------------------------------------

  /**
   * Writes records of one WriteRecords call in ONE transaction, applying Timestream's rules in
   * order (so a later record of the same call sees an earlier one): a measure column written with
   * another type than its first write → typeConflict; new identity → inserted; same measures →
   * unchanged (a higher Version is kept); different measures with a higher Version → updated;
   * otherwise → conflict with the existing version.
   */
  writeRecords(
    databaseName: string,
    tableName: string,
    records: readonly NormalizedRecord[],
    nowMs: number,
  ): WriteOutcome[] {
    try {
      return inImmediateTransaction(this.writer, () =>
        records.map((record): WriteOutcome => {
          const conflict = this.measureTypes.conflict(databaseName, tableName, record.measureTypes);
          if (conflict) return { status: 'typeConflict', conflict };
          const outcome = this.writeRecord(databaseName, tableName, record, nowMs);
          if (outcome.status !== 'conflict') this.measureTypes.record(databaseName, tableName, record.measureTypes);
          return outcome;
        }),
      );
    } catch (error) {
      this.measureTypes.forget();
      throw error;
    }
  }

  /**
   * One record by Timestream's identity and version rules (inside the write transaction, which
   * holds the write lock: no other connection can insert the identity between the look-up and the
   * insert).
   */
  private writeRecord(databaseName: string, tableName: string, record: NormalizedRecord, nowMs: number): WriteOutcome {
    const { insert, existing, update } = this.statements;
    const hash = dimensionsHash(record.dimensionsJson);
    const current = existing.get(
      record.timeMs,
      hash,
      databaseName,
      tableName,
      record.timeSubMsNs,
      record.measureName,
      record.dimensionsJson,
    ) as { id: number; measures: string; version: number } | undefined;
    if (current === undefined) {
      insert.run(
        databaseName,
        tableName,
        record.measureName,
        record.timeMs,
        record.timeSubMsNs,
        record.dimensionsJson,
        hash,
        record.measuresJson,
        record.version,
        nowMs,
      );
      return { status: 'inserted' };
    }
    if (current.measures === record.measuresJson) {
      if (record.version > current.version) update.run(current.measures, record.version, nowMs, current.id);
      return { status: 'unchanged' };
    }
    if (record.version > current.version) {
      update.run(record.measuresJson, record.version, nowMs, current.id);
      return { status: 'updated' };
    }
    return { status: 'conflict', existingVersion: current.version };
  }

  // ---- reads -----------------------------------------------------------------------------------

  /** Number of records matching the filter (all records without one). */
  countRecords(filter: RecordFilter = {}): number {
    const conditions: string[] = [];
    const params: SQLInputValue[] = [];
    const add = (condition: string, value: SQLInputValue | undefined): void => {
      if (value === undefined) return;
      conditions.push(condition);
      params.push(value);
    };
    add('database_name = ?', filter.database);
    add('table_name = ?', filter.table);
    add('measure_name = ?', filter.measureName);
    add('time_ms >= ?', filter.fromTimeMs);
    add('time_ms < ?', filter.toTimeMs);
    const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
    const row = this.reader.prepare(`SELECT count(*) AS n FROM records ${where}`).get(...params) as { n: number };
    return row.n;
  }

  /**
   * Runs one SQL statement on the read-only connection (e.g. over a host's views of `readSchema`).
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

  /** Deletes every record and the measure types they fixed (databases and tables stay). Returns how many records were deleted. */
  wipe(): number {
    this.measureTypes.forget();
    this.writer.exec('DELETE FROM measure_types');
    return Number(this.writer.prepare('DELETE FROM records').run().changes);
  }

  /** Closes both connections; safe to call more than once. */
  override close(): void {
    this.prepared.clear();
    super.close();
  }
}

/** A `databases` row with its table count, under the names of {@link DatabaseInfo}. */
const DATABASE_COLUMNS = `d.name, d.arn, d.created_at_ms AS createdAtMs, d.updated_at_ms AS updatedAtMs,
  (SELECT count(*) FROM tables t WHERE t.database_name = d.name) AS tableCount`;

/** A `tables` row under the names of {@link TableInfo}; SQLite has no booleans. */
const TABLE_COLUMNS = `database_name AS databaseName, name, arn, memory_retention_hours AS memoryRetentionHours,
  magnetic_retention_days AS magneticRetentionDays, magnetic_writes AS magneticWrites, created_at_ms AS createdAtMs,
  updated_at_ms AS updatedAtMs`;

type TableInfoRow = Omit<TableInfo, 'magneticWrites'> & { readonly magneticWrites: number };

function toTableInfo(row: TableInfoRow): TableInfo {
  return { ...row, magneticWrites: row.magneticWrites === 1 };
}

import { DatabaseSync } from 'node:sqlite';
import { checkDataDir, type DataDirProblem } from '../sqlite/checkDataDir.ts';
import { inImmediateTransaction } from '../sqlite/inImmediateTransaction.ts';
import { TimestreamStoreError } from './errors.ts';

/**
 * The SQLite file of the Timestream emulator (`<dataDir>/timestream.sqlite`, WAL): its schema, and
 * opening it without ever damaging a file that is not (or not yet) one of ours.
 *
 * - `databases` and `tables` hold the control plane (retention, magnetic-store writes).
 * - `records` holds every written record generically: dimensions and measures as JSON, with a
 *   UNIQUE key on Timestream's record identity (database, table, time, measure name, dimension set).
 *
 * Nothing here knows what the records mean. A host application that reads them through views and
 * indexes of its own passes their DDL as the store's `readSchema` (BEMS: `dashboards/readModel/`).
 */

/** Bumped whenever the schema changes; a store from a newer version is refused, not "fixed". */
export const TIMESTREAM_SCHEMA_VERSION = 1;
export const TIMESTREAM_STORE_FILE = 'timestream.sqlite';

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
  -- Time before dims_key keeps inserts of recent records near the right edge of the B-tree.
  UNIQUE (database_name, table_name, time_ms, time_sub_ms_ns, measure_name, dims_key)
) STRICT;

CREATE INDEX records_by_time ON records (time_ms);
`;

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Checks (and creates if missing) the data directory without touching anything already in it. */
export function prepareStoreDir(dataDir: string): void {
  const problem = checkDataDir(dataDir, { missingOn: () => true });
  if (problem) throw storeDirError(dataDir, problem);
}

function storeDirError(dataDir: string, problem: DataDirProblem): TimestreamStoreError {
  switch (problem.kind) {
    case 'unreadable':
      return new TimestreamStoreError(dataDir, `Cannot read data directory ${dataDir}: ${describe(problem.cause)}`, {
        cause: problem.cause,
      });
    case 'notDirectory':
      return new TimestreamStoreError(dataDir, `Data directory ${dataDir} exists but is not a directory`);
    case 'uncreatable':
      return new TimestreamStoreError(dataDir, `Cannot create data directory ${dataDir}: ${describe(problem.cause)}`, {
        cause: problem.cause,
      });
    case 'inaccessible':
      return new TimestreamStoreError(
        dataDir,
        `Data directory ${dataDir} is not readable and writable: ${describe(problem.cause)}`,
        { cause: problem.cause },
      );
  }
}

/**
 * Opens the file and verifies it is a store of this emulator BEFORE writing anything to it, so a
 * wrong or corrupt file is reported and left exactly as it was.
 */
export function openStoreWriter(path: string, readSchema?: string): DatabaseSync {
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
    if (version === 0 || readSchema !== undefined) {
      inImmediateTransaction(db, () => {
        if (version === 0) {
          db.exec(SCHEMA);
          db.exec(`PRAGMA user_version = ${TIMESTREAM_SCHEMA_VERSION}`);
        }
        // The host's views and indexes, at every open: a definition changed since the last run applies.
        if (readSchema !== undefined) db.exec(readSchema);
      });
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

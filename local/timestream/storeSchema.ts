import type { DatabaseSync } from 'node:sqlite';
import { storeFileSpec } from '../awsEmulator/index.ts';
import { dimensionsHash } from './dimensionsHash.ts';
import { TimestreamStoreError } from './errors.ts';

/**
 * The SQLite file of the Timestream emulator (`<dataDir>/timestream.sqlite`, WAL; opened by the
 * shared `StoreFile`, which never damages a file that is not one of its stores): its schema.
 *
 * - `databases` and `tables` hold the control plane (retention, magnetic-store writes).
 * - `records` holds every written record generically: dimensions and measures as JSON; Timestream's
 *   record identity (database, table, time, measure name, dimension set) is found through an index
 *   on the time and a hash of the dimensions (see `RECORDS_TABLE`).
 *
 * Nothing here knows what the records mean. A host application that reads them through views and
 * indexes of its own passes their DDL as the store's `readSchema` (BEMS: `dashboards/readModel/`).
 */

/**
 * Every written record, generically. A record's identity is (database, table, time, measure name,
 * dimension set); `dimensions` is canonical (sorted keys), so the dimension set is its text. The
 * store finds an identity through `records_by_time` — the time and `dims_hash`, a 53-bit hash of
 * `dimensions` (`dimensionsHash.ts`) — and compares the rest on the row, inside the write
 * transaction: a ~20-byte index entry per record instead of a UNIQUE key holding every record's
 * dimensions a second time (version 3: ~350 bytes; records arrive up to minutes late, so the key's
 * inserts fall all over it, and a fat random key is the most pages per record). The same index
 * serves reads by time, which the UNIQUE key's database-first order could not.
 */
const RECORDS_TABLE = `
CREATE TABLE records (
  id             INTEGER PRIMARY KEY,
  database_name  TEXT NOT NULL,
  table_name     TEXT NOT NULL,
  measure_name   TEXT NOT NULL,
  time_ms        INTEGER NOT NULL,
  -- Nanoseconds below the millisecond, so records written in MICRO/NANOSECONDS keep distinct identities.
  time_sub_ms_ns INTEGER NOT NULL DEFAULT 0,
  dimensions     TEXT NOT NULL,
  dims_hash      INTEGER NOT NULL,
  measures       TEXT NOT NULL,
  version        INTEGER NOT NULL,
  written_at_ms  INTEGER NOT NULL
) STRICT;
CREATE INDEX records_by_time ON records (time_ms, dims_hash);
`;

/** Version 2: the type each measure column got at its first write (Timestream keeps it). */
const MEASURE_TYPES_TABLE = `
CREATE TABLE measure_types (
  database_name TEXT NOT NULL,
  table_name    TEXT NOT NULL,
  -- 'single:<measure name>' or 'multi:<attribute name>' (see NormalizedRecord.measureTypes).
  measure_column TEXT NOT NULL,
  type          TEXT NOT NULL,
  PRIMARY KEY (database_name, table_name, measure_column)
) STRICT;
`;

/** A version-1 store gets the table, filled from its records in write order (the first write fixed each type). */
function addMeasureTypes(db: DatabaseSync): void {
  db.exec(MEASURE_TYPES_TABLE);
  db.exec(`INSERT OR IGNORE INTO measure_types (database_name, table_name, measure_column, type)
    SELECT r.database_name, r.table_name,
      CASE WHEN m.key = 'measure_value' THEN 'single:' || r.measure_name ELSE 'multi:' || m.key END,
      m.value ->> '$.type'
    FROM records r, json_each(r.measures) m ORDER BY r.id`);
}

/**
 * Version 3 (no `dims_key`, a second copy of the dimensions) and version 4 (the identity through
 * `records_by_time` and `dims_hash` instead of a UNIQUE key): a rebuild of `records`, since a
 * UNIQUE key cannot change in place. The host's views over `records` would stop the rename and its
 * indexes go with the old table: the views are dropped here, and the host's `readSchema`, run after
 * the migration at every open, creates both again. Every row keeps its id and values.
 */
function rebuildRecords(db: DatabaseSync): void {
  const views = db.prepare("SELECT name FROM sqlite_master WHERE type = 'view'").all();
  for (const { name } of views) db.exec(`DROP VIEW "${String(name).replaceAll('"', '""')}"`);
  db.function('dimensions_hash', { deterministic: true }, (dimensions) => dimensionsHash(String(dimensions)));
  const columns =
    'id, database_name, table_name, measure_name, time_ms, time_sub_ms_ns, dimensions, measures, version, written_at_ms';
  db.exec(`DROP INDEX records_by_time;
    ALTER TABLE records RENAME TO records_old;
    ${RECORDS_TABLE}
    INSERT INTO records (${columns}, dims_hash) SELECT ${columns}, dimensions_hash(dimensions) FROM records_old;
    DROP TABLE records_old;`);
}

function migrate(db: DatabaseSync, fromVersion: number): void {
  if (fromVersion < 2) addMeasureTypes(db);
  rebuildRecords(db);
}

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

${RECORDS_TABLE}
${MEASURE_TYPES_TABLE}`;

export const TIMESTREAM_STORE_FILE_SPEC = storeFileSpec('Timestream', 4, SCHEMA, TimestreamStoreError, migrate);
export const { fileName: TIMESTREAM_STORE_FILE, schemaVersion: TIMESTREAM_SCHEMA_VERSION } = TIMESTREAM_STORE_FILE_SPEC;

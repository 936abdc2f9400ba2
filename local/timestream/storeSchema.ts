import type { DatabaseSync } from 'node:sqlite';
import { storeFileSpec } from '../awsEmulator/index.ts';
import { TimestreamStoreError } from './errors.ts';

/**
 * The SQLite file of the Timestream emulator (`<dataDir>/timestream.sqlite`, WAL; opened by the
 * shared `StoreFile`, which never damages a file that is not one of its stores): its schema.
 *
 * - `databases` and `tables` hold the control plane (retention, magnetic-store writes).
 * - `records` holds every written record generically: dimensions and measures as JSON, with a
 *   UNIQUE key on Timestream's record identity (database, table, time, measure name, dimension set).
 *
 * Nothing here knows what the records mean. A host application that reads them through views and
 * indexes of its own passes their DDL as the store's `readSchema` (BEMS: `dashboards/readModel/`).
 */

/**
 * Every written record, generically. `dimensions` is canonical (sorted keys), so it is also the
 * identity of the dimension set in the UNIQUE key. Time before dimensions keeps inserts of recent
 * records near the right edge of that key's B-tree.
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
  measures       TEXT NOT NULL,
  version        INTEGER NOT NULL,
  written_at_ms  INTEGER NOT NULL,
  UNIQUE (database_name, table_name, time_ms, time_sub_ms_ns, measure_name, dimensions)
) STRICT;
CREATE INDEX records_by_time ON records (time_ms);
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
 * Version 3: `records` without `dims_key`, a second copy of the dimensions (JSON of the sorted
 * pairs) that only served as the identity: a rebuild, since a UNIQUE key cannot change in place.
 * The host's views over `records` would stop the rename and its indexes go with the old table: the
 * views are dropped here, and the host's `readSchema`, run after the migration at every open,
 * creates both again.
 */
function dropDimsKey(db: DatabaseSync): void {
  const views = db.prepare("SELECT name FROM sqlite_master WHERE type = 'view'").all();
  for (const { name } of views) db.exec(`DROP VIEW "${String(name).replaceAll('"', '""')}"`);
  const columns =
    'id, database_name, table_name, measure_name, time_ms, time_sub_ms_ns, dimensions, measures, version, written_at_ms';
  db.exec(`DROP INDEX records_by_time;
    ALTER TABLE records RENAME TO records_v2;
    ${RECORDS_TABLE}
    INSERT INTO records (${columns}) SELECT ${columns} FROM records_v2;
    DROP TABLE records_v2;`);
}

function migrate(db: DatabaseSync, fromVersion: number): void {
  if (fromVersion < 2) addMeasureTypes(db);
  dropDimsKey(db);
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

export const TIMESTREAM_STORE_FILE_SPEC = storeFileSpec('Timestream', 3, SCHEMA, TimestreamStoreError, migrate);
export const { fileName: TIMESTREAM_STORE_FILE, schemaVersion: TIMESTREAM_SCHEMA_VERSION } = TIMESTREAM_STORE_FILE_SPEC;

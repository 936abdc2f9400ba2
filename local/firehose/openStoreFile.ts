import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { inImmediateTransaction } from '../sqlite/inImmediateTransaction.ts';
import { FirehoseStoreError } from './errors.ts';

/**
 * The SQLite file of the Firehose emulator (`<dataDir>/firehose.sqlite`, WAL): its schema, and
 * opening it without ever damaging a file that is not (or not yet) one of ours.
 *
 * - `delivery_streams`: the control plane, each stream's Iceberg destination as it was given.
 * - `iceberg_rows`: the emulated Iceberg tables, generically: one row per table row, its record
 *   as JSON, and the unique-key values that `update`/`delete` match on (an index, not a UNIQUE
 *   constraint: `insert` appends even when the key exists, as an Iceberg append does).
 * - `delivery_errors`: records accepted but not deliverable (Firehose writes those to the
 *   destination's S3 error prefix).
 *
 * Nothing here knows what the rows mean. A host that reads them through views of its own passes
 * their DDL as the store's `readSchema`.
 */

/** Bumped whenever the schema changes; a store from a newer version is refused, not "fixed". */
export const FIREHOSE_SCHEMA_VERSION = 1;
export const FIREHOSE_STORE_FILE = 'firehose.sqlite';

const SCHEMA = `
CREATE TABLE delivery_streams (
  name          TEXT PRIMARY KEY,
  arn           TEXT NOT NULL,
  stream_type   TEXT NOT NULL,
  version_id    INTEGER NOT NULL,
  -- DeliveryStreamEncryptionConfigurationInput as given (JSON), NULL when not encrypted.
  encryption    TEXT,
  -- IcebergDestinationConfiguration as given (JSON).
  destination   TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE iceberg_rows (
  id            INTEGER PRIMARY KEY,
  database_name TEXT NOT NULL,
  table_name    TEXT NOT NULL,
  unique_key    TEXT,
  data          TEXT NOT NULL,
  stream_name   TEXT NOT NULL,
  record_id     TEXT NOT NULL,
  written_at_ms INTEGER NOT NULL
) STRICT;

CREATE INDEX iceberg_rows_by_key ON iceberg_rows (database_name, table_name, unique_key);

CREATE TABLE delivery_errors (
  id           INTEGER PRIMARY KEY,
  stream_name  TEXT NOT NULL,
  record_id    TEXT NOT NULL,
  data         BLOB NOT NULL,
  reason       TEXT NOT NULL,
  failed_at_ms INTEGER NOT NULL
) STRICT;
`;

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function storeError(path: string, message: string, cause?: unknown): FirehoseStoreError {
  return new FirehoseStoreError(path, message, cause === undefined ? undefined : { cause });
}

/** Creates the data directory if missing, and checks that it is a usable directory. */
export function prepareStoreDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
    if (!statSync(dataDir).isDirectory()) throw new Error('it is not a directory');
    accessSync(dataDir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (error) {
    throw storeError(dataDir, `Firehose data directory ${dataDir} cannot be used: ${describe(error)}`, error);
  }
}

/** Schema version and object names, read before anything is written. */
function inspect(db: DatabaseSync, path: string): { version: number; objects: string[] } {
  try {
    const { user_version } = db.prepare('PRAGMA user_version').get() as { user_version: number };
    const rows = db.prepare("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").all();
    return { version: Number(user_version), objects: rows.map((row) => String(row.name)) };
  } catch (error) {
    throw storeError(
      path,
      `Firehose store ${path} is not a readable SQLite database (${describe(error)}); it was left untouched`,
      error,
    );
  }
}

/**
 * Opens the writer connection and verifies the file is a store of this emulator BEFORE writing
 * to it, so a wrong or corrupt file is reported and left exactly as it was. Creates the schema in
 * a new file; runs the host's `readSchema` at every open.
 */
export function openStoreWriter(path: string, readSchema?: string): DatabaseSync {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path);
  } catch (error) {
    throw storeError(path, `Cannot open Firehose store ${path}: ${describe(error)}`, error);
  }
  try {
    const { version, objects } = inspect(db, path);
    if (version > FIREHOSE_SCHEMA_VERSION) {
      throw storeError(
        path,
        `Firehose store ${path} has schema version ${version}, newer than this emulator's ${FIREHOSE_SCHEMA_VERSION}; it was left untouched`,
      );
    }
    if (version === 0 && objects.length > 0) {
      throw storeError(
        path,
        `${path} is a SQLite database but not a Firehose store (it contains ${objects.slice(0, 5).join(', ')}); it was left untouched`,
      );
    }
    db.exec('PRAGMA journal_mode = WAL');
    // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commits).
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec('PRAGMA busy_timeout = 5000');
    inImmediateTransaction(db, () => {
      // Read again under the write lock: another connection may have created the schema meanwhile.
      if (inspect(db, path).version === 0) {
        db.exec(SCHEMA);
        db.exec(`PRAGMA user_version = ${FIREHOSE_SCHEMA_VERSION}`);
      }
      if (readSchema !== undefined) db.exec(readSchema);
    });
    return db;
  } catch (error) {
    db.close();
    if (error instanceof FirehoseStoreError) throw error;
    throw storeError(path, `Cannot initialise Firehose store ${path}: ${describe(error)}`, error);
  }
}

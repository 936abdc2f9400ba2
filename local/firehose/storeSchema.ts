import { storeFileSpec } from '../awsEmulator/index.ts';
import { FirehoseStoreError } from './errors.ts';

/**
 * The SQLite file of the Firehose emulator (`<dataDir>/firehose.sqlite`, WAL; opened by the shared
 * `StoreFile`, which never damages a file that is not one of its stores): its schema.
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

export const FIREHOSE_STORE_FILE_SPEC = storeFileSpec('Firehose', 1, SCHEMA, FirehoseStoreError);
export const { fileName: FIREHOSE_STORE_FILE, schemaVersion: FIREHOSE_SCHEMA_VERSION } = FIREHOSE_STORE_FILE_SPEC;

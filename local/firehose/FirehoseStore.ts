import type { SQLInputValue } from 'node:sqlite';
import { SqliteStore } from '../awsEmulator/index.ts';
import { inImmediateTransaction } from '../sqlite/inImmediateTransaction.ts';
import { StatementCache } from '../sqlite/StatementCache.ts';
import type { Delivery } from './deliverRecord.ts';
import { FIREHOSE_STORE_FILE_SPEC } from './storeSchema.ts';

export { FIREHOSE_SCHEMA_VERSION, FIREHOSE_STORE_FILE } from './storeSchema.ts';

/**
 * The state of the Firehose emulator: its delivery streams and the emulated Iceberg tables they
 * deliver into, with Firehose's unique-key rules (schema: `storeSchema.ts`).
 *
 * Writes go through one connection, reads (`rows`, `query`, ...) through a second, read-only
 * connection, so a reader can never modify the store. A host may open its own FirehoseStore on
 * the same directory (e.g. the local cell's main thread while the emulator runs on its worker):
 * it sees every delivery once its call has been answered.
 */

export interface FirehoseStoreOptions {
  readonly dataDir: string;
  /** DDL of views and indexes a host reads the rows through, run in one transaction at every open. */
  readonly readSchema?: string;
  /** WAL checkpoints on a background thread every this many ms (see `StoreFile`). Off by default. */
  readonly checkpointIntervalMs?: number;
}

/** A delivery stream as stored. */
export interface StreamInfo {
  readonly name: string;
  readonly arn: string;
  readonly streamType: string;
  readonly versionId: number;
  /** DeliveryStreamEncryptionConfigurationInput as given; undefined when not encrypted. */
  readonly encryption: Record<string, unknown> | undefined;
  /** IcebergDestinationConfiguration as given. */
  readonly destination: Record<string, unknown>;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

/** One row of an emulated Iceberg table, with where it came from. */
export interface IcebergRow {
  readonly data: Record<string, unknown>;
  readonly streamName: string;
  readonly recordId: string;
  readonly writtenAtMs: number;
}

/** A record Firehose accepted but could not deliver (on AWS: an object under the S3 error prefix). */
export interface DeliveryError {
  readonly streamName: string;
  readonly recordId: string;
  readonly data: Buffer;
  readonly reason: string;
  readonly failedAtMs: number;
}

/** An accepted record of one call and what to do with it. */
export interface AcceptedRecord {
  readonly recordId: string;
  readonly data: Buffer;
  readonly delivery: Delivery;
}

export class FirehoseStore extends SqliteStore {
  private readonly writes = new StatementCache(this.writer);
  private readonly reads = new StatementCache(this.reader);

  constructor(options: FirehoseStoreOptions) {
    super(FIREHOSE_STORE_FILE_SPEC, { ...options, readOnlyReader: true });
  }

  // ---- control plane -------------------------------------------------------------------------

  /** Inserts a stream; false if the name is taken. */
  insertStream(stream: Omit<StreamInfo, 'versionId' | 'updatedAtMs'>): boolean {
    const result = this.writes
      .get(
        `INSERT INTO delivery_streams (name, arn, stream_type, version_id, encryption, destination, created_at_ms,
           updated_at_ms)
         VALUES (?, ?, ?, 1, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      )
      .run(
        stream.name,
        stream.arn,
        stream.streamType,
        stream.encryption === undefined ? null : JSON.stringify(stream.encryption),
        JSON.stringify(stream.destination),
        stream.createdAtMs,
        stream.createdAtMs,
      );
    return result.changes === 1;
  }

  /** Replaces a stream's destination (and bumps its VersionId); false if there is no such stream. */
  updateDestination(name: string, destination: Record<string, unknown>, nowMs: number): boolean {
    const result = this.writes
      .get('UPDATE delivery_streams SET destination = ?, version_id = version_id + 1, updated_at_ms = ? WHERE name = ?')
      .run(JSON.stringify(destination), nowMs, name);
    return result.changes === 1;
  }

  getStream(name: string): StreamInfo | undefined {
    const row = this.writes.first(`SELECT ${STREAM_COLUMNS} FROM delivery_streams WHERE name = ?`, name);
    return row ? toStreamInfo(row as unknown as StreamInfoRow) : undefined;
  }

  /** Up to `limit` stream names after `after`, by name; of one stream type when `streamType` is given. */
  listStreamNames(limit: number, after = '', streamType?: string): string[] {
    const rows = this.writes
      .get(`SELECT name FROM delivery_streams WHERE name > ? AND (? IS NULL OR stream_type = ?) ORDER BY name LIMIT ?`)
      .all(after, streamType ?? null, streamType ?? null, limit);
    return rows.map((row) => String(row.name));
  }

  // ---- data plane ----------------------------------------------------------------------------

  /**
   * Delivers the accepted records of one call in ONE transaction, in order (a later record of
   * the call sees an earlier one): `insert` appends; `update` replaces every row with the
   * record's unique-key values by the record (an upsert: Iceberg's equality delete + insert);
   * `delete` removes them; an undeliverable record is kept as a delivery error.
   */
  deliver(streamName: string, records: readonly AcceptedRecord[], nowMs: number): void {
    const remove = this.writes.get(
      'DELETE FROM iceberg_rows WHERE database_name = ? AND table_name = ? AND unique_key = ?',
    );
    const insert = this.writes.get(
      `INSERT INTO iceberg_rows (database_name, table_name, unique_key, data, stream_name, record_id, written_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const failed = this.writes.get(
      'INSERT INTO delivery_errors (stream_name, record_id, data, reason, failed_at_ms) VALUES (?, ?, ?, ?, ?)',
    );
    inImmediateTransaction(this.writer, () => {
      for (const { recordId, data, delivery } of records) {
        if (delivery.kind === 'error') {
          failed.run(streamName, recordId, data, delivery.reason, nowMs);
          continue;
        }
        const { database, table, key, operation } = delivery;
        if (operation !== 'insert') remove.run(database, table, key);
        if (operation !== 'delete') insert.run(database, table, key, delivery.data, streamName, recordId, nowMs);
      }
    });
  }

  // ---- reads (read-only connection) ----------------------------------------------------------

  /** The rows of one emulated Iceberg table, oldest write first. */
  rows(database: string, table: string): Array<Record<string, unknown>> {
    return this.rowsWithOrigin(database, table).map((row) => row.data);
  }

  /** The rows of one table with the stream, record id and time of the write that made each. */
  rowsWithOrigin(database: string, table: string): IcebergRow[] {
    const rows = this.reads
      .get(
        `SELECT data, stream_name, record_id, written_at_ms FROM iceberg_rows
         WHERE database_name = ? AND table_name = ? ORDER BY id`,
      )
      .all(database, table);
    return rows.map((row) => ({
      data: JSON.parse(String(row.data)) as Record<string, unknown>,
      streamName: String(row.stream_name),
      recordId: String(row.record_id),
      writtenAtMs: Number(row.written_at_ms),
    }));
  }

  /** Number of rows of one table, or of all tables. */
  countRows(database?: string, table?: string): number {
    const row = this.reads
      .get(
        `SELECT count(*) AS n FROM iceberg_rows
         WHERE (? IS NULL OR database_name = ?) AND (? IS NULL OR table_name = ?)`,
      )
      .get(database ?? null, database ?? null, table ?? null, table ?? null) as { n: number };
    return row.n;
  }

  /** Records that could not be delivered, oldest first; of one stream when named. */
  deliveryErrors(streamName?: string): DeliveryError[] {
    const rows = this.reads
      .get('SELECT * FROM delivery_errors WHERE (? IS NULL OR stream_name = ?) ORDER BY id')
      .all(streamName ?? null, streamName ?? null);
    return rows.map((row) => ({
      streamName: String(row.stream_name),
      recordId: String(row.record_id),
      data: Buffer.from(row.data as Uint8Array),
      reason: String(row.reason),
      failedAtMs: Number(row.failed_at_ms),
    }));
  }

  /**
   * Runs one SQL statement on the read-only connection (e.g. over a host's views of `readSchema`,
   * `SELECT data ->> '$.column' FROM iceberg_rows ...`). Writing fails with SQLite's
   * "attempt to write a readonly database".
   */
  query<T = Record<string, unknown>>(sql: string, params: readonly SQLInputValue[] = []): T[] {
    return this.reader.prepare(sql).all(...params) as T[];
  }

  /** Deletes every row and delivery error (streams stay). Returns how many rows were deleted. */
  wipe(): number {
    return inImmediateTransaction(this.writer, () => {
      this.writer.exec('DELETE FROM delivery_errors');
      return Number(this.writer.prepare('DELETE FROM iceberg_rows').run().changes);
    });
  }

  override close(): void {
    this.writes.clear();
    this.reads.clear();
    super.close();
  }
}

/** A `delivery_streams` row under the names of {@link StreamInfo}, its configuration still JSON text. */
const STREAM_COLUMNS = `name, arn, stream_type AS streamType, version_id AS versionId, encryption, destination,
  created_at_ms AS createdAtMs, updated_at_ms AS updatedAtMs`;

type StreamInfoRow = Omit<StreamInfo, 'encryption' | 'destination'> & {
  readonly encryption: string | null;
  readonly destination: string;
};

function toStreamInfo(row: StreamInfoRow): StreamInfo {
  return {
    ...row,
    encryption: row.encryption === null ? undefined : (JSON.parse(row.encryption) as Record<string, unknown>),
    destination: JSON.parse(row.destination) as Record<string, unknown>,
  };
}

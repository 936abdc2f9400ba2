import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { FIREHOSE_STORE_FILE } from '../../../local/firehose/index.ts';
import { TIMESTREAM_STORE_FILE } from '../../../local/timestream/index.ts';

/** One recorded (eventId, stage, consumer) as the cell's analytics store holds it. */
export interface RecordedEvent {
  readonly eventId: string;
  readonly stage: string;
  readonly consumer: string;
  /** Records with this identity: anything but 1 is a duplicate. */
  readonly count: number;
  readonly receivedAtMs: number | null;
  readonly processedAtMs: number | null;
  readonly replayed: boolean;
}

/** The analytics stores' files; a cell writes to one of them, through the read model's view `invoice_events`. */
const ANALYTICS_STORE_FILES = [TIMESTREAM_STORE_FILE, FIREHOSE_STORE_FILE];

/**
 * Reads the cell's stores straight from its data directory, read-only, so the same check works for
 * a cell in this process, a child process, or one that was killed: what is in the files is the truth.
 * Whichever analytics store the cell runs (Timestream, or the lakehouse's Firehose table) holds
 * the records; the other has none (or no read model at all).
 */
export function readRecordedEvents(dataDir: string): RecordedEvent[] {
  return ANALYTICS_STORE_FILES.flatMap((file) => readStoreRecords(join(dataDir, file)));
}

function readStoreRecords(path: string): RecordedEvent[] {
  return withDatabase(path, (db) =>
    (
      db
        .prepare(
          hasReadModel(db)
            ? `SELECT event_id, stage, consumer, count(*) AS n, min(received_at_ms) AS received_at_ms,
                  min(processed_at_ms) AS processed_at_ms, max(replayed) AS replayed
           FROM invoice_events WHERE event_id IS NOT NULL GROUP BY event_id, stage, consumer`
            : 'SELECT NULL WHERE 0',
        )
        .all() as {
        event_id: string;
        stage: string;
        consumer: string;
        n: number;
        received_at_ms: number | null;
        processed_at_ms: number | null;
        replayed: number | null;
      }[]
    ).map((row) => ({
      eventId: row.event_id,
      stage: row.stage,
      consumer: row.consumer,
      count: row.n,
      receivedAtMs: row.received_at_ms,
      processedAtMs: row.processed_at_ms,
      replayed: row.replayed === 1,
    })),
  );
}

/** The invoice eventId of every event in the EventBridge archive (one entry per archived copy). */
export function readArchivedEventIds(dataDir: string): string[] {
  return withDatabase(join(dataDir, 'eventbridge.sqlite'), (db) =>
    (
      db.prepare(`SELECT event ->> '$.detail.eventId' AS event_id FROM archive_events`).all() as {
        event_id: string | null;
      }[]
    ).map((row) => row.event_id ?? '(no detail.eventId)'),
  );
}

/** The `detail` of every event in the EventBridge archive, parsed (one entry per archived copy). */
export function readArchivedDetails(dataDir: string): unknown[] {
  return withDatabase(join(dataDir, 'eventbridge.sqlite'), (db) =>
    (db.prepare(`SELECT event ->> '$.detail' AS detail FROM archive_events`).all() as { detail: string | null }[]).map(
      (row) => (row.detail === null ? null : JSON.parse(row.detail)),
    ),
  );
}

function hasReadModel(db: DatabaseSync): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'view' AND name = 'invoice_events'`).get() !== undefined;
}

function withDatabase<T>(path: string, read: (db: DatabaseSync) => T): T {
  if (!existsSync(path)) return read(emptyDatabase());
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    return read(db);
  } finally {
    db.close();
  }
}

/** Before the first write there is no file: read as an empty store. */
function emptyDatabase(): DatabaseSync {
  const db = new DatabaseSync(':memory:');
  db.exec(`CREATE TABLE archive_events (event TEXT);
    CREATE VIEW invoice_events AS SELECT NULL AS event_id, NULL AS stage, NULL AS consumer, NULL AS received_at_ms,
      NULL AS processed_at_ms, NULL AS replayed WHERE 0;`);
  return db;
}

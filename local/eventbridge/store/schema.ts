/**
 * Layout of `<dataDir>/eventbridge.sqlite`; `eventbridge_meta` says whose database it is and which version.
 * Version 2: a live delivery of an archived event keeps no copy of the event (`outbox.archive_seq`).
 */
export const SCHEMA_VERSION = 2;
export const APP_ID = 'bems-eventbridge';

/** Where a delivery goes; a row keeps these when it moves from `outbox` to `outbox_dead`. */
const TARGET_COLUMNS = `  event_id TEXT NOT NULL,
  rule TEXT NOT NULL,
  target_id TEXT NOT NULL,
  queue_url TEXT NOT NULL,`;

/**
 * The deliveries waiting for SQS. A live event on a bus with an archive is delivered exactly as it
 * was archived, so its rows name the archived row (`archive_seq`) instead of holding a second copy
 * of the event JSON (`body` NULL): the event is written once, and the rows an insert and a delete
 * change fit in far fewer pages. Replayed deliveries and events of buses without an archive
 * carry their `body`. An archive purge gives a pending row its own copy first (`ArchiveTable.purge`).
 */
export const OUTBOX_DDL = `
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
${TARGET_COLUMNS}
  body TEXT,
  archive_seq INTEGER,
  replay_name TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  last_error TEXT,
  CHECK ((body IS NULL) = (archive_seq IS NOT NULL))
) STRICT;
CREATE INDEX outbox_due ON outbox (next_attempt_ms, id);
CREATE INDEX outbox_by_replay ON outbox (replay_name) WHERE replay_name IS NOT NULL;
`;

/** Version 1 → 2: `outbox.body` may be NULL (a column constraint SQLite cannot change in place), every old row keeps its body. */
export const MIGRATE_1_TO_2 = `
DROP INDEX outbox_due;
DROP INDEX outbox_by_replay;
ALTER TABLE outbox RENAME TO outbox_v1;
${OUTBOX_DDL}
INSERT INTO outbox (id, event_id, rule, target_id, queue_url, body, replay_name, attempts, next_attempt_ms, created_ms, last_error)
  SELECT id, event_id, rule, target_id, queue_url, body, replay_name, attempts, next_attempt_ms, created_ms, last_error
  FROM outbox_v1;
DROP TABLE outbox_v1;
`;

export const SCHEMA = `
CREATE TABLE eventbridge_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE resources (
  kind TEXT NOT NULL, name TEXT NOT NULL, created_ms INTEGER NOT NULL, PRIMARY KEY (kind, name)
) STRICT;
CREATE TABLE archive_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  archive TEXT NOT NULL,
  event_id TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  received_ms INTEGER NOT NULL,
  detail_type TEXT NOT NULL,
  event TEXT NOT NULL
) STRICT;
CREATE INDEX archive_events_by_time ON archive_events (archive, time_ms, seq);
${OUTBOX_DDL}
CREATE TABLE outbox_dead (
  id INTEGER PRIMARY KEY,
${TARGET_COLUMNS}
  body TEXT NOT NULL,
  replay_name TEXT,
  attempts INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  dead_ms INTEGER NOT NULL,
  last_error TEXT
) STRICT;
CREATE TABLE replays (
  name TEXT PRIMARY KEY,
  archive TEXT NOT NULL,
  bus TEXT NOT NULL,
  description TEXT,
  state TEXT NOT NULL,
  state_reason TEXT,
  from_ms INTEGER NOT NULL,
  to_ms INTEGER NOT NULL,
  rule_filter TEXT,
  detail_type_filter TEXT,
  max_seq INTEGER NOT NULL,
  cursor_time_ms INTEGER NOT NULL,
  cursor_seq INTEGER NOT NULL,
  events_replayed INTEGER NOT NULL DEFAULT 0,
  deliveries INTEGER NOT NULL DEFAULT 0,
  last_replayed_ms INTEGER,
  enqueued_all INTEGER NOT NULL DEFAULT 0,
  started_ms INTEGER NOT NULL,
  ended_ms INTEGER
) STRICT;
`;

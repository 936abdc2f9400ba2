/** Layout of `<dataDir>/eventbridge.sqlite`; `eventbridge_meta` says whose database it is and which version. */
export const SCHEMA_VERSION = 1;
export const APP_ID = 'bems-eventbridge';

/** What a delivery carries; a row keeps these when it moves from `outbox` to `outbox_dead`. */
const DELIVERY_COLUMNS = `  event_id TEXT NOT NULL,
  rule TEXT NOT NULL,
  target_id TEXT NOT NULL,
  queue_url TEXT NOT NULL,
  body TEXT NOT NULL,
  replay_name TEXT,`;

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
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
${DELIVERY_COLUMNS}
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  last_error TEXT
) STRICT;
CREATE INDEX outbox_due ON outbox (next_attempt_ms, id);
CREATE INDEX outbox_by_replay ON outbox (replay_name) WHERE replay_name IS NOT NULL;
CREATE TABLE outbox_dead (
  id INTEGER PRIMARY KEY,
${DELIVERY_COLUMNS}
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

import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { EventBridgeDataDirError } from './errors.ts';
import type { EmulatorTopology } from './resolveTopology.ts';

/**
 * The emulator's state in `<dataDir>/eventbridge.sqlite`: the archive, the delivery outbox and
 * replays. The buses and rules themselves come from configuration at start (`topology`).
 *
 * Durability trade-off: the database runs in WAL mode with `synchronous=NORMAL`. A commit
 * appends to the WAL through the OS page cache and returns without fsync, so an event that got a
 * PutEvents answer survives the emulator process being killed (`kill -9`): the kernel still
 * writes the page. Only an OS crash or power loss can lose the last commits before the next WAL
 * checkpoint — the price of thousands of events per second instead of one fsync per request.
 * `synchronous: 'FULL'` closes that window for hosts where it matters. The local cell's loss
 * guarantee (DESIGN §1) is stated against process failure, which NORMAL covers.
 *
 * The file is opened with `locking_mode=EXCLUSIVE`: a second emulator on the same data directory
 * would deliver every outbox row twice, so it gets a clear error instead.
 */

const SCHEMA_VERSION = 1;
const APP_ID = 'bems-eventbridge';
export const DATABASE_FILE = 'eventbridge.sqlite';

export interface AcceptedEvent {
  readonly eventId: string;
  /** The archive that keeps this event, if its bus has one. */
  readonly archive?: string;
  /** Event time in epoch ms (the `time` field, at millisecond precision). */
  readonly timeMs: number;
  readonly detailType: string;
  /** The whole EventBridge event as JSON, exactly as targets receive it. */
  readonly json: string;
  readonly deliveries: readonly PendingDelivery[];
}

export interface PendingDelivery {
  readonly rule: string;
  readonly targetId: string;
  readonly queueUrl: string;
}

export interface OutboxRow {
  readonly id: number;
  readonly queueUrl: string;
  readonly body: string;
  readonly attempts: number;
  readonly createdMs: number;
}

/** What happened to the rows of one delivery round; applied in one transaction. */
export interface DeliveryOutcome {
  readonly delivered: readonly number[];
  readonly retry: ReadonlyArray<{ id: number; attempts: number; nextAttemptMs: number; error: string }>;
  readonly dead: ReadonlyArray<{ id: number; attempts: number; error: string }>;
}

export const REPLAY_STATES = {
  starting: 'STARTING',
  running: 'RUNNING',
  cancelling: 'CANCELLING',
  cancelled: 'CANCELLED',
  completed: 'COMPLETED',
  failed: 'FAILED',
} as const;
export type ReplayState = (typeof REPLAY_STATES)[keyof typeof REPLAY_STATES];

export interface ReplayRecord {
  readonly name: string;
  readonly archive: string;
  readonly bus: string;
  readonly description?: string;
  readonly state: ReplayState;
  readonly stateReason?: string;
  readonly fromMs: number;
  readonly toMs: number;
  /** Rule names the replay is limited to; undefined = every rule of the bus. */
  readonly rules?: readonly string[];
  /** Detail types the replay is limited to; undefined = all. */
  readonly detailTypes?: readonly string[];
  /** Archive rows after this sequence number arrived after the replay started and are not part of it. */
  readonly maxSeq: number;
  readonly cursorTimeMs: number;
  readonly cursorSeq: number;
  /** Archived events in the window (after filters) re-sent through the rules. */
  readonly eventsReplayed: number;
  /** Outbox rows (event × matching target) the replay created. */
  readonly deliveries: number;
  readonly lastReplayedMs?: number;
  /** Every event of the window has been put in the outbox; completion waits for their delivery. */
  readonly enqueuedAll: boolean;
  readonly startedMs: number;
  readonly endedMs?: number;
}

export interface ArchivedEvent {
  readonly seq: number;
  readonly timeMs: number;
  readonly detailType: string;
  readonly json: string;
}

export interface ArchiveCountFilter {
  readonly archive?: string;
  readonly detailTypes?: readonly string[];
  /** Inclusive lower bound on the event time. */
  readonly from?: Date;
  /** Exclusive upper bound on the event time. */
  readonly to?: Date;
}

const SCHEMA = `
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
  event_id TEXT NOT NULL,
  rule TEXT NOT NULL,
  target_id TEXT NOT NULL,
  queue_url TEXT NOT NULL,
  body TEXT NOT NULL,
  replay_name TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  last_error TEXT
) STRICT;
CREATE INDEX outbox_due ON outbox (next_attempt_ms, id);
CREATE INDEX outbox_by_replay ON outbox (replay_name) WHERE replay_name IS NOT NULL;
CREATE TABLE outbox_dead (
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL,
  rule TEXT NOT NULL,
  target_id TEXT NOT NULL,
  queue_url TEXT NOT NULL,
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

type Row = Record<string, SQLInputValue>;

export class EventBridgeStore {
  private readonly statements = new Map<string, StatementSync>();
  private readonly listeners = { enqueue: new Set<() => void>(), replay: new Set<() => void>() };
  private pendingDeliveries: number;
  private closed = false;

  private constructor(
    private readonly db: DatabaseSync,
    readonly path: string,
    readonly topology: EmulatorTopology,
  ) {
    this.pendingDeliveries = Number(this.one('SELECT COUNT(*) AS n FROM outbox').n);
  }

  /**
   * Opens (or creates) `<dataDir>/eventbridge.sqlite`. Anything that is not this emulator's
   * database, or that cannot be read and written, is refused with one {@link EventBridgeDataDirError};
   * nothing existing is ever overwritten.
   */
  static open(
    dataDir: string,
    topology: EmulatorTopology,
    options: { synchronous?: 'NORMAL' | 'FULL' } = {},
  ): EventBridgeStore {
    const path = join(dataDir, DATABASE_FILE);
    prepareDataDir(dataDir, path);
    let db: DatabaseSync;
    try {
      db = new DatabaseSync(path, { timeout: 2000 });
    } catch (cause) {
      throw new EventBridgeDataDirError(path, `cannot be opened: ${messageOf(cause)}`, { cause });
    }
    try {
      db.exec('PRAGMA locking_mode = EXCLUSIVE');
      db.exec('PRAGMA journal_mode = WAL');
      db.exec(`PRAGMA synchronous = ${options.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
      db.exec('PRAGMA journal_size_limit = 67108864');
      db.exec('BEGIN IMMEDIATE');
      try {
        ensureSchema(db, path);
        db.exec('COMMIT');
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
    } catch (cause) {
      db.close();
      if (cause instanceof EventBridgeDataDirError) throw cause;
      const message = messageOf(cause);
      if (/locked|busy/i.test(message)) {
        const reason = 'is in use by another process (another local cell on this data directory?)';
        throw new EventBridgeDataDirError(path, reason, { cause });
      }
      const reason = `is unreadable or corrupt (${message}); move it away or use another data directory`;
      throw new EventBridgeDataDirError(path, reason, { cause });
    }
    const store = new EventBridgeStore(db, path, topology);
    store.recordResources(Date.now());
    store.resumeOutbox(Date.now());
    return store;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.statements.clear();
    this.db.close();
  }

  /**
   * `enqueue`: after every commit that added outbox rows (wakes the deliverer);
   * `replay`: after a replay was created (wakes the replay runner).
   */
  on(kind: 'enqueue' | 'replay', listener: () => void): () => void {
    this.listeners[kind].add(listener);
    return () => this.listeners[kind].delete(listener);
  }

  /** When a bus or archive was first seen: AWS reports CreationTime, which must not change on restart. */
  createdMs(kind: 'bus' | 'archive', name: string): number {
    return Number(
      this.one('SELECT created_ms FROM resources WHERE kind = ? AND name = ?', kind, name)?.created_ms ?? 0,
    );
  }

  // ---- PutEvents ------------------------------------------------------------------------------

  /**
   * Archives the events and queues their deliveries in ONE transaction, so an event is either
   * kept and on its way to every matching target, or (on error) not accepted at all.
   */
  accept(events: readonly AcceptedEvent[], nowMs: number): void {
    if (events.length === 0) return;
    const archive = this.statement(
      'INSERT INTO archive_events (archive, event_id, time_ms, received_ms, detail_type, event) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const outbox = this.statement(
      'INSERT INTO outbox (event_id, rule, target_id, queue_url, body, next_attempt_ms, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    let enqueued = 0;
    this.transaction(() => {
      for (const event of events) {
        if (event.archive) {
          archive.run(event.archive, event.eventId, event.timeMs, nowMs, event.detailType, event.json);
        }
        for (const d of event.deliveries) {
          outbox.run(event.eventId, d.rule, d.targetId, d.queueUrl, event.json, nowMs, nowMs);
          enqueued++;
        }
      }
    });
    this.enqueued(enqueued);
  }

  // ---- outbox ---------------------------------------------------------------------------------

  get outboxDepth(): number {
    return this.pendingDeliveries;
  }

  dueOutbox(nowMs: number, limit: number): OutboxRow[] {
    return this.statement(
      'SELECT id, queue_url, body, attempts, created_ms FROM outbox WHERE next_attempt_ms <= ? ORDER BY next_attempt_ms, id LIMIT ?',
    )
      .all(nowMs, limit)
      .map((r) => ({
        id: Number(r.id),
        queueUrl: String(r.queue_url),
        body: String(r.body),
        attempts: Number(r.attempts),
        createdMs: Number(r.created_ms),
      }));
  }

  /** Epoch ms when the next outbox row is due; undefined when the outbox is empty. */
  nextDueMs(): number | undefined {
    const row = this.one('SELECT MIN(next_attempt_ms) AS due FROM outbox');
    return row?.due == null ? undefined : Number(row.due);
  }

  applyDeliveryOutcome(outcome: DeliveryOutcome, nowMs: number): void {
    const remove = this.statement('DELETE FROM outbox WHERE id = ?');
    const retry = this.statement('UPDATE outbox SET attempts = ?, next_attempt_ms = ?, last_error = ? WHERE id = ?');
    const bury = this.statement(
      `INSERT INTO outbox_dead (id, event_id, rule, target_id, queue_url, body, replay_name, attempts, created_ms, dead_ms, last_error)
       SELECT id, event_id, rule, target_id, queue_url, body, replay_name, ?, created_ms, ?, ? FROM outbox WHERE id = ?`,
    );
    let removed = 0;
    this.transaction(() => {
      for (const id of outcome.delivered) removed += Number(remove.run(id).changes);
      for (const r of outcome.retry) retry.run(r.attempts, r.nextAttemptMs, r.error, r.id);
      for (const d of outcome.dead) {
        bury.run(d.attempts, nowMs, d.error, d.id);
        removed += Number(remove.run(d.id).changes);
      }
    });
    this.pendingDeliveries -= removed;
  }

  /** Deliveries that exhausted their retries (EventBridge would send them to the target's DLQ). */
  deadLetterCount(replayName?: string): number {
    return replayName === undefined
      ? Number(this.one('SELECT COUNT(*) AS n FROM outbox_dead').n)
      : Number(this.one('SELECT COUNT(*) AS n FROM outbox_dead WHERE replay_name = ?', replayName).n);
  }

  pendingForReplay(replayName: string): number {
    return Number(this.one('SELECT COUNT(*) AS n FROM outbox WHERE replay_name = ?', replayName).n);
  }

  // ---- archive --------------------------------------------------------------------------------

  countArchived(filter: ArchiveCountFilter = {}): number {
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    if (filter.archive !== undefined) {
      where.push('archive = ?');
      params.push(filter.archive);
    }
    if (filter.from) {
      where.push('time_ms >= ?');
      params.push(filter.from.getTime());
    }
    if (filter.to) {
      where.push('time_ms < ?');
      params.push(filter.to.getTime());
    }
    if (filter.detailTypes) {
      where.push(`detail_type IN (${filter.detailTypes.map(() => '?').join(', ') || 'NULL'})`);
      params.push(...filter.detailTypes);
    }
    const sql = `SELECT COUNT(*) AS n FROM archive_events${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
    return Number(this.db.prepare(sql).get(...params)?.n ?? 0);
  }

  archiveStats(archive: string): { eventCount: number; sizeBytes: number } {
    const row = this.one(
      'SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(CAST(event AS BLOB))), 0) AS bytes FROM archive_events WHERE archive = ?',
      archive,
    );
    return { eventCount: Number(row.n), sizeBytes: Number(row.bytes) };
  }

  /**
   * Drops archived events older than the retention. Uses the event time (indexed) as the age,
   * which equals the archive time unless a client back-dated `Time` in PutEvents.
   */
  purgeArchive(archive: string, olderThanMs: number): number {
    return Number(
      this.statement('DELETE FROM archive_events WHERE archive = ? AND time_ms < ?').run(archive, olderThanMs).changes,
    );
  }

  maxArchiveSeq(): number {
    return Number(this.one('SELECT COALESCE(MAX(seq), 0) AS seq FROM archive_events').seq);
  }

  // ---- replays --------------------------------------------------------------------------------

  insertReplay(replay: ReplayRecord): void {
    this.statement(
      `INSERT INTO replays (name, archive, bus, description, state, state_reason, from_ms, to_ms, rule_filter,
         detail_type_filter, max_seq, cursor_time_ms, cursor_seq, started_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      replay.name,
      replay.archive,
      replay.bus,
      replay.description ?? null,
      replay.state,
      replay.stateReason ?? null,
      replay.fromMs,
      replay.toMs,
      replay.rules ? JSON.stringify(replay.rules) : null,
      replay.detailTypes ? JSON.stringify(replay.detailTypes) : null,
      replay.maxSeq,
      replay.cursorTimeMs,
      replay.cursorSeq,
      replay.startedMs,
    );
    for (const listener of this.listeners.replay) listener();
  }

  getReplay(name: string): ReplayRecord | undefined {
    const row = this.one('SELECT * FROM replays WHERE name = ?', name);
    return row ? toReplay(row) : undefined;
  }

  listReplays(): ReplayRecord[] {
    return this.statement('SELECT * FROM replays ORDER BY started_ms, name').all().map(toReplay);
  }

  /** Replays the runner still has work for. */
  activeReplays(): ReplayRecord[] {
    return this.statement(
      "SELECT * FROM replays WHERE state IN ('STARTING', 'RUNNING', 'CANCELLING') ORDER BY started_ms",
    )
      .all()
      .map(toReplay);
  }

  setReplayState(name: string, state: ReplayState, options: { reason?: string; endedMs?: number } = {}): void {
    this.statement('UPDATE replays SET state = ?, state_reason = ?, ended_ms = ? WHERE name = ?').run(
      state,
      options.reason ?? null,
      options.endedMs ?? null,
      name,
    );
  }

  /** The next archived events of a replay's window after its cursor, oldest event time first. */
  replayChunk(replay: ReplayRecord, limit: number): ArchivedEvent[] {
    return this.statement(
      `SELECT seq, time_ms, detail_type, event FROM archive_events
       WHERE archive = ? AND (time_ms, seq) > (?, ?) AND time_ms < ? AND seq <= ?
       ORDER BY time_ms, seq LIMIT ?`,
    )
      .all(replay.archive, replay.cursorTimeMs, replay.cursorSeq, replay.toMs, replay.maxSeq, limit)
      .map((r) => ({
        seq: Number(r.seq),
        timeMs: Number(r.time_ms),
        detailType: String(r.detail_type),
        json: String(r.event),
      }));
  }

  /**
   * Queues one chunk of replayed deliveries and moves the replay's cursor in the same transaction,
   * so a restart resumes exactly after the last chunk: no event is replayed twice or skipped.
   */
  advanceReplay(
    name: string,
    step: {
      cursor: { timeMs: number; seq: number };
      eventsReplayed: number;
      lastReplayedMs?: number;
      enqueuedAll: boolean;
      deliveries: ReadonlyArray<PendingDelivery & { eventId: string; body: string }>;
    },
    nowMs: number,
  ): void {
    const outbox = this.statement(
      `INSERT INTO outbox (event_id, rule, target_id, queue_url, body, replay_name, next_attempt_ms, created_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const cursor = this.statement(
      `UPDATE replays SET state = 'RUNNING', cursor_time_ms = ?, cursor_seq = ?, events_replayed = events_replayed + ?,
         deliveries = deliveries + ?, last_replayed_ms = COALESCE(?, last_replayed_ms), enqueued_all = ?
       WHERE name = ? AND state IN ('STARTING', 'RUNNING')`,
    );
    this.transaction(() => {
      for (const d of step.deliveries) {
        outbox.run(d.eventId, d.rule, d.targetId, d.queueUrl, d.body, name, nowMs, nowMs);
      }
      cursor.run(
        step.cursor.timeMs,
        step.cursor.seq,
        step.eventsReplayed,
        step.deliveries.length,
        step.lastReplayedMs ?? null,
        step.enqueuedAll ? 1 : 0,
        name,
      );
    });
    this.enqueued(step.deliveries.length);
  }

  // ---- internals ------------------------------------------------------------------------------

  /**
   * A restart usually follows a change (the targets came back, a fix was deployed), so rows that
   * were backing off become due at once instead of waiting out a backoff chosen by the previous run.
   * Their attempt counts are kept, so the retry limits still hold.
   */
  private resumeOutbox(nowMs: number): void {
    this.statement('UPDATE outbox SET next_attempt_ms = ? WHERE next_attempt_ms > ?').run(nowMs, nowMs);
  }

  private recordResources(nowMs: number): void {
    const insert = this.statement('INSERT OR IGNORE INTO resources (kind, name, created_ms) VALUES (?, ?, ?)');
    this.transaction(() => {
      for (const bus of this.topology.buses.values()) insert.run('bus', bus.name, nowMs);
      for (const archive of this.topology.archives.values()) insert.run('archive', archive.name, nowMs);
    });
  }

  private enqueued(count: number): void {
    if (count === 0) return;
    this.pendingDeliveries += count;
    for (const listener of this.listeners.enqueue) listener();
  }

  private transaction(work: () => void): void {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      work();
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  private statement(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private one(sql: string, ...params: SQLInputValue[]): Row {
    return this.statement(sql).get(...params) as Row;
  }
}

function prepareDataDir(dataDir: string, path: string): void {
  try {
    const stat = statSync(dataDir, { throwIfNoEntry: false });
    if (!stat) mkdirSync(dataDir, { recursive: true });
    else if (!stat.isDirectory()) throw new EventBridgeDataDirError(dataDir, 'is not a directory');
    accessSync(dataDir, constants.R_OK | constants.W_OK | constants.X_OK);
    const file = statSync(path, { throwIfNoEntry: false });
    if (file && !file.isFile()) throw new EventBridgeDataDirError(path, 'is not a regular file');
    if (file) accessSync(path, constants.R_OK | constants.W_OK);
  } catch (cause) {
    if (cause instanceof EventBridgeDataDirError) throw cause;
    throw new EventBridgeDataDirError(dataDir, `cannot be read or written: ${messageOf(cause)}`, { cause });
  }
}

/** Creates the schema in a new database; refuses a database that belongs to something else or a newer version. */
function ensureSchema(db: DatabaseSync, path: string): void {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
    .all()
    .map((r) => String(r.name));
  if (tables.length === 0) {
    db.exec(SCHEMA);
    const meta = db.prepare('INSERT INTO eventbridge_meta (key, value) VALUES (?, ?)');
    meta.run('app', APP_ID);
    meta.run('schema_version', String(SCHEMA_VERSION));
    return;
  }
  if (!tables.includes('eventbridge_meta')) {
    throw new EventBridgeDataDirError(path, 'is an SQLite database of something else; refusing to touch it');
  }
  const meta = Object.fromEntries(
    db
      .prepare('SELECT key, value FROM eventbridge_meta')
      .all()
      .map((r) => [String(r.key), String(r.value)]),
  );
  if (meta.app !== APP_ID) {
    throw new EventBridgeDataDirError(path, 'is an SQLite database of something else; refusing to touch it');
  }
  if (Number(meta.schema_version) !== SCHEMA_VERSION) {
    throw new EventBridgeDataDirError(
      path,
      `has schema version ${meta.schema_version}, this emulator understands ${SCHEMA_VERSION}; use a matching BEMS version`,
    );
  }
}

function toReplay(row: Row): ReplayRecord {
  const optional = (value: SQLInputValue | undefined) => (value === null || value === undefined ? undefined : value);
  const description = optional(row.description);
  const stateReason = optional(row.state_reason);
  const rules = optional(row.rule_filter);
  const detailTypes = optional(row.detail_type_filter);
  const lastReplayed = optional(row.last_replayed_ms);
  const ended = optional(row.ended_ms);
  return {
    name: String(row.name),
    archive: String(row.archive),
    bus: String(row.bus),
    ...(description !== undefined ? { description: String(description) } : {}),
    state: String(row.state) as ReplayState,
    ...(stateReason !== undefined ? { stateReason: String(stateReason) } : {}),
    fromMs: Number(row.from_ms),
    toMs: Number(row.to_ms),
    ...(rules !== undefined ? { rules: JSON.parse(String(rules)) as string[] } : {}),
    ...(detailTypes !== undefined ? { detailTypes: JSON.parse(String(detailTypes)) as string[] } : {}),
    maxSeq: Number(row.max_seq),
    cursorTimeMs: Number(row.cursor_time_ms),
    cursorSeq: Number(row.cursor_seq),
    eventsReplayed: Number(row.events_replayed),
    deliveries: Number(row.deliveries),
    ...(lastReplayed !== undefined ? { lastReplayedMs: Number(lastReplayed) } : {}),
    enqueuedAll: Number(row.enqueued_all) === 1,
    startedMs: Number(row.started_ms),
    ...(ended !== undefined ? { endedMs: Number(ended) } : {}),
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

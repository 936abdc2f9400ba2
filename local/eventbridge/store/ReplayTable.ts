import type { SQLOutputValue } from 'node:sqlite';
import type { StatementCache } from '../../sqlite/StatementCache.ts';

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

/** How far one chunk moved a replay. */
export interface ReplayProgress {
  readonly cursor: { timeMs: number; seq: number };
  readonly eventsReplayed: number;
  readonly lastReplayedMs?: number;
  readonly enqueuedAll: boolean;
}

type Row = Record<string, SQLOutputValue>;

/** `replays`: every replay started on this data directory, with its cursor into the archive. */
export class ReplayTable {
  private readonly insertListeners = new Set<() => void>();

  constructor(private readonly sql: StatementCache) {}

  /** Called after a replay was created (wakes the replay runner). */
  onInsert(listener: () => void): () => void {
    this.insertListeners.add(listener);
    return () => this.insertListeners.delete(listener);
  }

  insert(replay: ReplayRecord): void {
    this.sql
      .get(
        `INSERT INTO replays (name, archive, bus, description, state, state_reason, from_ms, to_ms, rule_filter,
         detail_type_filter, max_seq, cursor_time_ms, cursor_seq, started_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
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
    for (const listener of this.insertListeners) listener();
  }

  get(name: string): ReplayRecord | undefined {
    const row = this.sql.first('SELECT * FROM replays WHERE name = ?', name);
    return row ? toReplay(row) : undefined;
  }

  list(): ReplayRecord[] {
    return this.sql.get('SELECT * FROM replays ORDER BY started_ms, name').all().map(toReplay);
  }

  /** Replays the runner still has work for. */
  active(): ReplayRecord[] {
    return this.sql
      .get("SELECT * FROM replays WHERE state IN ('STARTING', 'RUNNING', 'CANCELLING') ORDER BY started_ms")
      .all()
      .map(toReplay);
  }

  setState(name: string, state: ReplayState, options: { reason?: string; endedMs?: number } = {}): void {
    this.sql
      .get('UPDATE replays SET state = ?, state_reason = ?, ended_ms = ? WHERE name = ?')
      .run(state, options.reason ?? null, options.endedMs ?? null, name);
  }

  /** Moves a running replay's cursor; runs inside the transaction that queues the chunk's deliveries. */
  advance(name: string, progress: ReplayProgress, deliveries: number): void {
    this.sql
      .get(
        `UPDATE replays SET state = 'RUNNING', cursor_time_ms = ?, cursor_seq = ?, events_replayed = events_replayed + ?,
         deliveries = deliveries + ?, last_replayed_ms = COALESCE(?, last_replayed_ms), enqueued_all = ?
       WHERE name = ? AND state IN ('STARTING', 'RUNNING')`,
      )
      .run(
        progress.cursor.timeMs,
        progress.cursor.seq,
        progress.eventsReplayed,
        deliveries,
        progress.lastReplayedMs ?? null,
        progress.enqueuedAll ? 1 : 0,
        name,
      );
  }
}

function toReplay(row: Row): ReplayRecord {
  const optional = (value: SQLOutputValue | undefined) => (value === null || value === undefined ? undefined : value);
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

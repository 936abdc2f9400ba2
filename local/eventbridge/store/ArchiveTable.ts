import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import { inImmediateTransaction } from '../../sqlite/inImmediateTransaction.ts';
import type { StatementCache } from '../../sqlite/StatementCache.ts';
import type { ReplayRecord } from './ReplayTable.ts';

export interface ArchivedEvent {
  readonly seq: number;
  readonly timeMs: number;
  readonly detailType: string;
  readonly json: string;
}

export interface ArchiveFilter {
  /** Archive name; default every archive. */
  readonly archive?: string;
  readonly detailTypes?: readonly string[];
  /** Inclusive lower bound on the event time. */
  readonly from?: Date;
  /** Exclusive upper bound on the event time. */
  readonly to?: Date;
}

/** The part of a replay that says which archived events it still has to read. */
export type ReplayWindow = Pick<ReplayRecord, 'archive' | 'cursorTimeMs' | 'cursorSeq' | 'toMs' | 'maxSeq'>;

/** `archive_events`: every event accepted on a bus that has an archive, in arrival order (`seq`). */
export class ArchiveTable {
  constructor(
    private readonly db: DatabaseSync,
    private readonly sql: StatementCache,
  ) {}

  /** Keeps one accepted event; runs inside the caller's transaction. Returns its `seq`. */
  insert(
    archive: string,
    event: { eventId: string; timeMs: number; detailType: string; json: string },
    nowMs: number,
  ): number {
    const result = this.sql
      .get(
        'INSERT INTO archive_events (archive, event_id, time_ms, received_ms, detail_type, event) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(archive, event.eventId, event.timeMs, nowMs, event.detailType, event.json);
    return Number(result.lastInsertRowid);
  }

  count(filter: ArchiveFilter = {}): number {
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
    // Not cached: the SQL text varies with the filter.
    return Number(this.db.prepare(sql).get(...params)?.n ?? 0);
  }

  stats(archive: string): { eventCount: number; sizeBytes: number } {
    const row = this.sql.first(
      'SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(CAST(event AS BLOB))), 0) AS bytes FROM archive_events WHERE archive = ?',
      archive,
    );
    return { eventCount: Number(row?.n), sizeBytes: Number(row?.bytes) };
  }

  /**
   * Drops archived events older than the retention. Uses the event time (indexed) as the age,
   * which equals the archive time unless a client back-dated `Time` in PutEvents.
   */
  purge(archive: string, olderThanMs: number): number {
    return inImmediateTransaction(this.db, () => {
      // A delivery still waiting for one of these events keeps the event: it gets its own copy first.
      this.sql
        .get(
          `UPDATE outbox SET body = (SELECT event FROM archive_events a WHERE a.seq = outbox.archive_seq), archive_seq = NULL
           WHERE archive_seq IN (SELECT seq FROM archive_events WHERE archive = ? AND time_ms < ?)`,
        )
        .run(archive, olderThanMs);
      const purged = this.sql
        .get('DELETE FROM archive_events WHERE archive = ? AND time_ms < ?')
        .run(archive, olderThanMs);
      return Number(purged.changes);
    });
  }

  maxSeq(): number {
    return Number(this.sql.first('SELECT COALESCE(MAX(seq), 0) AS seq FROM archive_events')?.seq);
  }

  /** The next archived events of a replay's window after its cursor, oldest event time first. */
  chunkAfter(window: ReplayWindow, limit: number): ArchivedEvent[] {
    return this.sql
      .get(
        `SELECT seq, time_ms, detail_type, event FROM archive_events
       WHERE archive = ? AND (time_ms, seq) > (?, ?) AND time_ms < ? AND seq <= ?
       ORDER BY time_ms, seq LIMIT ?`,
      )
      .all(window.archive, window.cursorTimeMs, window.cursorSeq, window.toMs, window.maxSeq, limit)
      .map((r) => ({
        seq: Number(r.seq),
        timeMs: Number(r.time_ms),
        detailType: String(r.detail_type),
        json: String(r.event),
      }));
  }
}

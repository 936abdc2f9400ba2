import type { DatabaseSync } from 'node:sqlite';
import { inImmediateTransaction } from '../../sqlite/inImmediateTransaction.ts';
import type { StatementCache } from '../../sqlite/StatementCache.ts';

export interface PendingDelivery {
  readonly rule: string;
  readonly targetId: string;
  readonly queueUrl: string;
}

/** A delivery to queue: which target, and the event as the target receives it. */
export type OutboxEntry = PendingDelivery & { readonly eventId: string; readonly body: string };

export interface OutboxRow {
  readonly id: number;
  readonly queueUrl: string;
  readonly body: string;
  readonly attempts: number;
  readonly createdMs: number;
}

/** What a queued delivery sends: its own copy of the event, or the archived event as it was archived. */
export type OutboxBody = { readonly json: string } | { readonly archiveSeq: number };

/** A row's body: its own, or the archived event it names (schema.ts, `OUTBOX_DDL`). */
const BODY = 'COALESCE(o.body, a.event)';
const WITH_ARCHIVED_BODY = 'outbox o LEFT JOIN archive_events a ON a.seq = o.archive_seq';

/** What happened to the rows of one delivery round; applied in one transaction. */
export interface DeliveryOutcome {
  readonly delivered: readonly number[];
  readonly retry: ReadonlyArray<{ id: number; attempts: number; nextAttemptMs: number; error: string }>;
  readonly dead: ReadonlyArray<{ id: number; attempts: number; error: string }>;
}

/**
 * `outbox`: deliveries (event × matching target) waiting for SQS to confirm them, live and
 * replayed alike; `outbox_dead`: the ones that exhausted their retries (EventBridge would send them
 * to the target's DLQ). Keeps the number of waiting rows in memory, so the depth costs no query.
 */
export class Outbox {
  private readonly enqueueListeners = new Set<() => void>();
  private pending: number;

  constructor(
    private readonly db: DatabaseSync,
    private readonly sql: StatementCache,
  ) {
    this.pending = Number(this.sql.first('SELECT COUNT(*) AS n FROM outbox')?.n);
  }

  get depth(): number {
    return this.pending;
  }

  /** Called after every commit that added rows (wakes the deliverer). */
  onEnqueue(listener: () => void): () => void {
    this.enqueueListeners.add(listener);
    return () => this.enqueueListeners.delete(listener);
  }

  /** Queues one delivery; runs inside the caller's transaction, which calls {@link enqueued} after its commit. */
  insert(eventId: string, delivery: PendingDelivery, body: OutboxBody, replayName: string | null, nowMs: number): void {
    const [json, archiveSeq] = 'json' in body ? [body.json, null] : [null, body.archiveSeq];
    this.sql
      .get(
        `INSERT INTO outbox (event_id, rule, target_id, queue_url, body, archive_seq, replay_name, next_attempt_ms, created_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(eventId, delivery.rule, delivery.targetId, delivery.queueUrl, json, archiveSeq, replayName, nowMs, nowMs);
  }

  /** `count` rows were committed: count them and wake the deliverer. */
  enqueued(count: number): void {
    if (count === 0) return;
    this.pending += count;
    for (const listener of this.enqueueListeners) listener();
  }

  due(nowMs: number, limit: number): OutboxRow[] {
    return this.sql
      .get(
        `SELECT o.id, o.queue_url, ${BODY} AS body, o.attempts, o.created_ms FROM ${WITH_ARCHIVED_BODY}
         WHERE o.next_attempt_ms <= ? ORDER BY o.next_attempt_ms, o.id LIMIT ?`,
      )
      .all(nowMs, limit)
      .map((r) => ({
        id: Number(r.id),
        queueUrl: String(r.queue_url),
        body: bodyOf(r.id, r.body),
        attempts: Number(r.attempts),
        createdMs: Number(r.created_ms),
      }));
  }

  /** Epoch ms when the next row is due; undefined when the outbox is empty. */
  nextDueMs(): number | undefined {
    const row = this.sql.first('SELECT MIN(next_attempt_ms) AS due FROM outbox');
    return row?.due == null ? undefined : Number(row.due);
  }

  applyOutcome(outcome: DeliveryOutcome, nowMs: number): void {
    const remove = this.sql.get('DELETE FROM outbox WHERE id = ?');
    const retry = this.sql.get('UPDATE outbox SET attempts = ?, next_attempt_ms = ?, last_error = ? WHERE id = ?');
    const bury = this.sql.get(
      `INSERT INTO outbox_dead (id, event_id, rule, target_id, queue_url, body, replay_name, attempts, created_ms, dead_ms, last_error)
       SELECT o.id, o.event_id, o.rule, o.target_id, o.queue_url, ${BODY}, o.replay_name, ?, o.created_ms, ?, ?
       FROM ${WITH_ARCHIVED_BODY} WHERE o.id = ?`,
    );
    let removed = 0;
    inImmediateTransaction(this.db, () => {
      for (const id of outcome.delivered) removed += Number(remove.run(id).changes);
      for (const r of outcome.retry) retry.run(r.attempts, r.nextAttemptMs, r.error, r.id);
      for (const d of outcome.dead) {
        bury.run(d.attempts, nowMs, d.error, d.id);
        removed += Number(remove.run(d.id).changes);
      }
    });
    this.pending -= removed;
  }

  /** Deliveries that exhausted their retries, all or those of one replay. */
  deadLetterCount(replayName?: string): number {
    return replayName === undefined
      ? Number(this.sql.first('SELECT COUNT(*) AS n FROM outbox_dead')?.n)
      : Number(this.sql.first('SELECT COUNT(*) AS n FROM outbox_dead WHERE replay_name = ?', replayName)?.n);
  }

  pendingForReplay(replayName: string): number {
    return Number(this.sql.first('SELECT COUNT(*) AS n FROM outbox WHERE replay_name = ?', replayName)?.n);
  }

  /**
   * A restart usually follows a change (the targets came back, a fix was deployed), so rows that
   * were backing off become due at once instead of waiting out a backoff chosen by the previous run.
   * Their attempt counts are kept, so the retry limits still hold.
   */
  resume(nowMs: number): void {
    this.sql.get('UPDATE outbox SET next_attempt_ms = ? WHERE next_attempt_ms > ?').run(nowMs, nowMs);
  }
}

/** The archived event of a row cannot be missing (a purge copies it into the row first); if it were, say so rather than send nothing. */
function bodyOf(id: unknown, body: unknown): string {
  if (typeof body !== 'string') throw new Error(`outbox row ${String(id)} has no body: its archived event is gone`);
  return body;
}

import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { EventBridgeStore } from './EventBridgeStore.ts';
import type { DeliveryOptions, EmulatorLogger, SendMessageBatch } from './options.ts';
import type { DeliveryOutcome, OutboxRow } from './store/Outbox.ts';
import { WakeableSleep } from './WakeableSleep.ts';

/** SQS SendMessageBatch limits: 10 entries; we stay under the classic 256 KB total so any SQS accepts the batch. */
const MAX_BATCH_ENTRIES = 10;
const MAX_BATCH_BYTES = 256 * 1024;
/** Pause after the outbox itself failed (e.g. disk full), so the loop neither spins nor floods the log. */
const ERROR_PAUSE_MS = 1000;

export interface DeliveryStats {
  /** Outbox rows waiting for delivery (new or retrying). */
  readonly pending: number;
  /** Deliveries SQS confirmed since start. */
  readonly delivered: number;
  /** Failed delivery attempts since start (each is retried or dead-lettered). */
  readonly failedAttempts: number;
  /** Deliveries that exhausted their retries, in the data directory (all time). */
  readonly deadLettered: number;
  /** SendMessageBatch calls since start. */
  readonly sendCalls: number;
}

/**
 * Sends outbox rows to their SQS targets and removes a row only after SQS confirmed it.
 *
 * Works in rounds: after new rows arrive, wait `batchWindowMs` for more, read up to `roundSize`
 * due rows, send them as batches (≤10 per queue) with bounded concurrency, then record the outcome
 * of the whole round in one transaction — one commit per round rather than per message keeps
 * thousands of events per second cheap.
 *
 * Transient failures (a failed entry, a thrown error, a timeout) are retried with exponential
 * backoff and jitter, like an EventBridge target's retry policy, until `maxAttempts` or
 * `maxEventAgeMs` is exhausted. Then — or at once for an entry the sender reports as permanent —
 * the row moves to the `outbox_dead` table (the equivalent of a target DLQ) and is logged as an
 * error: never dropped silently. The archive
 * keeps the event too, so a replay can recover it. Delivery is at-least-once: if the process dies
 * between SQS's answer and the round's commit, the rows are sent again on restart (consumers
 * deduplicate by eventId, DESIGN §3).
 */
export class OutboxDeliverer {
  private loopDone?: Promise<void>;
  private readonly pause = new WakeableSleep();
  private dirty = false;
  private stopping = false;
  /** Set when stop() gave up waiting: results still arriving must not touch the closed store. */
  private abandoned = false;
  private drainDeadline = Number.POSITIVE_INFINITY;
  private unsubscribe?: () => void;
  private counters = { delivered: 0, failedAttempts: 0, sendCalls: 0 };

  constructor(
    private readonly store: EventBridgeStore,
    private readonly send: SendMessageBatch,
    private readonly options: DeliveryOptions,
    private readonly logger: EmulatorLogger,
    private readonly random: () => number = Math.random,
  ) {}

  start(): void {
    if (this.loopDone) return;
    this.unsubscribe = this.store.outbox.onEnqueue(() => this.notify());
    this.loopDone = this.loop();
  }

  /** New rows were committed: start a round now rather than at the next poll. */
  notify(): void {
    this.dirty = true;
    this.pause.wake();
  }

  stats(): DeliveryStats {
    return {
      pending: this.store.outbox.depth,
      delivered: this.counters.delivered,
      failedAttempts: this.counters.failedAttempts,
      deadLettered: this.store.isClosed ? 0 : this.store.outbox.deadLetterCount(),
      sendCalls: this.counters.sendCalls,
    };
  }

  /**
   * Keeps delivering due rows for up to `drainTimeoutMs`, then stops. Rows left over (not yet due,
   * or still failing) stay in the outbox and are delivered after the next start.
   */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    if (!this.loopDone) return;
    this.stopping = true;
    this.drainDeadline = Date.now() + this.options.drainTimeoutMs;
    this.pause.wake();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.options.drainTimeoutMs + 100);
    });
    const result = await Promise.race([this.loopDone.then(() => 'done' as const), deadline]);
    clearTimeout(timer);
    if (result === 'timeout') {
      this.abandoned = true;
      this.logger.warn('EventBridge emulator: stopped with deliveries in flight; they resume after restart', {
        pending: this.store.outbox.depth,
      });
    }
  }

  /** The delivery loop must outlive any single failure: an unexpected error is logged and the loop goes on. */
  private async loop(): Promise<void> {
    while (!this.abandoned) {
      try {
        if ((await this.iterate()) === 'done') return;
      } catch (error) {
        if (this.store.isClosed || this.stopping) return;
        this.logger.error('EventBridge emulator: delivery loop error; continuing', { error: String(error) });
        await this.sleep(ERROR_PAUSE_MS);
      }
    }
  }

  private async iterate(): Promise<'done' | 'again'> {
    if (this.dirty && !this.stopping && this.store.outbox.depth < this.options.roundSize) {
      await delay(this.options.batchWindowMs);
    }
    this.dirty = false;
    let rows: OutboxRow[];
    try {
      rows = this.store.outbox.due(Date.now(), this.options.roundSize);
    } catch (error) {
      if (this.store.isClosed) return 'done';
      this.logger.error('EventBridge emulator: cannot read the outbox; retrying', { error: String(error) });
      if (this.stopping) return 'done';
      await this.sleep(ERROR_PAUSE_MS);
      return 'again';
    }
    if (rows.length === 0) {
      if (this.stopping) return 'done';
      await this.sleep(this.idleDelay());
      return 'again';
    }
    const recorded = await this.deliverRound(rows);
    if (this.stopping && (!recorded || Date.now() >= this.drainDeadline)) return 'done';
    // Unrecorded rows are still due: pause rather than re-send them in a tight loop.
    if (!recorded) await this.sleep(ERROR_PAUSE_MS);
    // A sender that settles without I/O (in-process) would otherwise keep the loop in microtasks
    // and starve the HTTP server and timers while a large backlog drains.
    else await yieldToEventLoop();
    return 'again';
  }

  /** Sends one round; false when its outcome could not be recorded. */
  private async deliverRound(rows: readonly OutboxRow[]): Promise<boolean> {
    const batches = toBatches(rows);
    const outcome: {
      delivered: number[];
      retry: DeliveryOutcome['retry'][number][];
      dead: DeliveryOutcome['dead'][number][];
    } = { delivered: [], retry: [], dead: [] };
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        await this.deliverBatch(batch, outcome);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.maxConcurrentBatches, batches.length) }, worker));
    if (this.abandoned || this.store.isClosed) return true;
    try {
      this.store.outbox.applyOutcome(outcome, Date.now());
    } catch (error) {
      // The rows stay pending and are sent again: a duplicate, never a loss.
      this.logger.error('EventBridge emulator: cannot record delivery results; rows will be re-sent', {
        error: String(error),
      });
      return false;
    }
    this.counters.delivered += outcome.delivered.length;
    for (const dead of outcome.dead) {
      this.logger.error(
        'EventBridge emulator: delivery dead-lettered (outbox_dead); recover it with an archive replay',
        {
          outboxId: dead.id,
          attempts: dead.attempts,
          error: dead.error,
        },
      );
    }
    return true;
  }

  private async deliverBatch(
    batch: Batch,
    outcome: {
      delivered: number[];
      retry: DeliveryOutcome['retry'][number][];
      dead: DeliveryOutcome['dead'][number][];
    },
  ): Promise<void> {
    let failed: Set<string>;
    let permanent = new Set<string>();
    let error = 'SendMessageBatch reported the entry as failed';
    this.counters.sendCalls++;
    try {
      const entries = batch.rows.map((row) => ({ Id: String(row.id), MessageBody: row.body }));
      const result = await withTimeout(this.send(batch.queueUrl, entries), this.options.sendTimeoutMs);
      failed = new Set(result.failedIds);
      permanent = new Set(result.permanentIds ?? []);
    } catch (cause) {
      failed = new Set(batch.rows.map((row) => String(row.id)));
      error = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    }
    const now = Date.now();
    for (const row of batch.rows) {
      if (!failed.has(String(row.id))) {
        outcome.delivered.push(row.id);
        continue;
      }
      this.counters.failedAttempts++;
      const attempts = row.attempts + 1;
      if (permanent.has(String(row.id))) {
        outcome.dead.push({ id: row.id, attempts, error: `permanent: ${error}` });
      } else if (attempts >= this.options.maxAttempts || now - row.createdMs >= this.options.maxEventAgeMs) {
        outcome.dead.push({ id: row.id, attempts, error });
      } else {
        outcome.retry.push({ id: row.id, attempts, nextAttemptMs: now + this.backoffMs(attempts), error });
      }
    }
    if (failed.size > 0) {
      this.logger.warn('EventBridge emulator: delivery failed, will retry', {
        queueUrl: batch.queueUrl,
        failed: failed.size,
        of: batch.rows.length,
        error,
      });
    }
  }

  /** Exponential backoff with "equal jitter": half the step is fixed, half random, so retries spread out but never spin. */
  private backoffMs(attempts: number): number {
    const step = Math.min(this.options.maxBackoffMs, this.options.baseBackoffMs * 2 ** (attempts - 1));
    return Math.round(step / 2 + this.random() * (step / 2));
  }

  private idleDelay(): number {
    if (this.dirty || this.store.isClosed) return 0;
    let due: number | undefined;
    try {
      due = this.store.outbox.nextDueMs();
    } catch {
      return ERROR_PAUSE_MS;
    }
    if (due === undefined) return this.options.idlePollMs;
    return Math.max(0, Math.min(this.options.idlePollMs, due - Date.now()));
  }

  private async sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.dirty || this.stopping) return;
    await this.pause.sleep(ms);
  }
}

interface Batch {
  readonly queueUrl: string;
  readonly rows: OutboxRow[];
}

/** Groups rows by queue, in outbox order, into batches within SQS's entry and size limits. */
function toBatches(rows: readonly OutboxRow[]): Batch[] {
  const open = new Map<string, { batch: Batch; bytes: number }>();
  const batches: Batch[] = [];
  for (const row of rows) {
    const bytes = Buffer.byteLength(row.body, 'utf8');
    let current = open.get(row.queueUrl);
    if (current && (current.batch.rows.length >= MAX_BATCH_ENTRIES || current.bytes + bytes > MAX_BATCH_BYTES)) {
      current = undefined;
    }
    if (!current) {
      current = { batch: { queueUrl: row.queueUrl, rows: [] }, bytes: 0 };
      open.set(row.queueUrl, current);
      batches.push(current.batch);
    }
    current.batch.rows.push(row);
    current.bytes += bytes;
  }
  return batches;
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`SendMessageBatch did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

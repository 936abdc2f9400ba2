import { createHash } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { RetryClock, RetryPolicy } from '../retry.ts';
import { type DlqMessage, decodeDlqMessage } from './DlqMessage.ts';
import type { DlqRoute } from './DlqRoute.ts';
import { type MoveOutcome, moveBatch } from './moveBatch.ts';
import { type RateClock, RateLimiter, systemRateClock } from './RateLimiter.ts';
import { receiveWithAttributes, releaseMessages, SQS_BATCH_LIMIT } from './sqsCalls.ts';

/** What to do with one DLQ message: move it back, leave it, or leave it as parked (budget spent). */
export type RedriveDecision = 'redrive' | 'skip' | 'park';

export interface RedriveProgress {
  readonly scanned: number;
  readonly redriven: number;
  readonly skipped: number;
  readonly parked: number;
  readonly failed: number;
}

export interface RedriveOptions {
  readonly sqs: SQSClient;
  readonly route: DlqRoute;
  /** Which messages to move; every message by default. */
  readonly select?: (message: DlqMessage) => RedriveDecision;
  /** Messages per second moved back. @default 50 */
  readonly ratePerSecond?: number;
  /** Stop after this many messages were moved (or selected, in a dry run). */
  readonly maxMessages?: number;
  /** Epoch ms after which no new receive starts (the monitor must finish inside its schedule). */
  readonly deadlineMs?: number;
  /** Decide and count, move nothing: every looked-at message is released unchanged. */
  readonly dryRun?: boolean;
  /** Stops the run between batches: the batch in hand is finished (sent messages are deleted), the rest released. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: RedriveProgress) => void;
  /** Seconds a looked-at but not moved message stays hidden while the scan goes on. @default 120 */
  readonly holdSeconds?: number;
  /** Long-poll wait of each receive; ≥ 1 makes an empty answer trustworthy on AWS. @default 1 */
  readonly waitTimeSeconds?: number;
  /** Retries of SendMessageBatch entries that failed transiently. */
  readonly retryPolicy?: RetryPolicy;
  readonly clock?: RateClock & Partial<Pick<RetryClock, 'random'>>;
  /**
   * Where the selected messages go, deleting from the DLQ what arrived: back to the source queue
   * (`moveBatch`) by default; `parkDlq` passes one that copies them into the parked store.
   */
  readonly mover?: BatchMover;
  /**
   * Keep a FIFO source's order and move an event at most once per run (a redrive must not let an
   * invoice's events overtake each other). Off for parking: every selected message leaves. @default true
   */
  readonly orderedByGroup?: boolean;
  /** Runs before each batch is moved (the CLI counts the events already recorded, before they are sent). */
  readonly beforeMove?: (messages: readonly DlqMessage[]) => Promise<void>;
}

/** Moves a batch of received DLQ messages somewhere and deletes from the DLQ what arrived there. */
export type BatchMover = (messages: readonly DlqMessage[]) => Promise<MoveOutcome>;

/** One message as the summary lists it. */
export interface RedriveItem {
  readonly messageId: string;
  readonly eventId?: string;
  readonly invoiceId?: string;
  readonly redriveCount: number;
}

export interface RedriveResult {
  readonly route: DlqRoute;
  readonly dryRun: boolean;
  /** Distinct messages looked at. */
  readonly scanned: number;
  /** Moved back to the source queue (sent and deleted from the DLQ); in a dry run: would be. */
  readonly redriven: number;
  readonly skipped: number;
  readonly parked: number;
  /** Could not be sent; they stay in the DLQ. */
  readonly failed: readonly (RedriveItem & { readonly error: string })[];
  /** Sent but not deleted: they come back to the DLQ and a later redrive sends them again (absorbed by idempotency). */
  readonly deleteFailed: number;
  readonly stoppedBy: 'empty' | 'limit' | 'deadline' | 'aborted';
  /** The first messages moved (or selected, in a dry run), for the summary. */
  readonly samples: readonly RedriveItem[];
  readonly parkedSamples: readonly RedriveItem[];
}

const SAMPLE_LIMIT = 20;
/** Receives in a row that bring nothing new before the scan counts the queue as done. */
const STALE_RECEIVES_TO_STOP = 3;

/**
 * Moves messages from a DLQ back to its source queue: receive, decide, SendMessage(Batch) to the
 * source (same FIFO group, fresh deduplication id, redrive count + 1 on the message), and delete
 * from the DLQ only after the send succeeded. Whatever is interrupted — the process, the network —
 * a message is at worst in both queues for a moment, never in neither; the duplicate is dropped by
 * FIFO deduplication (same id on a re-run within 5 minutes) or by eventId idempotency at the store.
 *
 * Messages not moved are held invisible while the scan goes on (so the scan moves forward instead
 * of seeing them again) and released together at the end. Within one run an event is moved at most
 * once: if it fails again and returns to the DLQ while the run is still going, it is left there.
 */
export async function redriveDlq(options: RedriveOptions): Promise<RedriveResult> {
  const scan = new RedriveScan(options);
  try {
    for (;;) {
      const stop = scan.reasonToStop();
      if (stop) {
        scan.stoppedBy = stop;
        break;
      }
      const received = await scan.receive();
      if (received === 'aborted') {
        scan.stoppedBy = 'aborted';
        break;
      }
      if (received.length === 0) break;
      const toMove = scan.sort(received);
      if (scan.isStale()) {
        scan.hold(toMove);
        break;
      }
      if (toMove.length > 0 && !(await scan.move(toMove))) break;
      scan.progress();
    }
  } finally {
    await releaseMessages(options.sqs, options.route.dlq.url, scan.held);
  }
  scan.progress();
  return scan.result();
}

/** The state of one redrive run: what was seen, moved, held back, and the counts of the summary. */
class RedriveScan {
  readonly held: string[] = [];
  stoppedBy: RedriveResult['stoppedBy'] = 'empty';
  readonly #options: RedriveOptions;
  readonly #clock: RateLimiterClock;
  readonly #limiter: RateLimiter;
  readonly #select: (message: DlqMessage) => RedriveDecision;
  readonly #seenMessages = new Set<string>();
  readonly #movedEvents = new Set<string>();
  readonly #heldGroups = new Set<string>();
  readonly #attempted = new Set<string>();
  readonly #failed: (RedriveItem & { error: string })[] = [];
  readonly #samples: RedriveItem[] = [];
  readonly #parkedSamples: RedriveItem[] = [];
  #redriven = 0;
  #skipped = 0;
  #parked = 0;
  #deleteFailed = 0;
  #staleReceives = 0;

  constructor(options: RedriveOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemRateClock;
    this.#limiter = new RateLimiter(options.ratePerSecond ?? 50, this.#clock);
    this.#select = options.select ?? (() => 'redrive');
  }

  /** Why no further receive starts (aborted, limit reached, past the deadline), if so. */
  reasonToStop(): RedriveResult['stoppedBy'] | undefined {
    if (this.#options.signal?.aborted) return 'aborted';
    if (this.#limitReachedWith(0)) return 'limit';
    if (this.#options.deadlineMs !== undefined && this.#clock.now() >= this.#options.deadlineMs) return 'deadline';
    return undefined;
  }

  async receive(): Promise<Awaited<ReturnType<typeof receiveWithAttributes>> | 'aborted'> {
    const { sqs, route, signal } = this.#options;
    try {
      return await receiveWithAttributes(
        sqs,
        route.dlq.url,
        {
          max: SQS_BATCH_LIMIT,
          visibilitySeconds: this.#options.holdSeconds ?? 120,
          waitTimeSeconds: this.#options.waitTimeSeconds ?? 1,
        },
        signal,
      );
    } catch (error) {
      if (signal?.aborted) return 'aborted';
      throw error;
    }
  }

  /** Decides every received message: returns those to move; the others are held (and counted). */
  sort(received: Awaited<ReturnType<typeof receiveWithAttributes>>): DlqMessage[] {
    const { route } = this.#options;
    const toMove: DlqMessage[] = [];
    let fresh = 0;
    for (const raw of received) {
      const message = decodeDlqMessage(raw, route);
      if (!this.#seenMessages.has(message.messageId)) fresh++;
      this.#seenMessages.add(message.messageId);
      const key = eventKey(message);
      // A later message of an invoice whose earlier message stays behind must stay too: moving it
      // alone would let the invoice's events overtake each other in the FIFO source queue.
      const blocked = message.groupId !== undefined && this.#heldGroups.has(message.groupId);
      const ordered = this.#options.orderedByGroup ?? true;
      // Unordered (parking): each message is tried once per run, whatever became of the try.
      const done = ordered ? this.#movedEvents.has(key) || blocked : this.#attempted.has(message.messageId);
      const decision: RedriveDecision = done ? 'skip' : this.#select(message);
      if (decision === 'redrive' && !this.#limitReachedWith(toMove.length)) {
        toMove.push(message);
        continue;
      }
      this.held.push(message.receiptHandle);
      if (route.source.fifo && message.groupId !== undefined) this.#heldGroups.add(message.groupId);
      if (decision === 'park') {
        this.#parked++;
        if (this.#parkedSamples.length < SAMPLE_LIMIT) this.#parkedSamples.push(item(message));
      } else if (decision === 'skip') this.#skipped++;
    }
    this.#staleReceives = fresh === 0 ? this.#staleReceives + 1 : 0;
    return toMove;
  }

  /** Receives in a row brought nothing new: the scan has seen the whole queue. */
  isStale(): boolean {
    return this.#staleReceives >= STALE_RECEIVES_TO_STOP;
  }

  hold(messages: readonly DlqMessage[]): void {
    this.held.push(...messages.map((m) => m.receiptHandle));
  }

  /** Moves (or, in a dry run, counts) messages within the rate; false when the run was aborted meanwhile. */
  async move(toMove: readonly DlqMessage[]): Promise<boolean> {
    const { sqs, route, signal } = this.#options;
    if (this.#options.dryRun) {
      this.hold(toMove);
      for (const message of toMove) this.#movedEvents.add(eventKey(message));
      this.#redriven += toMove.length;
      for (const message of toMove) if (this.#samples.length < SAMPLE_LIMIT) this.#samples.push(item(message));
      return true;
    }
    if (!(await this.#limiter.take(toMove.length, signal))) {
      this.hold(toMove);
      this.stoppedBy = 'aborted';
      this.progress();
      return false;
    }
    for (const message of toMove) this.#attempted.add(message.messageId);
    await this.#options.beforeMove?.(toMove);
    const outcome = this.#options.mover
      ? await this.#options.mover(toMove)
      : await moveBatch(sqs, route, toMove, this.#clock, this.#options.retryPolicy);
    for (const message of outcome.sent) {
      this.#movedEvents.add(eventKey(message));
      if (this.#samples.length < SAMPLE_LIMIT) this.#samples.push(item(message));
    }
    this.#redriven += outcome.sent.length;
    this.#deleteFailed += outcome.notDeleted.length;
    // Sent but still in the DLQ: made visible again so a re-run sends them at once (the copy
    // already sent has the same deduplication id, and the store records an eventId once).
    this.hold(outcome.notDeleted);
    for (const { message, error } of outcome.failed) {
      this.held.push(message.receiptHandle);
      this.#failed.push({ ...item(message), error });
    }
    return true;
  }

  progress(): void {
    this.#options.onProgress?.({
      scanned: this.#seenMessages.size,
      redriven: this.#redriven,
      skipped: this.#skipped,
      parked: this.#parked,
      failed: this.#failed.length,
    });
  }

  result(): RedriveResult {
    return {
      route: this.#options.route,
      dryRun: this.#options.dryRun ?? false,
      scanned: this.#seenMessages.size,
      redriven: this.#redriven,
      skipped: this.#skipped,
      parked: this.#parked,
      failed: this.#failed,
      deleteFailed: this.#deleteFailed,
      stoppedBy: this.stoppedBy,
      samples: this.#samples,
      parkedSamples: this.#parkedSamples,
    };
  }

  #limitReachedWith(pending: number): boolean {
    return this.#options.maxMessages !== undefined && this.#redriven + pending >= this.#options.maxMessages;
  }
}

type RateLimiterClock = NonNullable<RedriveOptions['clock']>;

function item(message: DlqMessage): RedriveItem {
  return {
    messageId: message.messageId,
    ...(message.eventId !== undefined ? { eventId: message.eventId } : {}),
    ...(message.invoiceId !== undefined ? { invoiceId: message.invoiceId } : {}),
    redriveCount: message.redriveCount,
  };
}

/** The identity of the event a message carries (the body when it cannot be read). */
function eventKey(message: DlqMessage): string {
  return message.eventId ?? `body:${createHash('sha256').update(message.body).digest('hex')}`;
}

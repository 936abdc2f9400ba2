import { createHash } from 'node:crypto';
import {
  DeleteMessageBatchCommand,
  SendMessageBatchCommand,
  type SendMessageBatchCommandOutput,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { classifyAwsError } from '../errors.ts';
import { DEFAULT_RETRY_POLICY, type RetryClock, type RetryPolicy, retryPending } from '../retry.ts';
import { type DlqMessage, decodeDlqMessage, redriveDeduplicationId, redriveMessageAttributes } from './DlqMessage.ts';
import type { DlqRoute } from './DlqRoute.ts';
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
}

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
  const { sqs, route, signal } = options;
  const clock = options.clock ?? systemRateClock;
  const limiter = new RateLimiter(options.ratePerSecond ?? 50, clock);
  const select = options.select ?? (() => 'redrive');
  const held: string[] = [];
  const seenMessages = new Set<string>();
  const movedEvents = new Set<string>();
  const heldGroups = new Set<string>();
  const failed: (RedriveItem & { error: string })[] = [];
  const samples: RedriveItem[] = [];
  const parkedSamples: RedriveItem[] = [];
  let redriven = 0;
  let skipped = 0;
  let parked = 0;
  let deleteFailed = 0;
  let staleReceives = 0;
  let stoppedBy: RedriveResult['stoppedBy'] = 'empty';
  const progress = () =>
    options.onProgress?.({ scanned: seenMessages.size, redriven, skipped, parked, failed: failed.length });
  const limitReached = () => options.maxMessages !== undefined && redriven >= options.maxMessages;

  try {
    for (;;) {
      if (signal?.aborted) {
        stoppedBy = 'aborted';
        break;
      }
      if (limitReached()) {
        stoppedBy = 'limit';
        break;
      }
      if (options.deadlineMs !== undefined && clock.now() >= options.deadlineMs) {
        stoppedBy = 'deadline';
        break;
      }
      let received: Awaited<ReturnType<typeof receiveWithAttributes>>;
      try {
        received = await receiveWithAttributes(
          sqs,
          route.dlq.url,
          {
            max: SQS_BATCH_LIMIT,
            visibilitySeconds: options.holdSeconds ?? 120,
            waitTimeSeconds: options.waitTimeSeconds ?? 1,
          },
          signal,
        );
      } catch (error) {
        if (signal?.aborted) {
          stoppedBy = 'aborted';
          break;
        }
        throw error;
      }
      if (received.length === 0) break;

      const toMove: DlqMessage[] = [];
      let fresh = 0;
      for (const raw of received) {
        const message = decodeDlqMessage(raw, route);
        if (!seenMessages.has(message.messageId)) fresh++;
        seenMessages.add(message.messageId);
        const key = eventKey(message);
        // A later message of an invoice whose earlier message stays behind must stay too: moving it
        // alone would let the invoice's events overtake each other in the FIFO source queue.
        const blocked = message.groupId !== undefined && heldGroups.has(message.groupId);
        const decision: RedriveDecision = movedEvents.has(key) || blocked ? 'skip' : select(message);
        if (decision === 'redrive' && !limitReachedWith(toMove.length)) {
          toMove.push(message);
          continue;
        }
        held.push(message.receiptHandle);
        if (route.source.fifo && message.groupId !== undefined) heldGroups.add(message.groupId);
        if (decision === 'park') {
          parked++;
          if (parkedSamples.length < SAMPLE_LIMIT) parkedSamples.push(item(message));
        } else if (decision === 'skip') skipped++;
      }
      staleReceives = fresh === 0 ? staleReceives + 1 : 0;
      if (staleReceives >= STALE_RECEIVES_TO_STOP) {
        held.push(...toMove.map((m) => m.receiptHandle));
        break;
      }
      if (toMove.length > 0) {
        if (options.dryRun) {
          held.push(...toMove.map((m) => m.receiptHandle));
          for (const message of toMove) movedEvents.add(eventKey(message));
          redriven += toMove.length;
          for (const message of toMove) if (samples.length < SAMPLE_LIMIT) samples.push(item(message));
        } else if (!(await limiter.take(toMove.length, signal))) {
          held.push(...toMove.map((m) => m.receiptHandle));
          stoppedBy = 'aborted';
          progress();
          break;
        } else {
          const outcome = await moveBatch(sqs, route, toMove, clock, options.retryPolicy);
          for (const message of outcome.sent) {
            movedEvents.add(eventKey(message));
            if (samples.length < SAMPLE_LIMIT) samples.push(item(message));
          }
          redriven += outcome.sent.length;
          deleteFailed += outcome.notDeleted.length;
          // Sent but still in the DLQ: made visible again so a re-run sends them at once (the copy
          // already sent has the same deduplication id, and the store records an eventId once).
          held.push(...outcome.notDeleted.map((m) => m.receiptHandle));
          for (const { message, error } of outcome.failed) {
            held.push(message.receiptHandle);
            failed.push({ ...item(message), error });
          }
        }
      }
      progress();
    }
  } finally {
    await releaseMessages(sqs, route.dlq.url, held);
  }
  progress();
  return {
    route,
    dryRun: options.dryRun ?? false,
    scanned: seenMessages.size,
    redriven,
    skipped,
    parked,
    failed,
    deleteFailed,
    stoppedBy,
    samples,
    parkedSamples,
  };

  function limitReachedWith(pending: number): boolean {
    return options.maxMessages !== undefined && redriven + pending >= options.maxMessages;
  }
}

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

interface MoveOutcome {
  readonly sent: DlqMessage[];
  readonly failed: { message: DlqMessage; error: string }[];
  /** Sent, but the delete from the DLQ failed. */
  readonly notDeleted: DlqMessage[];
}

/**
 * SendMessageBatch to the source, retrying entries that failed transiently (throttling, 5xx), then
 * DeleteMessageBatch of exactly the entries that were sent.
 */
async function moveBatch(
  sqs: SQSClient,
  route: DlqRoute,
  messages: readonly DlqMessage[],
  clock: RateClock & Partial<Pick<RetryClock, 'random'>>,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<MoveOutcome> {
  const nowMs = clock.now();
  const entries = messages.map((message, index) => ({
    index,
    message,
    entry: toSendEntry(route, message, index, nowMs),
  }));
  const sent: DlqMessage[] = [];
  const failed: { message: DlqMessage; error: string }[] = [];
  const lastError = new Map<number, string>();
  const pending = await retryPending(
    entries,
    async (batch) => {
      let result: SendMessageBatchCommandOutput;
      try {
        result = await sqs.send(
          new SendMessageBatchCommand({ QueueUrl: route.source.url, Entries: batch.map((e) => e.entry) }),
        );
      } catch (error) {
        const { kind, code } = classifyAwsError(error);
        const text = `${code}: ${error instanceof Error ? error.message : String(error)}`;
        for (const e of batch) lastError.set(e.index, text);
        if (kind === 'transient') return batch;
        for (const e of batch) failed.push({ message: e.message, error: text });
        return [];
      }
      const byId = new Map(batch.map((e) => [e.entry.Id!, e]));
      for (const ok of result.Successful ?? []) {
        const e = byId.get(ok.Id ?? '');
        if (e) sent.push(e.message);
        byId.delete(ok.Id ?? '');
      }
      const retry: (typeof batch)[number][] = [];
      for (const bad of result.Failed ?? []) {
        const e = byId.get(bad.Id ?? '');
        if (!e) continue;
        byId.delete(bad.Id ?? '');
        const text = `${bad.Code ?? 'Failed'}: ${bad.Message ?? 'SendMessageBatch entry failed'}`;
        lastError.set(e.index, text);
        // SenderFault = the request is wrong (too many attributes, bad group id): retrying cannot help.
        if (bad.SenderFault) failed.push({ message: e.message, error: text });
        else retry.push(e);
      }
      // An entry SQS neither confirmed nor failed is treated as not sent: retry it.
      retry.push(...byId.values());
      return retry;
    },
    {
      policy,
      clock: { sleep: (ms) => clock.sleep(ms), random: clock.random ?? Math.random },
    },
  );
  for (const e of pending) failed.push({ message: e.message, error: lastError.get(e.index) ?? 'not sent' });

  let notDeleted: DlqMessage[] = [];
  if (sent.length > 0) {
    try {
      const result = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: route.dlq.url,
          Entries: sent.map((message, index) => ({ Id: String(index), ReceiptHandle: message.receiptHandle })),
        }),
      );
      notDeleted = (result.Failed ?? []).map((f) => sent[Number(f.Id)]).filter((m) => m !== undefined);
    } catch {
      notDeleted = [...sent];
    }
  }
  return { sent, failed, notDeleted };
}

function toSendEntry(route: DlqRoute, message: DlqMessage, index: number, nowMs: number): SendMessageBatchRequestEntry {
  return {
    Id: String(index),
    MessageBody: message.body,
    MessageAttributes: redriveMessageAttributes(message, nowMs),
    ...(route.source.fifo
      ? {
          // The group keeps the invoice's events in order in the source queue, as on first delivery.
          MessageGroupId: message.groupId ?? message.invoiceId ?? message.messageId,
          MessageDeduplicationId: redriveDeduplicationId(message),
        }
      : {}),
  };
}

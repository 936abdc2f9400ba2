import type { FauxqsServer } from 'fauxqs';

/** What the local cell reads about a queue beyond the SQS API (which has no oldest-message age). */
export interface QueueSnapshot {
  /** Receipt handles of the messages in flight. */
  readonly inflightReceiptHandles: readonly string[];
  /** SentTimestamp (epoch ms) of the oldest message in any state, or `null` when the queue is empty. */
  readonly oldestSentTimestamp: number | null;
}

/**
 * Reads queue internals of the SNS/SQS emulator; asynchronous because the emulator may run on
 * another thread (the local cell runs it in a worker).
 */
export interface QueueInspector {
  /** `undefined` when no queue has that name. */
  inspect(queueName: string): Promise<QueueSnapshot | undefined>;
}

/** The snapshot of one queue of an in-process fauxqs. */
export function snapshotQueue(fauxqs: FauxqsServer, queueName: string): QueueSnapshot | undefined {
  const inspected = fauxqs.inspectQueue(queueName);
  if (!inspected) return undefined;
  const { ready, delayed, inflight } = inspected.messages;
  let oldest = Number.POSITIVE_INFINITY;
  for (const message of ready) oldest = Math.min(oldest, message.sentTimestamp);
  for (const message of delayed) oldest = Math.min(oldest, message.sentTimestamp);
  for (const entry of inflight) oldest = Math.min(oldest, entry.message.sentTimestamp);
  return {
    inflightReceiptHandles: inflight.map((entry) => entry.receiptHandle),
    oldestSentTimestamp: Number.isFinite(oldest) ? oldest : null,
  };
}

/**
 * fauxqs 2.4.1 parses SNS's query protocol with `URLSearchParams`, which returns a value that needs
 * no percent-decoding as a slice of the request body; V8 keeps such a slice as a pointer into the
 * whole body. Every FIFO queue then remembers each message's deduplication ID for five minutes (up
 * to 10,000 per queue) — and with it the whole PublishBatch body it was sliced from: ~20 KB per
 * batch of 10 events, held by each subscribed queue. In the soak that was the emulator thread's
 * heap growth (~80 MiB of PublishBatch bodies after 4 minutes at 200 events/s; see
 * docs/PERFORMANCE.md, "Memory over time"). AWS keeps the IDs too; what it does not keep is the body.
 *
 * fauxqs does not export its parser, so the queue class's `recordDeduplication` (every path that
 * remembers an ID goes through it: SendMessage, SendMessageBatch, SNS Publish and PublishBatch
 * fan-out) is given a wrapper that stores the queue's own copy of the ID. Idempotent; remove it once
 * fauxqs copies what it keeps.
 */
const PATCHED = Symbol.for('bems.ownDeduplicationIds');

interface SqsQueueClass {
  prototype: {
    recordDeduplication(dedupId: string, messageId: string, sequenceNumber?: string): void;
    [PATCHED]?: true;
  };
}

export async function ownDeduplicationIds(): Promise<void> {
  const storeUrl = new URL('sqs/sqsStore.js', import.meta.resolve('fauxqs'));
  const { SqsQueue } = (await import(storeUrl.href)) as { SqsQueue?: SqsQueueClass };
  const record = SqsQueue?.prototype.recordDeduplication;
  if (!SqsQueue || typeof record !== 'function') {
    throw new Error(`fauxqs changed: no SqsQueue.recordDeduplication in ${storeUrl.href}`);
  }
  if (SqsQueue.prototype[PATCHED]) return;
  SqsQueue.prototype.recordDeduplication = function recordOwnCopy(dedupId, messageId, sequenceNumber) {
    record.call(this, ownCopy(dedupId), messageId, sequenceNumber);
  };
  SqsQueue.prototype[PATCHED] = true;
}

/**
 * A copy of `text` that shares no memory with the string it may have been sliced from: slicing a
 * concatenation makes V8 flatten it into a new string first, so the result points into that
 * copy (one character longer than `text`), not into the request body.
 */
export function ownCopy(text: string): string {
  return typeof text === 'string' ? ` ${text}`.slice(1) : text;
}

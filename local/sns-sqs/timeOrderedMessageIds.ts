import { randomUUID } from 'node:crypto';

/**
 * fauxqs 2.4.1 names every SQS message with `randomUUID()` and keeps it in SQLite as the text
 * primary key of `sqs_messages`, so each message's INSERT, its in-flight UPDATE at receive and its
 * DELETE land on a random leaf of that key's index: a batch of ten touched about ten index pages,
 * and a commit costs per page it writes to the WAL. Here message IDs are UUIDv7 (RFC 9562: the
 * millisecond time in the first 48 bits, then 74 random bits), so new messages append at the
 * index's right edge and a batch shares one or two pages.
 *
 * SQS documents a MessageId only as a unique identifier of the message (AWS hands out v4 UUIDs);
 * a v7 UUID has the same form and, with 74 random bits per millisecond, the same uniqueness. What
 * it adds is that an ID shows when the message was sent — as `SentTimestamp` does anyway.
 *
 * fauxqs does not export its store, so `SqsStore.createMessage` (every path that creates a message
 * goes through it: SendMessage, SendMessageBatch, SNS Publish and PublishBatch fan-out) is given a
 * wrapper that renames the message it returns, before anything has seen it. Idempotent.
 */
const PATCHED = Symbol.for('bems.timeOrderedMessageIds');

interface SqsStoreClass {
  createMessage: ((...args: unknown[]) => { messageId: string }) & { [PATCHED]?: true };
}

export async function timeOrderedMessageIds(): Promise<void> {
  const storeUrl = new URL('sqs/sqsStore.js', import.meta.resolve('fauxqs'));
  const { SqsStore } = (await import(storeUrl.href)) as { SqsStore?: SqsStoreClass };
  const create = SqsStore?.createMessage;
  if (!SqsStore || typeof create !== 'function') {
    throw new Error(`fauxqs changed: no SqsStore.createMessage in ${storeUrl.href}`);
  }
  if (create[PATCHED]) return;
  const patched = function createTimeOrderedMessage(this: unknown, ...args: unknown[]) {
    const message = create.apply(this, args);
    message.messageId = uuidV7();
    return message;
  };
  SqsStore.createMessage = Object.assign(patched, { [PATCHED]: true as const });
}

/**
 * A UUIDv7: `Date.now()` as 12 hex digits, the version nibble 7, then the random bits (and the
 * RFC 4122 variant) of a v4 UUID. IDs of one millisecond are in random order among themselves.
 */
export function uuidV7(nowMs: number = Date.now()): string {
  const random = randomUUID(); // xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx
  const time = nowMs.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}

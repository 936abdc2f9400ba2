import { randomUUID } from 'node:crypto';
import type { Message } from '@aws-sdk/client-sqs';
import type { SqsMessaging } from '../../cell/wire/SqsJsonClient.ts';
import type { FauxqsQueue } from '../extendSqsRouter.ts';

/** How long a message being moved stays invisible in the source: long enough for one send and delete. */
const MOVE_VISIBILITY_SECONDS = 30;

/**
 * Moves up to `max` messages from `source` to `destination`: receive, send (body, attributes, and
 * for a FIFO destination the message group), delete what was sent. Returns how many moved; 0 means
 * the source had no visible message. A FIFO copy gets a new deduplication id: the original one may
 * still be inside the destination's five-minute deduplication window, which would drop the copy.
 */
export async function moveBatch(
  sqs: SqsMessaging,
  source: FauxqsQueue,
  destination: FauxqsQueue,
  max: number,
): Promise<number> {
  const { Messages = [] } = await sqs.receiveMessage({
    QueueUrl: source.url,
    MaxNumberOfMessages: max,
    VisibilityTimeout: MOVE_VISIBILITY_SECONDS,
    WaitTimeSeconds: 0,
    MessageAttributeNames: ['All'],
    MessageSystemAttributeNames: ['All'],
  });
  if (Messages.length === 0) return 0;
  const fifo = destination.name.endsWith('.fifo');
  const byId = new Map(Messages.map((message, index) => [String(index), message]));
  const sent = await sqs.sendMessageBatch({
    QueueUrl: destination.url,
    Entries: [...byId].map(([id, message]) => ({ Id: id, MessageBody: message.Body ?? '', ...copyOf(message, fifo) })),
  });
  const delivered = (sent.Successful ?? []).map((entry) => byId.get(entry.Id ?? '')!).filter(Boolean);
  if (delivered.length > 0)
    await sqs.deleteMessageBatch({
      QueueUrl: source.url,
      Entries: delivered.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle ?? '' })),
    });
  if ((sent.Failed ?? []).length > 0)
    throw new Error(`moving to ${destination.name} failed: ${sent.Failed!.map((f) => f.Message).join('; ')}`);
  return delivered.length;
}

function copyOf(message: Message, fifo: boolean) {
  return {
    ...(message.MessageAttributes ? { MessageAttributes: message.MessageAttributes } : {}),
    ...(fifo
      ? { MessageGroupId: message.Attributes?.MessageGroupId ?? 'redrive', MessageDeduplicationId: randomUUID() }
      : {}),
  };
}

import type { SQSClient } from '@aws-sdk/client-sqs';
import { type DlqMessage, decodeDlqMessage } from './DlqMessage.ts';
import type { DlqRoute } from './DlqRoute.ts';
import { receiveWithAttributes, releaseMessages } from './sqsCalls.ts';

export interface PeekOptions {
  readonly sqs: SQSClient;
  readonly route: Pick<DlqRoute, 'role' | 'dlq'>;
  /** At most this many messages. @default 10 */
  readonly limit?: number;
  /**
   * How long the looked-at messages stay hidden while the peek pages on; they are released at the
   * end in any case. @default 30
   */
  readonly holdSeconds?: number;
  /** Long-poll wait of each receive (1 s makes SQS look at every server, so an "empty" answer is true). @default 1 */
  readonly waitTimeSeconds?: number;
  readonly signal?: AbortSignal;
}

/**
 * Reads DLQ messages without consuming them: receive with a short visibility timeout, then
 * ChangeMessageVisibility for every one so it is visible again within a second (see
 * `RELEASE_VISIBILITY_SECONDS` in sqsCalls.ts), back in the queue for the next reader.
 *
 * Two things a reader should know: every look counts as a receive (ApproximateReceiveCount goes up
 * by one), and on a FIFO DLQ a receive hands out messages of a group only while no other message
 * of that group is in flight, so a peek shows the oldest message of each invoice first.
 */
export async function peekDlq(options: PeekOptions): Promise<DlqMessage[]> {
  const limit = options.limit ?? 10;
  const held: string[] = [];
  const seen = new Set<string>();
  const messages: DlqMessage[] = [];
  try {
    while (messages.length < limit && !options.signal?.aborted) {
      const received = await receiveWithAttributes(
        options.sqs,
        options.route.dlq.url,
        {
          max: limit - messages.length,
          visibilitySeconds: options.holdSeconds ?? 30,
          waitTimeSeconds: options.waitTimeSeconds ?? 1,
        },
        options.signal,
      );
      if (received.length === 0) break;
      let fresh = 0;
      for (const message of received) {
        if (message.ReceiptHandle) held.push(message.ReceiptHandle);
        if (seen.has(message.MessageId ?? '')) continue;
        seen.add(message.MessageId ?? '');
        fresh++;
        if (messages.length < limit) messages.push(decodeDlqMessage(message, options.route));
      }
      // A queue that keeps handing back messages already seen has nothing more to show.
      if (fresh === 0) break;
    }
  } finally {
    await releaseMessages(options.sqs, options.route.dlq.url, held);
  }
  return messages;
}

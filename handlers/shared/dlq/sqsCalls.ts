import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** SendMessageBatch, DeleteMessageBatch and ChangeMessageVisibilityBatch take at most 10 entries. */
export const SQS_BATCH_LIMIT = 10;

/** Receives up to 10 messages with every system and message attribute, hidden for `visibilitySeconds`. */
export async function receiveWithAttributes(
  sqs: SQSClient,
  queueUrl: string,
  options: { max: number; visibilitySeconds: number; waitTimeSeconds: number },
  signal?: AbortSignal,
): Promise<Message[]> {
  const result = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: Math.max(1, Math.min(SQS_BATCH_LIMIT, options.max)),
      VisibilityTimeout: options.visibilitySeconds,
      WaitTimeSeconds: options.waitTimeSeconds,
      MessageSystemAttributeNames: ['All'],
      // Without this SQS returns no message attributes, and the redrive count would be lost.
      MessageAttributeNames: ['All'],
    }),
    signal ? { abortSignal: signal } : {},
  );
  return result.Messages ?? [];
}

/**
 * Seconds until a released message is visible again. Not 0: fauxqs 2.4.1 with persistence throws
 * on ChangeMessageVisibility 0 (`updateMessageReady` writes NULL into a NOT NULL column) after it
 * has already dropped the message from memory, so the message vanishes until the next restart.
 * One second costs nothing on AWS.
 */
export const RELEASE_VISIBILITY_SECONDS = 1;

/**
 * Makes received messages visible again (almost) at once, so a look at a DLQ leaves it as it was.
 * Best effort: a handle that cannot be released becomes visible anyway when its visibility timeout
 * ends. Returns how many were released.
 */
export async function releaseMessages(sqs: SQSClient, queueUrl: string, receiptHandles: readonly string[]) {
  let released = 0;
  for (let i = 0; i < receiptHandles.length; i += SQS_BATCH_LIMIT) {
    const chunk = receiptHandles.slice(i, i + SQS_BATCH_LIMIT);
    try {
      const result = await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((ReceiptHandle, index) => ({
            Id: String(index),
            ReceiptHandle,
            VisibilityTimeout: RELEASE_VISIBILITY_SECONDS,
          })),
        }),
      );
      released += result.Successful?.length ?? 0;
    } catch {
      // The messages reappear after their visibility timeout; nothing is lost.
    }
  }
  return released;
}

/** Depth of a queue: visible, in flight (received, not deleted) and delayed messages. */
export interface QueueDepth {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
}

export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<QueueDepth> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
  };
}

import { ChangeMessageVisibilityBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ProvisionedQueue } from './provisionTopology.ts';
import type { QueueInspector } from './QueueInspector.ts';

const SQS_BATCH_LIMIT = 10;
/**
 * Not 0: fauxqs 2.4.1 with persistence throws on ChangeMessageVisibility 0 (`updateMessageReady`
 * writes NULL into a NOT NULL column) after it has dropped the message from memory, so the message
 * would vanish until the next restart. One second is as good for a restart.
 */
const RELEASE_VISIBILITY_SECONDS = 1;

/**
 * At start-up nothing of this cell is processing messages, so a message still in flight was
 * received by a poller of a previous run that died (kill -9, crash). On AWS it would reappear when
 * its visibility timeout expires; locally we know the receiver is gone and make it visible again
 * within a second (ChangeMessageVisibility, the API a Lambda uses to give a message back). Its receive count
 * stays as it was, so maxReceiveCount still applies. Returns how many messages were released.
 */
export async function releaseOrphanedMessages(
  queues: readonly ProvisionedQueue[],
  sqs: SQSClient,
  inspector: QueueInspector,
): Promise<number> {
  let released = 0;
  for (const queue of queues) {
    const handles = (await inspector.inspect(queue.name))?.inflightReceiptHandles ?? [];
    for (let i = 0; i < handles.length; i += SQS_BATCH_LIMIT) {
      const chunk = handles.slice(i, i + SQS_BATCH_LIMIT);
      const result = await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queue.url,
          Entries: chunk.map((ReceiptHandle, index) => ({
            Id: String(index),
            ReceiptHandle,
            VisibilityTimeout: RELEASE_VISIBILITY_SECONDS,
          })),
        }),
      );
      released += result.Successful?.length ?? 0;
    }
  }
  return released;
}

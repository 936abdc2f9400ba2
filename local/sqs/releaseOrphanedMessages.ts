import { ChangeMessageVisibilityBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { FauxqsServer } from 'fauxqs';
import type { ProvisionedQueue } from './provisionTopology.ts';

const SQS_BATCH_LIMIT = 10;

/**
 * At start-up nothing of this cell is processing messages, so a message still in flight was
 * received by a poller of a previous run that died (kill -9, crash). On AWS it would reappear when
 * its visibility timeout expires; locally we know the receiver is gone and make it visible at once
 * (ChangeMessageVisibility 0, the API a Lambda uses to give a message back). Its receive count
 * stays as it was, so maxReceiveCount still applies. Returns how many messages were released.
 */
export async function releaseOrphanedMessages(
  queues: readonly ProvisionedQueue[],
  sqs: SQSClient,
  fauxqs: FauxqsServer,
): Promise<number> {
  let released = 0;
  for (const queue of queues) {
    const handles = fauxqs.inspectQueue(queue.name)?.messages.inflight.map((entry) => entry.receiptHandle) ?? [];
    for (let i = 0; i < handles.length; i += SQS_BATCH_LIMIT) {
      const chunk = handles.slice(i, i + SQS_BATCH_LIMIT);
      const result = await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queue.url,
          Entries: chunk.map((ReceiptHandle, index) => ({ Id: String(index), ReceiptHandle, VisibilityTimeout: 0 })),
        }),
      );
      released += result.Successful?.length ?? 0;
    }
  }
  return released;
}

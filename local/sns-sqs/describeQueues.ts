import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { QueueHealth, QueueState } from '../../schemas/healthReport.ts';
import type { ProvisionedQueue, QueueAddress } from './provisionTopology.ts';
import type { QueueInspector } from './QueueInspector.ts';

/**
 * Depth and oldest-message age of every queue and DLQ. Depth comes from GetQueueAttributes, the
 * API operators use on AWS. SQS has no API for the oldest message's age (CloudWatch computes it),
 * so it comes from the emulator's queue snapshot: the minimum SentTimestamp over ready, delayed
 * and in-flight messages.
 */
export async function describeQueues(
  queues: readonly ProvisionedQueue[],
  sqs: SQSClient,
  inspector: QueueInspector,
  now: number = Date.now(),
): Promise<QueueHealth[]> {
  return Promise.all(
    queues.map(async (queue) => ({
      ...(await describeQueue(queue, sqs, inspector, now)),
      stage: queue.stage,
      role: queue.role,
      ...(queue.consumer ? { consumer: queue.consumer } : {}),
      dlq: await describeQueue(queue.dlq, sqs, inspector, now),
    })),
  );
}

async function describeQueue(
  queue: QueueAddress,
  sqs: SQSClient,
  inspector: QueueInspector,
  now: number,
): Promise<QueueState> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queue.url,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  const oldest = (await inspector.inspect(queue.name))?.oldestSentTimestamp ?? Number.POSITIVE_INFINITY;
  return {
    name: queue.name,
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
    oldestMessageAgeSeconds: Number.isFinite(oldest) ? Math.max(0, Math.floor((now - oldest) / 1000)) : null,
  };
}

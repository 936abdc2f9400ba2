import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SendMessageBatch } from './options.ts';

/**
 * The emulator's delivery function backed by a real SQS client (the local cell points it at fauxqs).
 * An entry SQS neither confirmed nor rejected counts as failed, so it is retried rather than lost.
 */
export function sqsMessageBatchSender(sqs: SQSClient): SendMessageBatch {
  return async (queueUrl, entries) => {
    const result = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    const confirmed = new Set((result.Successful ?? []).map((entry) => entry.Id));
    return { failedIds: entries.map((entry) => entry.Id).filter((id) => !confirmed.has(id)) };
  };
}

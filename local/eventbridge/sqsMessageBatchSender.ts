import type { SqsMessaging } from '../cell/wire/SqsJsonClient.ts';
import type { SendMessageBatch } from './options.ts';

/**
 * The emulator's delivery function backed by a real SQS client (the local cell points it at fauxqs).
 * An entry SQS neither confirmed nor rejected counts as failed, so it is retried rather than lost.
 * Thrown errors (throttling, network, a queue not yet created) are transient for the deliverer.
 */
export function sqsMessageBatchSender(sqs: SqsMessaging): SendMessageBatch {
  return async (queueUrl, entries) => {
    const result = await sqs.sendMessageBatch({ QueueUrl: queueUrl, Entries: entries });
    const confirmed = new Set((result.Successful ?? []).map((entry) => entry.Id));
    // SenderFault: the message itself is unacceptable (permanent); otherwise SQS had a problem (transient).
    const permanentIds = (result.Failed ?? [])
      .filter((entry) => entry.SenderFault && entry.Id)
      .map((entry) => entry.Id!);
    return { failedIds: entries.map((entry) => entry.Id).filter((id) => !confirmed.has(id)), permanentIds };
  };
}

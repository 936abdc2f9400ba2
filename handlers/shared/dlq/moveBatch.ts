import {
  DeleteMessageBatchCommand,
  SendMessageBatchCommand,
  type SendMessageBatchCommandOutput,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { classifyAwsError } from '../errors.ts';
import { DEFAULT_RETRY_POLICY, type RetryClock, type RetryPolicy, retryPending } from '../retry.ts';
import { type DlqMessage, redriveDeduplicationId, redriveMessageAttributes } from './DlqMessage.ts';
import type { DlqRoute } from './DlqRoute.ts';
import type { RateClock } from './RateLimiter.ts';

export interface MoveOutcome {
  readonly sent: DlqMessage[];
  readonly failed: { message: DlqMessage; error: string }[];
  /** Sent, but the delete from the DLQ failed. */
  readonly notDeleted: DlqMessage[];
}

/**
 * SendMessageBatch to the source, retrying entries that failed transiently (throttling, 5xx), then
 * DeleteMessageBatch of exactly the entries that were sent.
 */
export async function moveBatch(
  sqs: SQSClient,
  route: DlqRoute,
  messages: readonly DlqMessage[],
  clock: RateClock & Partial<Pick<RetryClock, 'random'>>,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<MoveOutcome> {
  const nowMs = clock.now();
  const entries = messages.map((message, index) => ({
    index,
    message,
    entry: toSendEntry(route, message, index, nowMs),
  }));
  const sent: DlqMessage[] = [];
  const failed: { message: DlqMessage; error: string }[] = [];
  const lastError = new Map<number, string>();
  const pending = await retryPending(
    entries,
    async (batch) => {
      let result: SendMessageBatchCommandOutput;
      try {
        result = await sqs.send(
          new SendMessageBatchCommand({ QueueUrl: route.source.url, Entries: batch.map((e) => e.entry) }),
        );
      } catch (error) {
        const { kind, code } = classifyAwsError(error);
        const text = `${code}: ${error instanceof Error ? error.message : String(error)}`;
        for (const e of batch) lastError.set(e.index, text);
        if (kind === 'transient') return batch;
        for (const e of batch) failed.push({ message: e.message, error: text });
        return [];
      }
      const byId = new Map(batch.map((e) => [e.entry.Id!, e]));
      for (const ok of result.Successful ?? []) {
        const e = byId.get(ok.Id ?? '');
        if (e) sent.push(e.message);
        byId.delete(ok.Id ?? '');
      }
      const retry: (typeof batch)[number][] = [];
      for (const bad of result.Failed ?? []) {
        const e = byId.get(bad.Id ?? '');
        if (!e) continue;
        byId.delete(bad.Id ?? '');
        const text = `${bad.Code ?? 'Failed'}: ${bad.Message ?? 'SendMessageBatch entry failed'}`;
        lastError.set(e.index, text);
        // SenderFault = the request is wrong (too many attributes, bad group id): retrying cannot help.
        if (bad.SenderFault) failed.push({ message: e.message, error: text });
        else retry.push(e);
      }
      // An entry SQS neither confirmed nor failed is treated as not sent: retry it.
      retry.push(...byId.values());
      return retry;
    },
    {
      policy,
      clock: { sleep: (ms) => clock.sleep(ms), random: clock.random ?? Math.random },
    },
  );
  for (const e of pending) failed.push({ message: e.message, error: lastError.get(e.index) ?? 'not sent' });

  const notDeleted = await deleteFromDlq(sqs, route, sent);
  return { sent, failed, notDeleted };
}

/**
 * DeleteMessageBatch of messages that have arrived where they were moved (≤ 10). Returns those that
 * are still in the DLQ: a later run moves them again, and the copy they left is the same (same
 * deduplication id, same parked id).
 */
export async function deleteFromDlq(
  sqs: SQSClient,
  route: DlqRoute,
  messages: readonly DlqMessage[],
): Promise<DlqMessage[]> {
  if (messages.length === 0) return [];
  try {
    const result = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: route.dlq.url,
        Entries: messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.receiptHandle })),
      }),
    );
    return (result.Failed ?? []).map((f) => messages[Number(f.Id)]).filter((m) => m !== undefined);
  } catch {
    return [...messages];
  }
}

function toSendEntry(route: DlqRoute, message: DlqMessage, index: number, nowMs: number): SendMessageBatchRequestEntry {
  return {
    Id: String(index),
    MessageBody: message.body,
    MessageAttributes: redriveMessageAttributes(message, nowMs),
    ...(route.source.fifo
      ? {
          // The group keeps the invoice's events in order in the source queue, as on first delivery.
          MessageGroupId: message.groupId ?? message.invoiceId ?? message.messageId,
          MessageDeduplicationId: redriveDeduplicationId(message),
        }
      : {}),
  };
}

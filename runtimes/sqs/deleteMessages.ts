import type { DeleteMessageBatchCommandInput, DeleteMessageBatchCommandOutput } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { backoffMs, sleep } from './timing.ts';

/** The one SQS call deleting needs (the SDK client behind an adapter, or the local cell's lean JSON client). */
export interface SqsDeletes {
  deleteMessageBatch(
    input: DeleteMessageBatchCommandInput,
  ): Promise<Omit<DeleteMessageBatchCommandOutput, '$metadata'>>;
}

const SQS_BATCH_LIMIT = 10;
const DELETE_ATTEMPTS = 4;

/**
 * Deletes the records a batch processed: DeleteMessageBatch in chunks of 10, retrying transient
 * errors with backoff and jitter. A delete that still fails (e.g. the receipt handle expired because
 * the handler outlived the visibility timeout) only means a redelivery, which the handlers absorb by
 * eventId; it is reported through `noteError`.
 */
export async function deleteMessages(
  sqs: SqsDeletes,
  queueUrl: string,
  records: readonly SQSRecord[],
  noteError: (message: string, error?: unknown) => void,
): Promise<void> {
  for (let i = 0; i < records.length; i += SQS_BATCH_LIMIT) {
    let entries = records.slice(i, i + SQS_BATCH_LIMIT).map((record, index) => ({
      Id: String(index),
      ReceiptHandle: record.receiptHandle,
    }));
    for (let attempt = 1; entries.length > 0; attempt++) {
      try {
        const output = await sqs.deleteMessageBatch({ QueueUrl: queueUrl, Entries: entries });
        const retry = new Set((output.Failed ?? []).filter((f) => !f.SenderFault).map((f) => f.Id));
        for (const failure of output.Failed ?? [])
          if (failure.SenderFault)
            noteError(`DeleteMessageBatch entry failed: ${failure.Code} ${failure.Message ?? ''}`);
        entries = entries.filter((entry) => retry.has(entry.Id));
      } catch (error) {
        if (attempt >= DELETE_ATTEMPTS) {
          noteError('DeleteMessageBatch failed; the records will be redelivered', error);
          return;
        }
      }
      if (entries.length > 0) {
        if (attempt >= DELETE_ATTEMPTS) {
          noteError(`DeleteMessageBatch: ${entries.length} entries still failing; they will be redelivered`);
          return;
        }
        await sleep(backoffMs(attempt)).catch(() => undefined);
      }
    }
  }
}

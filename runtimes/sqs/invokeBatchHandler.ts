import { randomUUID } from 'node:crypto';
import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createLambdaContext, type LambdaFunctionInfo } from './createLambdaContext.ts';

/**
 * A Lambda function for an SQS event source. The result is `unknown` because Lambda accepts anything:
 * with ReportBatchItemFailures, only an object with `batchItemFailures` means partial failure.
 */
export type SqsBatchHandler = (event: SQSEvent, context: Context) => Promise<unknown>;

export interface BatchInvocation {
  readonly handler: SqsBatchHandler;
  readonly function: Omit<LambdaFunctionInfo, 'timeoutMs'>;
  readonly timeoutMs: number;
  /** FunctionResponseTypes ReportBatchItemFailures: read `batchItemFailures` from the answer. */
  readonly reportBatchItemFailures: boolean;
  /** Told why a whole batch failed. */
  readonly noteError: (message: string, error: unknown, requestId: string) => void;
}

/**
 * Runs the handler on `records` as Lambda would, within the timeout; returns the messageIds that
 * failed: those the handler reported, or every one when it threw, timed out or answered with a
 * malformed failure list.
 */
export async function invokeBatchHandler(invocation: BatchInvocation, records: SQSRecord[]): Promise<string[]> {
  const { timeoutMs } = invocation;
  const everyId = records.map((record) => record.messageId);
  const requestId = randomUUID();
  const context = createLambdaContext({ ...invocation.function, timeoutMs }, requestId);
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Task timed out after ${timeoutMs / 1000} seconds`)), timeoutMs);
    });
    const response = await Promise.race([invocation.handler({ Records: records }, context), timeout]);
    // Without ReportBatchItemFailures Lambda ignores the answer: the batch succeeded.
    if (!invocation.reportBatchItemFailures) return [];
    const failures: unknown = (response as Partial<SQSBatchResponse> | null | undefined)?.batchItemFailures ?? [];
    // Lambda's rule: a malformed response, or an itemIdentifier that is empty or not in the batch,
    // fails the whole batch.
    if (!isValidFailureList(failures, new Set(everyId))) {
      invocation.noteError(
        'handler returned an invalid batchItemFailures; the whole batch fails',
        undefined,
        requestId,
      );
      return everyId;
    }
    return failures.map((failure) => failure.itemIdentifier);
  } catch (error) {
    invocation.noteError('handler failed; the whole batch will be retried', error, requestId);
    return everyId;
  } finally {
    clearTimeout(timer);
  }
}

function isValidFailureList(failures: unknown, known: ReadonlySet<string>): failures is SQSBatchItemFailure[] {
  return (
    Array.isArray(failures) &&
    failures.every((failure: Partial<SQSBatchItemFailure> | null) => {
      const id = failure?.itemIdentifier;
      return typeof id === 'string' && known.has(id);
    })
  );
}

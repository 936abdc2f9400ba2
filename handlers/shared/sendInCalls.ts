import { type DownstreamError, FAILURE_KINDS, type FailureKind, toDownstreamError } from './errors.ts';
import { type RetryBudget, retryPending } from './retry.ts';

/**
 * Sending items to an AWS batch API (Firehose PutRecordBatch, Timestream WriteRecords, SNS
 * PublishBatch) whose answer can accept some entries of a call and refuse others. Every such sender
 * reads the answer its own way; what they share is here: one call after the other, only the entries
 * that failed transiently resent (with backoff and jitter, within the retry budget), an error the
 * call throws classified for the whole call, and one result per item at the end.
 */

/** A failure as a batch API reports it, for one entry or for the whole call. */
export interface CallFailure {
  readonly code: string;
  readonly kind: FailureKind;
  readonly message: string;
}

/** What a call answered about one of its entries: settled (accepted, or refused for good), or to send again. */
export type EntryAnswer<R, F extends CallFailure> = { readonly settled: R } | { readonly retry: F };

export interface BatchCall<T, R, F extends CallFailure> {
  /** Service and operation, to classify an error the call throws (`toDownstreamError`). */
  readonly service: string;
  readonly operation: string;
  /** Makes one call with `entries` and answers each of them, in order; throws when the call as a whole failed. */
  readonly send: (entries: readonly T[]) => Promise<readonly EntryAnswer<R, F>[]>;
  /** The result of an entry refused for good by a thrown error, or still failing after the last attempt. */
  readonly failed: (entry: T, failure: F | DownstreamError) => R;
}

/** `items` in calls of at most `size`, in order. */
export function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/**
 * Makes `calls` one after the other, each with its own retries, and returns one result per entry of
 * `calls.flat()`, in that order. A thrown error that `toDownstreamError` finds permanent settles
 * every entry of the call as `failed`; a transient one sends the whole call again.
 */
export async function sendInCalls<T, R, F extends CallFailure>(
  calls: readonly (readonly T[])[],
  call: BatchCall<T, R, F>,
  budget: RetryBudget,
): Promise<R[]> {
  const results: R[] = [];
  for (const entries of calls) {
    const settled = new Map<number, R>();
    const lastFailure = new Map<number, F | DownstreamError>();
    const positioned = entries.map((entry, position) => ({ entry, position }));
    const leftOver = await retryPending(
      positioned,
      async (pending) => {
        const answers = await answersOf(
          pending.map((p) => p.entry),
          call,
        );
        return pending.filter((p, index) => {
          const answer = answers[index]!;
          if ('settled' in answer) settled.set(p.position, answer.settled);
          else lastFailure.set(p.position, answer.retry);
          return !('settled' in answer);
        });
      },
      {
        policy: budget.policy,
        ...(budget.clock ? { clock: budget.clock } : {}),
        ...(budget.remainingTimeMs ? { remainingTimeMs: budget.remainingTimeMs } : {}),
      },
    );
    for (const p of leftOver) settled.set(p.position, call.failed(p.entry, lastFailure.get(p.position)!));
    results.push(...positioned.map((p) => settled.get(p.position)!));
  }
  return results;
}

async function answersOf<T, R, F extends CallFailure>(
  entries: readonly T[],
  call: BatchCall<T, R, F>,
): Promise<readonly EntryAnswer<R, F | DownstreamError>[]> {
  try {
    return await call.send(entries);
  } catch (error) {
    const failure = toDownstreamError(call.service, call.operation, error);
    return entries.map((entry) =>
      failure.kind === FAILURE_KINDS.permanent ? { settled: call.failed(entry, failure) } : { retry: failure },
    );
  }
}

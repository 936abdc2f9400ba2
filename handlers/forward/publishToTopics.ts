import {
  PublishBatchCommand,
  type PublishBatchCommandOutput,
  type PublishBatchRequestEntry,
  type SNSClient,
} from '@aws-sdk/client-sns';
import type { FailureKind } from '../shared/errors.ts';
import type { RetryBudget } from '../shared/retry.ts';
import { chunksOf, type EntryAnswer, sendInCalls } from '../shared/sendInCalls.ts';

/** SNS PublishBatch takes at most 10 entries per call. */
export const PUBLISH_BATCH_MAX_ENTRIES = 10;

/**
 * Per-entry codes that are throttling even though SNS may flag them as sender faults; every other
 * sender fault (InvalidParameter, …) is permanent and every server fault is transient.
 */
const THROTTLING_CODES: ReadonlySet<string> = new Set(['Throttled', 'ThrottlingException', 'KMSThrottling']);

export interface PublishItem {
  /** SQS messageId of the inbox message this entry came from. */
  readonly messageId: string;
  readonly topicArn: string;
  readonly entry: Omit<PublishBatchRequestEntry, 'Id'>;
}

export interface PublishFailure {
  readonly messageId: string;
  readonly code: string;
  readonly kind: FailureKind;
  readonly message: string;
}

export interface PublishToTopicsOptions extends RetryBudget {
  readonly client: SNSClient;
}

interface Pending {
  /** Batch entry Id: unique within its call and stable across retries of that call. */
  readonly id: string;
  readonly item: PublishItem;
}

/** A failed entry as PublishBatch reports it, before it is tied to its inbox message. */
type EntryFailure = Omit<PublishFailure, 'messageId'>;

function failureOf(p: Pending, failure: EntryFailure): PublishFailure {
  return { messageId: p.item.messageId, code: failure.code, kind: failure.kind, message: failure.message };
}

/**
 * Publishes items to their topics with PublishBatch, 10 per call. A 200 answer can still list
 * `Failed` entries: transient ones are resent (only those) with backoff and jitter, permanent ones
 * are reported at once. Returns every item that did not get published, for the caller to report
 * as a batch item failure.
 */
export async function publishToTopics(
  items: readonly PublishItem[],
  options: PublishToTopicsOptions,
): Promise<readonly PublishFailure[]> {
  // Entry Ids need only be unique within one call: m0…m9, stable across the retries of that call.
  const calls = [...groupBy(items, (i) => i.topicArn).values()].flatMap((topicItems) =>
    chunksOf(topicItems, PUBLISH_BATCH_MAX_ENTRIES).map((call) =>
      call.map((item, position): Pending => ({ id: `m${position}`, item })),
    ),
  );
  const results = await sendInCalls<Pending, PublishFailure | undefined, EntryFailure>(
    calls,
    {
      service: 'SNS',
      operation: 'PublishBatch',
      send: async (pending) => {
        const response = await options.client.send(
          new PublishBatchCommand({
            TopicArn: pending[0]!.item.topicArn,
            PublishBatchRequestEntries: pending.map((p) => ({ ...p.item.entry, Id: p.id })),
          }),
        );
        return answersOf(pending, response);
      },
      failed: failureOf,
    },
    options,
  );
  const failures = new Map<string, PublishFailure>();
  for (const failure of results) if (failure) failures.set(failure.messageId, failure);
  return items.flatMap((i) => failures.get(i.messageId) ?? []);
}

/**
 * Reads a PublishBatch answer: a published entry is settled without a failure, a permanent entry
 * failure is settled as one, a transient one is to be sent again.
 */
function answersOf(
  pending: readonly Pending[],
  response: PublishBatchCommandOutput,
): EntryAnswer<PublishFailure | undefined, EntryFailure>[] {
  const succeeded = new Set((response.Successful ?? []).map((s) => s.Id));
  const failed = new Map((response.Failed ?? []).map((f) => [f.Id, f]));
  return pending.map((p) => {
    if (succeeded.has(p.id)) return { settled: undefined };
    const entry = failed.get(p.id);
    const code = entry?.Code ?? 'MissingResultEntry';
    const kind: FailureKind = entry?.SenderFault && !THROTTLING_CODES.has(code) ? 'permanent' : 'transient';
    const failure = { code, kind, message: entry?.Message ?? 'PublishBatch returned no result for this entry' };
    return kind === 'permanent' ? { settled: failureOf(p, failure) } : { retry: failure };
  });
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

import {
  PublishBatchCommand,
  type PublishBatchCommandOutput,
  type PublishBatchRequestEntry,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { type FailureKind, toDownstreamError } from '../shared/errors.ts';
import { type RetryBudget, retryInChunks } from '../shared/retry.ts';

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
  const failures = new Map<string, PublishFailure>();
  const lastFailure = new Map<string, PublishFailure>();

  for (const [topicArn, topicItems] of groupBy(items, (i) => i.topicArn)) {
    // Entry Ids need only be unique within one call: m0…m9, stable across the retries of that call.
    const pendings = topicItems.map((item, index): Pending => ({ id: `m${index % PUBLISH_BATCH_MAX_ENTRIES}`, item }));
    const leftOver = await retryInChunks(
      pendings,
      PUBLISH_BATCH_MAX_ENTRIES,
      async (pending) => {
        try {
          const response = await options.client.send(
            new PublishBatchCommand({
              TopicArn: topicArn,
              PublishBatchRequestEntries: pending.map((p) => ({ ...p.item.entry, Id: p.id })),
            }),
          );
          return entriesToRetry(pending, response, failures, lastFailure);
        } catch (error) {
          const downstream = toDownstreamError('SNS', 'PublishBatch', error);
          for (const p of pending) {
            const failure = {
              messageId: p.item.messageId,
              code: downstream.code,
              kind: downstream.kind,
              message: downstream.message,
            };
            (downstream.kind === 'permanent' ? failures : lastFailure).set(p.item.messageId, failure);
          }
          return downstream.kind === 'permanent' ? [] : pending;
        }
      },
      options,
    );
    for (const p of leftOver) {
      failures.set(
        p.item.messageId,
        lastFailure.get(p.item.messageId) ?? {
          messageId: p.item.messageId,
          code: 'Unknown',
          kind: 'transient',
          message: 'not published',
        },
      );
    }
  }
  return items.flatMap((i) => failures.get(i.messageId) ?? []);
}

/**
 * Reads a PublishBatch answer: permanent entry failures are settled in `failures`, transient ones
 * are remembered in `lastFailure` and returned to be sent again.
 */
function entriesToRetry(
  pending: readonly Pending[],
  response: PublishBatchCommandOutput,
  failures: Map<string, PublishFailure>,
  lastFailure: Map<string, PublishFailure>,
): Pending[] {
  const succeeded = new Set((response.Successful ?? []).map((s) => s.Id));
  const failed = new Map((response.Failed ?? []).map((f) => [f.Id, f]));
  const retry: Pending[] = [];
  for (const p of pending) {
    if (succeeded.has(p.id)) continue;
    const entry = failed.get(p.id);
    const code = entry?.Code ?? 'MissingResultEntry';
    const kind: FailureKind = entry?.SenderFault && !THROTTLING_CODES.has(code) ? 'permanent' : 'transient';
    const failure = {
      messageId: p.item.messageId,
      code,
      kind,
      message: entry?.Message ?? 'PublishBatch returned no result for this entry',
    };
    if (kind === 'permanent') {
      failures.set(p.item.messageId, failure);
    } else {
      lastFailure.set(p.item.messageId, failure);
      retry.push(p);
    }
  }
  return retry;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

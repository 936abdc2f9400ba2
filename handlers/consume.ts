import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { ANALYTICS_STORES } from '../schemas/analyticsRecord.ts';
import { CONSUME_ENV } from '../schemas/functionEnvironment.ts';
import { MESSAGE_ATTRIBUTES } from '../schemas/messageAttributes.ts';
import { METRICS } from '../schemas/metrics.ts';
import { timedSink } from './consume/acceptanceTimes.ts';
import type { EventSink } from './consume/EventSink.ts';
import { FirehoseSink } from './consume/FirehoseSink.ts';
import { parseFifoMessage } from './consume/parseFifoMessage.ts';
import { type GroupedMessage, type RecordOutcome, recordInGroupOrder } from './consume/recordInGroupOrder.ts';
import { TimestreamSink } from './consume/TimestreamSink.ts';
import { type AwsClientConfig, firehoseClientConfig, timestreamWriteClientConfig } from './shared/awsClientConfig.ts';
import type { FailureStore } from './shared/dlq/FailureStore.ts';
import { type FailureTableConfig, failureStoreFor, failureTableFromEnv } from './shared/dlq/failureTableConfig.ts';
import { type FailedRecord, reportFailedRecords } from './shared/dlq/reportFailedRecord.ts';
import type { Env, EnvReader } from './shared/EnvReader.ts';
import { DownstreamError, FAILURE_KINDS, HandlerError, RecordRejectedError } from './shared/errors.ts';
import type { CommonHandlerConfig } from './shared/handlerConfig.ts';
import { type HandlerDependencies, type LambdaHandler, lazyHandler } from './shared/lambdaHandler.ts';
import { createObservability, type Invocation, runInvocation, type Tracing } from './shared/observability.ts';
import { readHandlerConfig } from './shared/readHandlerConfig.ts';
import { QUEUE_RETRY_POLICY, type RetryPolicy } from './shared/retry.ts';

/**
 * The consume Lambda: one consumer's SQS FIFO queue (raw delivery from the stage's SNS FIFO topic)
 * → the cell's analytics store behind {@link EventSink}: Timestream ({@link TimestreamSink}) or the
 * lakehouse's Firehose stream ({@link FirehoseSink}), as `ANALYTICS_STORE` says.
 *
 * Records are written in batches (≤100 per WriteRecords, ≤500 per PutRecordBatch), but the
 * Powertools FIFO processor hands out one record at a time. So the batch is first parsed and written as a whole, in group order
 * (`recordInGroupOrder`), and the processor then replays the per-message outcomes: it is what turns
 * them into `batchItemFailures` and, with `skipGroupOnError`, fails every later message of a group
 * once one failed — the FIFO guarantee that an invoice's events are never recorded out of order.
 */

/** Where this consumer writes: the store's own settings. */
export type AnalyticsTarget =
  | { readonly store: 'timestream'; readonly databaseName: string; readonly tableName: string }
  | { readonly store: 'lakehouse'; readonly streamName: string };

export interface ConsumeConfig extends CommonHandlerConfig {
  /** The analytics store and where in it (`ANALYTICS_STORE` and that store's variables). */
  readonly analytics: AnalyticsTarget;
  /** `CONSUMER_NAME`: becomes the record's `consumer` dimension. */
  readonly consumerName: string;
  readonly timestreamWrite: AwsClientConfig;
  readonly firehose: AwsClientConfig;
  /** `FAILURE_TABLE_NAME`: where failure records go (none when unset) and its DynamoDB client. */
  readonly failures?: FailureTableConfig;
  readonly retry: RetryPolicy;
}

export function consumeConfigFromEnv(env: Env): ConsumeConfig {
  return readHandlerConfig(env, 'bems-consume', (reader) => ({
    analytics: analyticsTargetFromEnv(reader),
    consumerName: reader.required(CONSUME_ENV.consumerName),
    timestreamWrite: timestreamWriteClientConfig(reader),
    firehose: firehoseClientConfig(reader),
    ...failureTableFromEnv(reader),
    retry: QUEUE_RETRY_POLICY,
  }));
}

/** The store of `ANALYTICS_STORE` (Timestream when unset) and the variables that store needs. */
function analyticsTargetFromEnv(reader: EnvReader): AnalyticsTarget {
  const store = reader.optional(CONSUME_ENV.analyticsStore) ?? 'timestream';
  if (!(ANALYTICS_STORES as readonly string[]).includes(store)) {
    reader.problem(CONSUME_ENV.analyticsStore, `must be one of ${ANALYTICS_STORES.join(', ')}, got "${store}"`);
  }
  if (store === 'lakehouse') {
    return { store, streamName: reader.required(CONSUME_ENV.firehoseStreamName) };
  }
  return {
    store: 'timestream',
    databaseName: reader.required(CONSUME_ENV.timestreamDatabaseName),
    tableName: reader.required(CONSUME_ENV.timestreamTableName),
  };
}

export interface ConsumeDependencies extends HandlerDependencies {
  /** Replaces the sink the configuration chooses (another store, or a fake in tests). */
  readonly sink?: EventSink;
  readonly timestreamWrite?: TimestreamWriteClient;
  readonly firehose?: FirehoseClient;
  /** The failure records' store (default: the configured table, if any). */
  readonly failureStore?: FailureStore;
}

export type ConsumeHandler = LambdaHandler<SQSEvent, SQSBatchResponse>;

export function createConsumeHandler(config: ConsumeConfig, dependencies: ConsumeDependencies = {}): ConsumeHandler {
  const observability = createObservability(config, dependencies);
  const now = dependencies.now ?? Date.now;
  const sink = timedSink(dependencies.sink ?? sinkFor(config, dependencies, observability.tracing), now);
  const consumer = config.consumerName;
  const failureStore = dependencies.failureStore ?? failureStoreFor(config.failures, observability.tracing);

  return (event, context) =>
    runInvocation(
      observability,
      { name: 'consume', kind: 'consumer', messages: event.Records },
      { requestId: context?.awsRequestId, consumer },
      async (invocation) => {
        const processedAt = now();
        const messages = event.Records.map(parseFifoMessage);
        const grouped = messages.map(
          (m): GroupedMessage =>
            m.ok
              ? {
                  messageId: m.messageId,
                  groupId: m.groupId,
                  item: { detail: m.detail, consumer, replayed: m.replayed, processedAt },
                }
              : { messageId: m.messageId, groupId: m.groupId, error: m.error },
        );
        const outcomes = await recordInGroupOrder(
          grouped,
          sink.sink,
          context ? { remainingTimeMs: () => context.getRemainingTimeInMillis() } : {},
        );

        const byMessage = new Map(messages.map((m) => [m.messageId, m]));
        const records = new Map(event.Records.map((r) => [r.messageId, r]));
        const items = new Map(grouped.flatMap((g) => ('item' in g ? [[g.messageId, g.item] as const] : [])));
        const failures: FailedRecord[] = [];
        for (const [messageId, outcome] of outcomes) {
          const message = byMessage.get(messageId)!;
          const stage = message.ok ? message.detail.stage : stageAttribute(records.get(messageId));
          const dimensions = { stage, consumer };
          reportOutcome(outcome, dimensions, invocation);
          if (outcome.status === 'failed' || outcome.status === 'skipped') {
            failures.push({
              messageId,
              ...(message.ok ? { eventId: message.detail.eventId, invoiceId: message.detail.invoiceId } : {}),
              ...(!message.ok ? { invoiceId: message.groupId } : {}),
              stage,
              consumer,
              attempt: Number(records.get(messageId)?.attributes.ApproximateReceiveCount ?? 1),
              error: outcome.status === 'failed' ? outcome.error : deferredError(message.groupId),
            });
          } else if (outcome.status === 'duplicate' && message.ok) {
            invocation.log.info('event already recorded; duplicate suppressed', {
              messageId,
              eventId: message.detail.eventId,
              invoiceId: message.detail.invoiceId,
            });
          }
          // END_TO_END_VISIBILITY: API receipt → store acceptance, replays left out (they were visible once).
          const acceptedAt = items.has(messageId) ? sink.acceptedAt(items.get(messageId)!) : undefined;
          if (outcome.status === 'recorded' && message.ok && !message.replayed && acceptedAt !== undefined) {
            // Clamped like latency_ms: the clocks of different hosts may disagree by a little.
            const latency = Math.max(0, acceptedAt - Date.parse(message.detail.server.receivedAt));
            invocation.metrics.add(METRICS.endToEndLatency, latency, dimensions);
          }
        }
        await reportFailedRecords(failures, { log: invocation.log, ...(failureStore ? { store: failureStore } : {}) });
        return batchResponse(event, outcomes, context);
      },
    );
}

/** The sink of the configured store, with its SDK client (traced) unless one is injected. */
function sinkFor(config: ConsumeConfig, dependencies: ConsumeDependencies, tracing: Tracing): EventSink {
  const retry = { policy: config.retry, ...(dependencies.retryClock ? { clock: dependencies.retryClock } : {}) };
  if (config.analytics.store === 'lakehouse') {
    return new FirehoseSink({
      client: dependencies.firehose ?? tracing.instrumentAwsClient(new FirehoseClient(config.firehose)),
      streamName: config.analytics.streamName,
      ...retry,
    });
  }
  return new TimestreamSink({
    client:
      dependencies.timestreamWrite ?? tracing.instrumentAwsClient(new TimestreamWriteClient(config.timestreamWrite)),
    databaseName: config.analytics.databaseName,
    tableName: config.analytics.tableName,
    ...retry,
  });
}

/**
 * Replays the per-message outcomes through the Powertools FIFO processor, which turns them into
 * `batchItemFailures` and fails every later message of a group once one failed.
 */
async function batchResponse(
  event: SQSEvent,
  outcomes: ReadonlyMap<string, RecordOutcome>,
  context: Context | undefined,
): Promise<SQSBatchResponse> {
  const recordHandler = async (record: SQSRecord) => {
    const outcome = outcomes.get(record.messageId);
    if (!outcome) throw new HandlerError('message was not processed', FAILURE_KINDS.transient);
    if (outcome.status === 'failed') throw outcome.error;
    if (outcome.status === 'skipped') {
      throw new HandlerError('an earlier message of this group failed', FAILURE_KINDS.transient);
    }
  };
  // throwOnFullBatchFailure: false — an all-failed batch is answered like any other (every
  // message listed), rather than by throwing, which would count as a Lambda error per retry.
  return processPartialResponse(event, recordHandler, new SqsFifoPartialProcessorAsync(), {
    skipGroupOnError: true,
    throwOnFullBatchFailure: false,
    ...(context ? { context } : {}),
  });
}

/** The metric of one message's outcome (failed records are logged by `reportFailedRecords`). */
function reportOutcome(
  outcome: RecordOutcome,
  dimensions: { stage: string; consumer: string },
  { metrics }: Invocation,
): void {
  switch (outcome.status) {
    case 'recorded':
      metrics.add(METRICS.eventsRecorded, 1, dimensions);
      return;
    case 'duplicate':
      metrics.add(METRICS.duplicateSuppressed, 1, dimensions);
      return;
    case 'skipped':
      metrics.add(METRICS.recordsDeferred, 1, dimensions);
      return;
    case 'failed':
      metrics.add(METRICS.recordsFailed, 1, dimensions);
      // RecordsFailed includes throttling that later succeeds; the cell's rejected-records
      // alarm watches only what Timestream refused for good and will not take on a retry.
      if (isPermanentRejection(outcome.error)) metrics.add(METRICS.recordsRejected, 1, dimensions);
      return;
  }
}

/**
 * Why a message that was not attempted failed: an earlier event of its invoice failed in the batch,
 * and FIFO order holds it back (it returns with that one, and may reach the DLQ with it).
 */
function deferredError(groupId: string): HandlerError {
  return new DeferredRecordError(groupId);
}

class DeferredRecordError extends HandlerError {
  override readonly name = 'DeferredRecordError';
  constructor(groupId: string) {
    super(
      `not attempted: an earlier event of invoice ${groupId} failed in the same batch (FIFO order)`,
      FAILURE_KINDS.transient,
    );
  }
}

/** The stage of a message whose body cannot be read: the `stage` attribute SNS delivered with it. */
function stageAttribute(record: SQSRecord | undefined): string {
  return record?.messageAttributes?.[MESSAGE_ATTRIBUTES.stage]?.stringValue ?? 'unknown';
}

/** The services of the analytics stores, as their sinks name them in a DownstreamError. */
const STORE_SERVICES: ReadonlySet<string> = new Set(['Timestream', 'Firehose']);

/**
 * A failure that retrying cannot fix and that came from the store: a record the store rejected
 * (Timestream: invalid value, outside retention — "already recorded" is a duplicate, not a failure;
 * Firehose: a row over the 1,000 KiB record quota, a per-record error code that is not transient),
 * or a permanent error of the whole call (validation, access denied, missing table or stream).
 * Malformed messages and transient errors (throttling, 5xx, network) are not rejections.
 */
export function isPermanentRejection(error: HandlerError): boolean {
  if (error instanceof RecordRejectedError) return true;
  return (
    error instanceof DownstreamError && STORE_SERVICES.has(error.service) && error.kind === FAILURE_KINDS.permanent
  );
}

/** Lambda entry point: built on first invoke from the function's environment, then reused. */
export const handler: ConsumeHandler = lazyHandler(() => createConsumeHandler(consumeConfigFromEnv(process.env)));

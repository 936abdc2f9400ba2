import { SNSClient } from '@aws-sdk/client-sns';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { detailTypeFor } from '../schemas/envelope.ts';
import { FORWARD_ENV } from '../schemas/functionEnvironment.ts';
import { METRICS } from '../schemas/metrics.ts';
import { STAGES, type Stage } from '../schemas/stages.ts';
import { parseInboxMessage } from './forward/parseInboxMessage.ts';
import { type PublishItem, publishToTopics } from './forward/publishToTopics.ts';
import { toPublishEntry } from './forward/toPublishEntry.ts';
import { type AwsClientConfig, awsClientConfig } from './shared/awsClientConfig.ts';
import type { FailureStore } from './shared/dlq/FailureStore.ts';
import { type FailureTableConfig, failureStoreFor, failureTableFromEnv } from './shared/dlq/failureTableConfig.ts';
import { type FailedRecord, reportFailedRecords } from './shared/dlq/reportFailedRecord.ts';
import type { Env, EnvReader } from './shared/EnvReader.ts';
import { FAILURE_KINDS, HandlerError } from './shared/errors.ts';
import type { CommonHandlerConfig } from './shared/handlerConfig.ts';
import { type HandlerDependencies, type LambdaHandler, lazyHandler } from './shared/lambdaHandler.ts';
import { createObservability, type Invocation, runInvocation } from './shared/observability.ts';
import { readHandlerConfig, readJsonVariable } from './shared/readHandlerConfig.ts';
import { QUEUE_RETRY_POLICY, type RetryPolicy, retryBudget } from './shared/retry.ts';

/**
 * The forward Lambda: a stage inbox (SQS standard, fed by the EventBridge stage rule) → the stage's
 * SNS FIFO topic. It exists because EventBridge cannot target an SNS FIFO topic, nor give an SQS
 * FIFO target a per-event MessageGroupId (DESIGN §2).
 *
 * Why not Powertools BatchProcessor: it calls a handler per record, but here the records of a batch
 * are published *together* (PublishBatch, 10 per call) and the per-entry results are mapped back to
 * messages. So batchItemFailures is built here: every message that is malformed, has no topic, or
 * whose entry was not published is listed, and SQS redelivers it — after maxReceiveCount it lands
 * in the inbox DLQ. Nothing is deleted that was not published.
 */

export interface ForwardConfig extends CommonHandlerConfig {
  /** `STAGE_TOPIC_ARNS` (JSON object): stage → SNS FIFO topic ARN. */
  readonly stageTopicArns: Readonly<Partial<Record<Stage, string>>>;
  readonly sns: AwsClientConfig;
  /** `FAILURE_TABLE_NAME`: where failure records go (none when unset). */
  readonly failures?: FailureTableConfig;
  readonly retry: RetryPolicy;
}

export function forwardConfigFromEnv(env: Env): ForwardConfig {
  return readHandlerConfig(env, 'bems-forward', (reader) => ({
    stageTopicArns: stageTopicArnsFromEnv(reader),
    sns: awsClientConfig('sns', reader),
    ...failureTableFromEnv(reader),
    retry: QUEUE_RETRY_POLICY,
  }));
}

function stageTopicArnsFromEnv(reader: EnvReader): Partial<Record<Stage, string>> {
  const parsed = readJsonVariable(reader, FORWARD_ENV.stageTopicArns, {
    required: true,
    notJson: 'must be a JSON object such as {"posting":"arn:aws:sns:…:bems-x-posting.fifo"}',
  });
  if (parsed === undefined) return {};
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    reader.problem(FORWARD_ENV.stageTopicArns, 'must be a JSON object of stage → topic ARN');
    return {};
  }
  const result: Partial<Record<Stage, string>> = {};
  for (const [stage, arn] of Object.entries(parsed)) {
    if (!(STAGES as readonly string[]).includes(stage)) {
      reader.problem(FORWARD_ENV.stageTopicArns, `unknown stage "${stage}"; known: ${STAGES.join(', ')}`);
    } else if (typeof arn !== 'string' || !/^arn:[^:]+:sns:[^:]*:[^:]*:.+\.fifo$/.test(arn)) {
      reader.problem(
        FORWARD_ENV.stageTopicArns,
        `${stage}: must be an SNS FIFO topic ARN (ending in .fifo), got ${JSON.stringify(arn)}`,
      );
    } else {
      result[stage as Stage] = arn;
    }
  }
  if (Object.keys(parsed).length === 0) {
    reader.problem(FORWARD_ENV.stageTopicArns, 'names no stage');
  }
  return result;
}

export interface ForwardDependencies extends HandlerDependencies {
  readonly sns?: SNSClient;
  /** The failure records' store (default: the configured table, if any). */
  readonly failureStore?: FailureStore;
}

export type ForwardHandler = LambdaHandler<SQSEvent, SQSBatchResponse>;

/** An inbox message ready to publish, with what its log entries name. */
type ForwardItem = PublishItem & { readonly stage: Stage; readonly eventId: string; readonly invoiceId: string };

export function createForwardHandler(config: ForwardConfig, dependencies: ForwardDependencies = {}): ForwardHandler {
  const observability = createObservability(config, dependencies);
  const client = dependencies.sns ?? observability.tracing.instrumentAwsClient(new SNSClient(config.sns));
  const failureStore = dependencies.failureStore ?? failureStoreFor(config.failures, observability.tracing);

  return (event, context) =>
    runInvocation(
      observability,
      { name: 'forward', kind: 'consumer', messages: event.Records },
      { requestId: context?.awsRequestId },
      async ({ log, metrics }) => {
        const failures: FailedRecord[] = [];
        const items = toForwardItems(event.Records, config, failures, metrics);
        const publishFailures = await publishToTopics(items, {
          client,
          ...retryBudget(config.retry, dependencies.retryClock, context),
        });
        const failureByMessage = new Map(publishFailures.map((f) => [f.messageId, f]));
        const attempts = new Map(event.Records.map((r) => [r.messageId, receiveCount(r)]));
        for (const item of items) {
          const failure = failureByMessage.get(item.messageId);
          if (failure) {
            failures.push({
              messageId: item.messageId,
              eventId: item.eventId,
              invoiceId: item.invoiceId,
              stage: item.stage,
              attempt: attempts.get(item.messageId) ?? 1,
              error: new PublishFailedError(failure),
            });
            metrics.add(METRICS.forwardFailures, 1, { stage: item.stage });
          } else {
            log.debug('event forwarded', { eventId: item.eventId, invoiceId: item.invoiceId, stage: item.stage });
            metrics.add(METRICS.eventsForwarded, 1, { stage: item.stage });
          }
        }
        await reportFailedRecords(failures, { log, ...(failureStore ? { store: failureStore } : {}) });
        const failed = new Set(failures.map((f) => f.messageId));
        log.info('inbox batch forwarded', {
          messages: event.Records.length,
          forwarded: items.length - publishFailures.length,
          failed: failed.size,
        });
        return {
          batchItemFailures: event.Records.filter((r) => failed.has(r.messageId)).map((r) => ({
            itemIdentifier: r.messageId,
          })),
        };
      },
    );
}

/** An SNS publish entry that failed (after the retries `publishToTopics` made), as an error. */
class PublishFailedError extends HandlerError {
  override readonly name = 'PublishFailedError';
  constructor(failure: { readonly code: string; readonly kind: HandlerError['kind']; readonly message: string }) {
    super(`SNS PublishBatch entry failed (${failure.code}): ${failure.message}`, failure.kind);
  }
}

/** A stage the function has no topic for: the function's configuration is wrong, not the message. */
class NoTopicError extends HandlerError {
  override readonly name = 'NoTopicError';
  constructor(stage: string) {
    super(`no SNS topic configured for stage ${stage} (STAGE_TOPIC_ARNS)`, FAILURE_KINDS.permanent);
  }
}

function receiveCount(record: SQSRecord): number {
  return Number(record.attributes?.ApproximateReceiveCount ?? 1) || 1;
}

/**
 * The publish entries of a batch. A message that is malformed or whose stage has no topic is added
 * to `failures` with what explains its DLQ entry later.
 */
function toForwardItems(
  records: readonly SQSRecord[],
  config: ForwardConfig,
  failures: FailedRecord[],
  metrics: Invocation['metrics'],
): ForwardItem[] {
  const items: ForwardItem[] = [];
  for (const record of records) {
    const message = parseInboxMessage(record);
    if (!message.ok) {
      // Permanent: it will fail the same way on every receive and reach the inbox DLQ, where
      // an operator can read it, with this failure record.
      metrics.add(METRICS.messagesMalformed, 1, {});
      failures.push({
        messageId: record.messageId,
        ...bestEffortIds(record),
        attempt: receiveCount(record),
        error: message.error,
      });
      continue;
    }
    const { detail } = message.busEvent;
    const topicArn = config.stageTopicArns[detail.stage];
    if (!topicArn) {
      failures.push({
        messageId: record.messageId,
        eventId: detail.eventId,
        invoiceId: detail.invoiceId,
        stage: detail.stage,
        attempt: receiveCount(record),
        error: new NoTopicError(detail.stage),
      });
      continue;
    }
    items.push({
      messageId: record.messageId,
      topicArn,
      entry: toPublishEntry(message.busEvent),
      stage: detail.stage,
      eventId: detail.eventId,
      invoiceId: detail.invoiceId,
    });
  }
  return items;
}

/**
 * What can be read of a malformed inbox message's event without trusting it: the stage from the
 * EventBridge detail-type the stage rule matched, the ids if they are strings.
 */
function bestEffortIds(record: SQSRecord): { stage: string; eventId?: string; invoiceId?: string } {
  let event: { 'detail-type'?: unknown; detail?: Record<string, unknown> } | undefined;
  try {
    event = JSON.parse(record.body) as typeof event;
  } catch {
    event = undefined;
  }
  const detail = event?.detail && typeof event.detail === 'object' ? event.detail : {};
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const stage = text(detail.stage) ?? STAGES.find((s) => detailTypeFor(s) === event?.['detail-type']);
  const eventId = text(detail.eventId);
  const invoiceId = text(detail.invoiceId);
  return {
    stage: stage ?? 'unknown',
    ...(eventId !== undefined ? { eventId } : {}),
    ...(invoiceId !== undefined ? { invoiceId } : {}),
  };
}

/** Lambda entry point: built on first invoke from the function's environment, then reused. */
export const handler: ForwardHandler = lazyHandler(() => createForwardHandler(forwardConfigFromEnv(process.env)));

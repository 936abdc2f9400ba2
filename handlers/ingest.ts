import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ERROR_CODES } from '../schemas/errorResponse.ts';
import { INGEST_ENV } from '../schemas/functionEnvironment.ts';
import { METRICS } from '../schemas/metrics.ts';
import { STAGES, type Stage } from '../schemas/stages.ts';
import { acceptedResponse, admitAll, admitEvents, settleClaims } from './ingest/admitEvents.ts';
import { EventIdempotency } from './ingest/EventIdempotency.ts';
import { errorResponse, HTTP_STATUS } from './ingest/httpResponses.ts';
import { parseRequest } from './ingest/parseRequest.ts';
import { type PublishResult, publishToBus } from './ingest/publishToBus.ts';
import { withServerMetadata } from './ingest/withServerMetadata.ts';
import { type AwsClientConfig, awsClientConfig } from './shared/awsClientConfig.ts';
import type { Env, EnvReader } from './shared/EnvReader.ts';
import type { CommonHandlerConfig } from './shared/handlerConfig.ts';
import { accountOfInvocation } from './shared/invocationAccount.ts';
import { type HandlerDependencies, type LambdaHandler, lazyHandler } from './shared/lambdaHandler.ts';
import { createObservability, runInvocation } from './shared/observability.ts';
import { readHandlerConfig } from './shared/readHandlerConfig.ts';
import { type RetryPolicy, retryBudget } from './shared/retry.ts';

/**
 * The ingest Lambda: `POST /invoices/{stage}` (API Gateway REST, proxy integration) → EventBridge.
 * Validation and publishing live next to it in `ingest/`; this file wires them to the environment.
 */

export interface IngestConfig extends CommonHandlerConfig {
  /** `EVENT_BUS_NAME`: the cell's custom bus. */
  readonly eventBusName: string;
  /** `STAGES` (csv): stages this function serves. @default all stages */
  readonly stages: readonly Stage[];
  readonly eventBridge: AwsClientConfig;
  /**
   * `MAX_EVENT_AGE_DAYS`: refuse events whose occurredAt is older (400). Set to the Timestream
   * table's magnetic retention minus a day: Timestream rejects older records for good, so they
   * could be accepted but never recorded. @default no limit
   */
  readonly maxEventAgeDays?: number;
  /** Retries of failed PutEvents entries. Short: a client is waiting on the answer. */
  readonly retry: RetryPolicy;
  /** Refuse a changed payload under a known eventId; absent when `IDEMPOTENCY_TABLE_NAME` is unset. */
  readonly idempotency?: IdempotencySettings;
}

export interface IdempotencySettings {
  /** `IDEMPOTENCY_TABLE_NAME`: DynamoDB table of the idempotency records. */
  readonly tableName: string;
  /** `IDEMPOTENCY_WINDOW_HOURS`: how long an eventId is remembered. @default 24 */
  readonly windowHours: number;
  readonly dynamoDB: AwsClientConfig;
}

/** Stripe keeps idempotency keys for 24 hours; so do we unless the cell says otherwise. */
export const DEFAULT_IDEMPOTENCY_WINDOW_HOURS = 24;
/**
 * How long a claimed event blocks a concurrent repeat when the invocation's remaining time is
 * unknown (outside Lambda): the ingest function's timeout.
 */
const DEFAULT_IN_PROGRESS_MS = 10_000;
const NOTHING_PUBLISHED: PublishResult = { accepted: [], rejected: [], retries: 0 };

/**
 * The ingest clients' stacks are complete once built (tracing instruments them, Powertools adds its
 * user-agent entry to the DynamoDB one, both before any call), so each resolves its middleware once
 * per command: a producer waits on every call, and each saves the SDK's per-call stack resolution.
 */
const INGEST_CLIENT_OPTIONS = { cacheMiddleware: true } as const;

export const INGEST_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 50, maxDelayMs: 800 };

export function ingestConfigFromEnv(env: Env): IngestConfig {
  return readHandlerConfig(env, 'bems-ingest', (reader) => {
    const eventBusName = reader.required(INGEST_ENV.eventBusName);
    const stages = stagesFromEnv(reader);
    const eventBridge = awsClientConfig('eventbridge', reader, INGEST_CLIENT_OPTIONS);
    const maxEventAgeDays = reader.optionalPositiveInteger(INGEST_ENV.maxEventAgeDays);
    const idempotency = idempotencyFromEnv(reader);
    return {
      eventBusName,
      stages,
      eventBridge,
      ...(maxEventAgeDays !== undefined ? { maxEventAgeDays } : {}),
      retry: INGEST_RETRY_POLICY,
      ...(idempotency ? { idempotency } : {}),
    };
  });
}

function idempotencyFromEnv(reader: EnvReader): IdempotencySettings | undefined {
  const tableName = reader.optional(INGEST_ENV.idempotencyTableName);
  const windowHours = reader.optionalPositiveInteger(INGEST_ENV.idempotencyWindowHours);
  if (!tableName) {
    if (windowHours !== undefined)
      reader.problem(INGEST_ENV.idempotencyWindowHours, `is set but ${INGEST_ENV.idempotencyTableName} is not`);
    return undefined;
  }
  return {
    tableName,
    windowHours: windowHours ?? DEFAULT_IDEMPOTENCY_WINDOW_HOURS,
    dynamoDB: awsClientConfig('dynamodb', reader, INGEST_CLIENT_OPTIONS),
  };
}

function stagesFromEnv(reader: EnvReader): readonly Stage[] {
  const csv = reader.optional(INGEST_ENV.stages);
  if (!csv) return STAGES;
  const names = csv
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(STAGES as readonly string[]).includes(name));
  if (unknown.length > 0)
    reader.problem(INGEST_ENV.stages, `unknown stage(s) ${unknown.join(', ')}; known: ${STAGES.join(', ')}`);
  return STAGES.filter((stage) => names.includes(stage));
}

export interface IngestDependencies extends HandlerDependencies {
  readonly eventBridge?: EventBridgeClient;
  /** The idempotency store's client (used only when the config has `idempotency`). */
  readonly dynamoDB?: DynamoDBClient;
  /** The idempotency check itself, instead of one built from the config (used only when it has `idempotency`). */
  readonly idempotency?: EventIdempotency;
}

export type IngestHandler = LambdaHandler<APIGatewayProxyEvent, APIGatewayProxyResult>;

export function createIngestHandler(config: IngestConfig, dependencies: IngestDependencies = {}): IngestHandler {
  const observability = createObservability(config, dependencies);
  const client =
    dependencies.eventBridge ?? observability.tracing.instrumentAwsClient(new EventBridgeClient(config.eventBridge));
  const now = dependencies.now ?? Date.now;
  const idempotency = config.idempotency && createIdempotency(config.idempotency, dependencies, observability);

  return (event, context) => {
    const requestId = event.requestContext?.requestId ?? context?.awsRequestId;
    return runInvocation(observability, { name: 'ingest', kind: 'server' }, { requestId }, async ({ log, metrics }) => {
      try {
        const receivedAt = now();
        // The clock goes to the contract only when injected: the default schemas are built once.
        const parsed = parseRequest(event, {
          stages: config.stages,
          ...(dependencies.now ? { now } : {}),
          ...(config.maxEventAgeDays !== undefined ? { maxAgeDays: config.maxEventAgeDays } : {}),
        });
        if (!parsed.ok) {
          log.info('request rejected', { statusCode: parsed.response.statusCode, code: parsed.code });
          metrics.add(METRICS.invalidRequests, 1, { code: parsed.code });
          return parsed.response;
        }
        const { stage, events: parsedEvents } = parsed;
        const admission = idempotency
          ? await admitEvents(idempotency, parsedEvents, {
              inProgressMs: context?.getRemainingTimeInMillis?.() ?? DEFAULT_IN_PROGRESS_MS,
              requestId,
            })
          : admitAll(parsedEvents);
        if (!admission.ok) {
          log.warn('request refused by the idempotency check', {
            stage,
            code: admission.code,
            errors: admission.errors,
          });
          metrics.add(METRICS.invalidRequests, 1, { code: admission.code });
          return admission.response;
        }
        const stamp = { cell: config.cellId, account: accountOfInvocation(context), region: config.region, receivedAt };
        const details = parsedEvents.map((e) => withServerMetadata(e, stamp));
        const fresh = details.filter((d) => admission.fresh.has(d.eventId));
        const result =
          fresh.length === 0
            ? NOTHING_PUBLISHED
            : await publishToBus(fresh, {
                client,
                eventBusName: config.eventBusName,
                ...retryBudget(config.retry, dependencies.retryClock, context),
              });
        if (idempotency) {
          const receivedAtIso = new Date(receivedAt).toISOString();
          const errors = await settleClaims(idempotency, parsedEvents, admission.fresh, result, receivedAtIso);
          if (errors.length > 0) log.warn('idempotency records not settled (they lapse on their own)', { errors });
        }
        metrics.add(METRICS.eventsAccepted, result.accepted.length, { stage });
        metrics.add(METRICS.eventsRejected, result.rejected.length, { stage });
        const events = details.map((d) => ({ eventId: d.eventId, invoiceId: d.invoiceId }));
        if (result.rejected.length > 0) {
          log.error('bus did not accept all events', {
            stage,
            events,
            rejected: result.rejected,
            retries: result.retries,
          });
          return errorResponse(
            HTTP_STATUS.serviceUnavailable,
            ERROR_CODES.busUnavailable,
            `${result.rejected.length} of ${details.length} event(s) were not accepted; resend them ` +
              '(resending the same eventIds is safe)',
            { rejectedEventIds: result.rejected.map((r) => r.eventId), requestId },
          );
        }
        log.info('events accepted', { stage, events, repeated: admission.repeated, retries: result.retries });
        return acceptedResponse(
          details.map((d) => d.eventId),
          admission.repeated,
        );
      } catch (error) {
        // A bug, not a bus problem (those are answered above): log everything, tell the client little.
        log.error('unexpected error', error as Error);
        return errorResponse(HTTP_STATUS.internalError, ERROR_CODES.internal, 'internal error', { requestId });
      }
    });
  };
}

function createIdempotency(
  settings: IdempotencySettings,
  dependencies: IngestDependencies,
  observability: ReturnType<typeof createObservability>,
): EventIdempotency {
  if (dependencies.idempotency) return dependencies.idempotency;
  const client =
    dependencies.dynamoDB ?? observability.tracing.instrumentAwsClient(new DynamoDBClient(settings.dynamoDB));
  return new EventIdempotency({ tableName: settings.tableName, client, windowHours: settings.windowHours });
}

/** Lambda entry point: built on first invoke from the function's environment, then reused. */
export const handler: IngestHandler = lazyHandler(() => createIngestHandler(ingestConfigFromEnv(process.env)));

import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ERROR_CODES } from '../schemas/errorResponse.ts';
import { INGEST_ENV } from '../schemas/functionEnvironment.ts';
import { METRICS } from '../schemas/metrics.ts';
import { STAGES, type Stage } from '../schemas/stages.ts';
import { errorResponse, HTTP_STATUS, jsonResponse } from './ingest/httpResponses.ts';
import { parseRequest } from './ingest/parseRequest.ts';
import { publishToBus } from './ingest/publishToBus.ts';
import { withServerMetadata } from './ingest/withServerMetadata.ts';
import { type AwsClientConfig, awsClientConfig } from './shared/awsClientConfig.ts';
import type { Env, EnvReader } from './shared/EnvReader.ts';
import type { CommonHandlerConfig } from './shared/handlerConfig.ts';
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
}

export const INGEST_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 50, maxDelayMs: 800 };

export function ingestConfigFromEnv(env: Env): IngestConfig {
  return readHandlerConfig(env, 'bems-ingest', (reader) => {
    const eventBusName = reader.required(INGEST_ENV.eventBusName);
    const stages = stagesFromEnv(reader);
    const eventBridge = awsClientConfig('eventbridge', reader);
    const maxEventAgeDays = reader.optionalPositiveInteger(INGEST_ENV.maxEventAgeDays);
    return {
      eventBusName,
      stages,
      eventBridge,
      ...(maxEventAgeDays !== undefined ? { maxEventAgeDays } : {}),
      retry: INGEST_RETRY_POLICY,
    };
  });
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
  /** Clock for receivedAt and the future-skew rule. */
  readonly now?: () => number;
}

export type IngestHandler = LambdaHandler<APIGatewayProxyEvent, APIGatewayProxyResult>;

export function createIngestHandler(config: IngestConfig, dependencies: IngestDependencies = {}): IngestHandler {
  const observability = createObservability(config, dependencies);
  const client =
    dependencies.eventBridge ?? observability.tracer.captureAWSv3Client(new EventBridgeClient(config.eventBridge));
  const now = dependencies.now ?? Date.now;

  return (event, context) => {
    const requestId = event.requestContext?.requestId ?? context?.awsRequestId;
    return runInvocation(observability, 'ingest', { requestId }, async ({ log, metrics }) => {
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
        const { stage } = parsed;
        const details = parsed.events.map((e) =>
          withServerMetadata(e, { cell: config.cellId, region: config.region, receivedAt }),
        );
        const result = await publishToBus(details, {
          client,
          eventBusName: config.eventBusName,
          ...retryBudget(config.retry, dependencies.retryClock, context),
        });
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
        log.info('events accepted', { stage, events, retries: result.retries });
        return jsonResponse(HTTP_STATUS.accepted, { accepted: [...result.accepted] });
      } catch (error) {
        // A bug, not a bus problem (those are answered above): log everything, tell the client little.
        log.error('unexpected error', error as Error);
        return errorResponse(HTTP_STATUS.internalError, ERROR_CODES.internal, 'internal error', { requestId });
      }
    });
  };
}

/** Lambda entry point: built on first invoke from the function's environment, then reused. */
export const handler: IngestHandler = lazyHandler(() => createIngestHandler(ingestConfigFromEnv(process.env)));

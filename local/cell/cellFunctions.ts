import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import type { SQSRecord } from 'aws-lambda';
import type { CellDefinition } from '../../cells/definition.ts';
import type { CellTopology } from '../../cells/topology.ts';
import { consumeConfigFromEnv, createConsumeHandler } from '../../handlers/consume.ts';
import { createForwardHandler, forwardConfigFromEnv } from '../../handlers/forward.ts';
import { createIngestHandler, ingestConfigFromEnv } from '../../handlers/ingest.ts';
import { LOCAL_CREDENTIALS, type ProvisionedQueue, type ProvisionedTopology } from '../sns-sqs/index.ts';
import type { ApiGatewayLambda } from './api/index.ts';
import type { FaultInjector } from './faults/index.ts';
import type { LocalLogger } from './LocalLogger.ts';
import type { RequestCounter } from './metering/index.ts';
import { EventSourceMapping, type PollingSettings } from './pollers/index.ts';
import { loopbackSdkClientConfig } from './wire/loopbackSdkClientConfig.ts';
import type { SqsMessaging } from './wire/SqsJsonClient.ts';

export interface CellFunctionsOptions {
  readonly cell: CellDefinition;
  readonly topology: CellTopology;
  readonly provisioned: ProvisionedTopology;
  readonly endpoints: { readonly eventbridge: string; readonly sns: string; readonly timestream: string };
  /** The client event source mappings poll with. */
  readonly sqs: SqsMessaging;
  readonly faults: FaultInjector;
  readonly counter: RequestCounter;
  readonly logger: LocalLogger;
  /** false: batch size 1, no batching window (what batching is worth, measured by the benchmark). */
  readonly batching: boolean;
  readonly quiet: boolean;
}

export interface CellFunctions {
  readonly ingest: ApiGatewayLambda;
  readonly ingestFunctionName: string;
  /** One per polled queue: the stage inboxes (forward) and the consumer queues (consume). */
  readonly mappings: readonly EventSourceMapping[];
  /** Closes the handlers' SDK clients (their kept-alive sockets); call after the mappings stopped. */
  destroy(): void;
}

/**
 * The cell's Lambda functions, each built from an environment record exactly like the one the
 * CDK stack gives the function on AWS — only the endpoint variables differ — plus the event
 * source mappings that feed the SQS-triggered ones.
 *
 * Each handler gets its SDK client injected, built by the same class from the handler's own client
 * config (its environment) but with the loopback settings of `loopbackSdkClientConfig`: no SigV4
 * signature and a lean request handler. The handlers' calls were about a third of the main thread's
 * CPU; this removes a large share of the client side (`load-tests/micro/sdkClientCost.ts`) while
 * the handlers still send the real SDK commands and read the real responses.
 */
export function createCellFunctions(options: CellFunctionsOptions): CellFunctions {
  const { cell, topology, provisioned, endpoints } = options;
  const prefix = `bems-${cell.id}`;
  const clients: { destroy(): void }[] = [];
  const client = <T extends { destroy(): void }>(created: T): T => {
    clients.push(created);
    return created;
  };
  const ingestFunctionName = `${prefix}-ingest`;
  const ingestConfig = ingestConfigFromEnv({
    ...lambdaEnvironment(options, ingestFunctionName),
    EVENT_BUS_NAME: topology.busName,
    MAX_EVENT_AGE_DAYS: String(topology.maxEventAgeDays),
    AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.eventbridge,
  });
  const ingest = createIngestHandler(ingestConfig, {
    eventBridge: client(new EventBridgeClient(loopbackSdkClientConfig(ingestConfig.eventBridge, 'events'))),
  });
  const mappings = provisioned.queues.map((queue) => {
    if (queue.role === 'inbox') {
      const functionName = `${prefix}-forward-${queue.stage}`;
      const config = forwardConfigFromEnv({
        ...lambdaEnvironment(options, functionName),
        STAGE_TOPIC_ARNS: JSON.stringify({ [queue.stage]: provisioned.topicArns[queue.stage] }),
        AWS_ENDPOINT_URL_SNS: endpoints.sns,
      });
      const handler = createForwardHandler(config, {
        sns: client(new SNSClient(loopbackSdkClientConfig(config.sns, 'sns'))),
      });
      return mapping(options, queue, functionName, handler, 'forward', busEventInvoiceId);
    }
    const functionName = `${prefix}-consume-${queue.stage}-${queue.consumer}`;
    const config = consumeConfigFromEnv({
      ...lambdaEnvironment(options, functionName),
      TIMESTREAM_DATABASE_NAME: topology.timestreamDatabase,
      TIMESTREAM_TABLE_NAME: topology.timestreamTable,
      CONSUMER_NAME: queue.consumer ?? '',
      AWS_ENDPOINT_URL_TIMESTREAM_WRITE: endpoints.timestream,
    });
    const handler = createConsumeHandler(config, {
      timestreamWrite: client(new TimestreamWriteClient(loopbackSdkClientConfig(config.timestreamWrite, 'timestream'))),
    });
    return mapping(options, queue, functionName, handler, 'consume', fifoInvoiceId);
  });
  return {
    ingest,
    ingestFunctionName,
    mappings,
    destroy: () => {
      for (const created of clients) created.destroy();
    },
  };
}

/** The common part of a function's environment (the Lambda environment contract in the brief). */
function lambdaEnvironment(options: CellFunctionsOptions, functionName: string): Record<string, string> {
  return {
    CELL_ID: options.cell.id,
    AWS_REGION: options.cell.region,
    POWERTOOLS_SERVICE_NAME: functionName,
    POWERTOOLS_METRICS_NAMESPACE: 'BEMS',
    // One process runs every function: INFO lines for each event would drown the terminal, and
    // there is no CloudWatch to read metrics or X-Ray to take traces.
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? (options.quiet ? 'ERROR' : 'WARN'),
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  };
}

function mapping(
  options: CellFunctionsOptions,
  queue: ProvisionedQueue,
  functionName: string,
  handler: ConstructorParameters<typeof EventSourceMapping>[0]['handler'],
  kind: 'forward' | 'consume',
  invoiceIdOf: (record: SQSRecord) => string | undefined,
): EventSourceMapping {
  const settings: PollingSettings = options.batching
    ? queue.spec.settings
    : { ...queue.spec.settings, batchSize: 1, batchingWindowSeconds: 0 };
  return new EventSourceMapping({
    queue,
    settings,
    region: options.cell.region,
    account: options.cell.account,
    functionName,
    handler,
    sqs: options.sqs,
    faults: options.faults,
    faultTarget: { handler: kind, stage: queue.stage, ...(queue.consumer ? { consumer: queue.consumer } : {}) },
    invoiceIdOf,
    counter: options.counter,
    logger: options.logger,
  });
}

/** Inbox body: the EventBridge event; the invoice is in its detail. */
function busEventInvoiceId(record: SQSRecord): string | undefined {
  return stringAt(parseJson(record.body), 'detail', 'invoiceId');
}

/** FIFO body: the event detail; the message group is the invoice. */
function fifoInvoiceId(record: SQSRecord): string | undefined {
  return record.attributes.MessageGroupId ?? stringAt(parseJson(record.body), 'invoiceId');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function stringAt(value: unknown, ...path: string[]): string | undefined {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return typeof current === 'string' ? current : undefined;
}

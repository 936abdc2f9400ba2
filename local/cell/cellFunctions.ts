import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { SNSClient } from '@aws-sdk/client-sns';
import { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import type { SQSRecord } from 'aws-lambda';
import type { CellDefinition } from '../../cells/definition.ts';
import {
  type CellFunctionPlan,
  type EventSourcePlan,
  type FunctionPlan,
  type FunctionResources,
  functionEnvironment,
  functionPlan,
  type HandlerName,
  pollerEnvironment,
  type ServicePlan,
} from '../../cells/functionPlan.ts';
import type { CellTopology } from '../../cells/topology.ts';
import { consumeConfigFromEnv, createConsumeHandler } from '../../handlers/consume.ts';
import { createForwardHandler, forwardConfigFromEnv } from '../../handlers/forward.ts';
import { createIngestHandler, ingestConfigFromEnv } from '../../handlers/ingest.ts';
import { DynamoFailureStore, type FailureStore } from '../../handlers/shared/dlq/FailureStore.ts';
import type { FailureTableConfig } from '../../handlers/shared/dlq/failureTableConfig.ts';
import { reportFailedRecords } from '../../handlers/shared/dlq/reportFailedRecord.ts';
import type { CommonHandlerConfig } from '../../handlers/shared/handlerConfig.ts';
import { requestLogger } from '../../handlers/shared/observability.ts';
import { POLLER_ENV } from '../../schemas/functionEnvironment.ts';
import type { ProvisionedTopology } from '../sns-sqs/index.ts';
import type { ApiGatewayLambda } from './api/index.ts';
import { FargateTask } from './fargate/FargateTask.ts';
import type { FaultInjector, FaultMode } from './faults/index.ts';
import type { LocalLogger } from './LocalLogger.ts';
import { LOCAL_POLLER_WAIT_SECONDS, type LocalRuntime, localEnvironment } from './localEnvironment.ts';
import type { RequestCounter } from './metering/index.ts';
import { EventSourceMapping, type PollingSettings, type SqsBatchHandler } from './pollers/index.ts';
import { loopbackSdkClientConfig } from './wire/loopbackSdkClientConfig.ts';
import type { EmulatorPort } from './wire/PortRequestHandler.ts';
import type { SqsMessaging } from './wire/SqsJsonClient.ts';

export interface CellFunctionsOptions {
  readonly cell: CellDefinition;
  readonly topology: CellTopology;
  readonly provisioned: ProvisionedTopology;
  readonly endpoints: {
    readonly eventbridge: string;
    readonly sns: string;
    /** SQS (fauxqs): the Fargate consumers' processes poll it themselves. */
    readonly sqs: string;
    readonly timestream: string;
    readonly firehose: string;
    readonly dynamodb: string;
  };
  /** The client event source mappings poll with. */
  readonly sqs: SqsMessaging;
  /** The handlers' SDK clients send over this port to the emulator worker; without it, over loopback HTTP. */
  readonly port?: EmulatorPort;
  readonly faults: FaultInjector;
  readonly counter: RequestCounter;
  readonly logger: LocalLogger;
  /** false: batch size 1, no batching window (what batching is worth, measured by the benchmark). */
  readonly batching: boolean;
  /** false: ingest without the idempotency check (what it costs, measured by the benchmark). */
  readonly idempotency: boolean;
  readonly quiet: boolean;
}

/** One Fargate service of the plan as the local cell runs it: `minTasks` poller processes. */
export interface LocalService {
  readonly plan: ServicePlan;
  /** The environment of its processes: what the task definition gives the container, plus the local runtime's. */
  readonly environment: Readonly<Record<string, string>>;
  readonly tasks: readonly FargateTask[];
}

/** One function of the plan as the local cell runs it. */
export interface LocalFunction {
  readonly plan: FunctionPlan;
  /** The environment its handler was built from (plan + local runtime). */
  readonly environment: Readonly<Record<string, string>>;
  /** One per event source of the plan, in plan order (none for ingest). */
  readonly mappings: readonly EventSourceMapping[];
}

export interface CellFunctions {
  /** The cell's function plan these were built from. */
  readonly plan: CellFunctionPlan;
  readonly ingest: ApiGatewayLambda;
  readonly ingestFunctionName: string;
  /** ingest, forward and one consume function per stage and consumer, as on AWS (the monitor runs on its own). */
  readonly functions: readonly LocalFunction[];
  /** One per Lambda-polled queue, in provisioning order: the stage inboxes (forward) and consumer queues (consume). */
  readonly mappings: readonly EventSourceMapping[];
  /** The Fargate consumers of the plan, each run as its own processes (one per task). */
  readonly services: readonly LocalService[];
  /** Closes the handlers' SDK clients (their kept-alive sockets); call after the mappings stopped. */
  destroy(): void;
}

/**
 * The cell's Lambda functions, exactly as the function plan (`cells/functionPlan.ts`) defines them
 * and the CDK deploys them: one forward function for every stage inbox, one consume function per
 * stage and consumer for that one queue (its own handler and clients), each with the plan's environment plus the local
 * runtime's (`localEnvironment`: Region, credentials, emulator endpoints), and one event source
 * mapping per event source of the plan, with its batch settings.
 *
 * Each handler gets its SDK client injected, built by the same class from the handler's own client
 * config (its environment) but with the loopback settings of `loopbackSdkClientConfig`: no SigV4
 * signature and a lean request handler — over the port to the emulator worker (`options.port`,
 * the default) or over loopback HTTP —, and the SDK's middleware cache on. The handlers' calls were
 * about a third of the main thread's CPU; this removes a large share of the client side
 * (`load-tests/micro/sdkClientCost.ts`, `sdkClientSettings.ts`) while the handlers still send the
 * real SDK commands and read the real responses.
 */
export function createCellFunctions(options: CellFunctionsOptions): CellFunctions {
  const { cell, topology, provisioned, endpoints } = options;
  const plan = functionPlan(cell, topology);
  const clients: { destroy(): void }[] = [];
  const client = <T extends { destroy(): void }>(created: T): T => {
    clients.push(created);
    return created;
  };
  const wire: WireConfig = (config, signingName) => loopbackSdkClientConfig(config, signingName, options.port);
  const environment = <H extends HandlerName>(
    fn: FunctionPlan<H>,
    resources: FunctionResources[H],
    runtimeEndpoints: LocalRuntime['endpoints'],
  ) =>
    localEnvironment(functionEnvironment(cell, fn, resources), {
      region: cell.region,
      quiet: options.quiet,
      endpoints: runtimeEndpoints,
    });

  const ingestEnvironment = environment(
    plan.ingest,
    options.idempotency ? { idempotencyTableName: topology.idempotencyTable } : {},
    { EVENTBRIDGE: endpoints.eventbridge, DYNAMODB: endpoints.dynamodb },
  );
  const ingestConfig = ingestConfigFromEnv(ingestEnvironment);
  const ingest = createIngestHandler(ingestConfig, {
    eventBridge: client(new EventBridgeClient(wire(ingestConfig.eventBridge, 'events'))),
    ...(ingestConfig.idempotency
      ? { dynamoDB: client(new DynamoDBClient(wire(ingestConfig.idempotency.dynamoDB, 'dynamodb'))) }
      : {}),
  });

  const forwardEnvironment = environment(
    plan.forward,
    { stageTopicArns: provisioned.topicArns },
    { SNS: endpoints.sns, DYNAMODB: endpoints.dynamodb },
  );
  const forwardConfig = forwardConfigFromEnv(forwardEnvironment);
  const forwardFailures = failureStoreOf(forwardConfig.failures, client, wire);
  const forward = createForwardHandler(forwardConfig, {
    sns: client(new SNSClient(wire(forwardConfig.sns, 'sns'))),
    ...forwardFailures,
  });

  // Each consumer gets the client of the cell's analytics store only, pointed at its emulator.
  const lakehouse = topology.analyticsStore === 'lakehouse';
  const storeEndpoint = {
    ...(lakehouse ? { FIREHOSE: endpoints.firehose } : { TIMESTREAM_WRITE: endpoints.timestream }),
    DYNAMODB: endpoints.dynamodb,
  };
  const consumers = plan.consumers.map((fn) => {
    const consumeEnvironment = environment(fn, {}, storeEndpoint);
    const config = consumeConfigFromEnv(consumeEnvironment);
    const failures = failureStoreOf(config.failures, client, wire);
    const handler = createConsumeHandler(config, {
      ...(lakehouse
        ? { firehose: client(new FirehoseClient(wire(config.firehose, 'firehose'))) }
        : { timestreamWrite: client(new TimestreamWriteClient(wire(config.timestreamWrite, 'timestream'))) }),
      ...failures,
    });
    const reporter = injectedFailureReporter(config, failures.failureStore);
    return queueFunction(options, fn, consumeEnvironment, handler, fifoInvoiceId, reporter);
  });
  const functions: LocalFunction[] = [
    { plan: plan.ingest, environment: ingestEnvironment, mappings: [] },
    queueFunction(
      options,
      plan.forward,
      forwardEnvironment,
      forward,
      busEventInvoiceId,
      injectedFailureReporter(forwardConfig, forwardFailures.failureStore),
    ),
    ...consumers,
  ];
  const byQueue = new Map(functions.flatMap((fn) => fn.mappings).map((m) => [m.queueName, m]));
  const services = plan.services.map((service) => {
    const queue = provisioned.queues.find((q) => q.name === service.source.queue.name)!;
    return localService(service, environment(service, {}, { ...storeEndpoint, SQS: endpoints.sqs }), queue, options);
  });
  return {
    plan,
    ingest,
    ingestFunctionName: plan.ingest.functionName,
    functions,
    services,
    mappings: provisioned.queues.filter((queue) => byQueue.has(queue.name)).map((queue) => byQueue.get(queue.name)!),
    destroy: () => {
      for (const created of clients) created.destroy();
    },
  };
}

/** A Fargate consumer's tasks: the plan's environment, the poller's (its queue) and the local long poll. */
function localService(
  plan: ServicePlan,
  planEnvironment: Record<string, string>,
  queue: { readonly url: string; readonly arn: string },
  { logger }: { readonly logger: LocalLogger },
): LocalService {
  const environment = {
    ...planEnvironment,
    ...pollerEnvironment(plan, queue),
    [POLLER_ENV.waitTimeSeconds]: String(LOCAL_POLLER_WAIT_SECONDS),
  };
  const tasks = Array.from(
    { length: plan.fargate.minTasks },
    () => new FargateTask({ name: plan.functionName, environment, logger }),
  );
  return { plan, environment, tasks };
}

/** A queue-fed function: one event source mapping per event source of its plan, all invoking `handler`. */
function queueFunction(
  options: CellFunctionsOptions,
  plan: FunctionPlan,
  environment: Readonly<Record<string, string>>,
  handler: SqsBatchHandler,
  invoiceIdOf: (record: SQSRecord) => string | undefined,
  onInjectedFailure?: InjectedFailureReporter,
): LocalFunction {
  const mappings = plan.eventSources.map((source) => {
    const queue = options.provisioned.queues.find((q) => q.name === source.queue.name);
    if (!queue) throw new Error(`${plan.functionName}: queue ${source.queue.name} is not provisioned`);
    return new EventSourceMapping({
      queue,
      settings: pollingSettings(source, options.batching),
      region: options.cell.region,
      account: options.cell.account,
      functionName: plan.functionName,
      handler,
      sqs: options.sqs,
      faults: options.faults,
      faultTarget: {
        handler: plan.handler as 'forward' | 'consume',
        stage: source.stage,
        ...(source.consumer ? { consumer: source.consumer } : {}),
      },
      invoiceIdOf,
      ...(onInjectedFailure
        ? { onInjectedFailure: (records, mode) => onInjectedFailure(records, mode, source.stage, source.consumer) }
        : {}),
      counter: options.counter,
      logger: options.logger,
    });
  });
  return { plan, environment, mappings };
}

/** A handler's client config with the cell's loopback settings, over its transport. */
type WireConfig = <T extends Parameters<typeof loopbackSdkClientConfig>[0]>(
  config: T,
  signingName: Parameters<typeof loopbackSdkClientConfig>[1],
) => ReturnType<typeof loopbackSdkClientConfig<T>>;

/** Failure records go to the DynamoDB emulator through a loopback client (port or HTTP), like every handler call. */
function failureStoreOf(
  failures: FailureTableConfig | undefined,
  client: <T extends { destroy(): void }>(created: T) => T,
  wire: WireConfig,
): { failureStore?: FailureStore } {
  if (!failures) return {};
  const dynamoDB = client(new DynamoDBClient(wire(failures.dynamoDB, 'dynamodb')));
  return { failureStore: new DynamoFailureStore(dynamoDB, failures.tableName) };
}

type InjectedFailureReporter = (
  records: readonly SQSRecord[],
  mode: FaultMode,
  stage: string,
  consumer: string | undefined,
) => Promise<void>;

/**
 * Reports records an injected fault failed as the handler reports its own failures (one structured
 * Powertools log line each, with the function's service name, and a failure record), so the fault
 * loop shows why a record failed and `bems dlq peek` says "InjectedFault".
 */
function injectedFailureReporter(
  config: CommonHandlerConfig,
  store: FailureStore | undefined,
): InjectedFailureReporter {
  const logger = new Logger({
    serviceName: config.serviceName,
    logLevel: config.logLevel,
    persistentKeys: { cell: config.cellId },
  });
  const log = requestLogger(logger, { source: 'local-fault-injection' });
  return (records, mode, stage, consumer) =>
    reportFailedRecords(
      records.map((record) => ({
        messageId: record.messageId,
        ...idsOf(record, consumer === undefined),
        stage,
        ...(consumer !== undefined ? { consumer } : {}),
        attempt: Number(record.attributes.ApproximateReceiveCount) || 1,
        error: new InjectedFault(mode),
      })),
      { log, ...(store ? { store } : {}) },
    );
}

/** A failure the local cell injected (`bems fault`, `--fault`): the handler never saw the record. */
class InjectedFault extends Error {
  override readonly name = 'InjectedFault';
  constructor(mode: FaultMode) {
    super(`injected fault (${mode}): the local cell failed this record without running the handler`);
  }
}

function idsOf(record: SQSRecord, inbox: boolean): { eventId?: string; invoiceId?: string } {
  const json = parseJson(record.body);
  const detail = inbox ? (json as { detail?: unknown } | undefined)?.detail : json;
  const eventId = stringAt(detail, 'eventId');
  const invoiceId = stringAt(detail, 'invoiceId') ?? record.attributes.MessageGroupId;
  return { ...(eventId ? { eventId } : {}), ...(invoiceId ? { invoiceId } : {}) };
}

/**
 * The event source's batch settings; the queue's visibility timeout is the invocation deadline (local
 * test cells use visibility timeouts of a few seconds, shorter than AWS would accept for a function).
 */
function pollingSettings(source: EventSourcePlan, batching: boolean): PollingSettings {
  return {
    batchSize: batching ? source.batchSize : 1,
    batchingWindowSeconds: batching ? source.batchingWindowSeconds : 0,
    maxConcurrency: source.maxConcurrency,
    reportBatchItemFailures: source.reportBatchItemFailures,
    visibilityTimeoutSeconds: source.queue.settings.visibilityTimeoutSeconds,
  };
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

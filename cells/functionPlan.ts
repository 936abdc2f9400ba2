import type { AlertSeverity } from '../schemas/alerts.ts';
import {
  COMMON_ENV,
  CONSUME_ENV,
  FORWARD_ENV,
  type HandlerName,
  INGEST_ENV,
  MONITOR_ENV,
  POLLER_ENV,
} from '../schemas/functionEnvironment.ts';
import { METRICS_NAMESPACE, metricServiceName } from '../schemas/metrics.ts';
import type { Stage } from '../schemas/stages.ts';
import { type CellDefinition, CellDefinitionError, type FargateSettings } from './definition.ts';
import { monitorTopologyOf } from './monitorTopology.ts';
import { type CellTopology, type ConsumerSpec, cellTopology, type QueueSpec, resourcePrefix } from './topology.ts';

export type { HandlerName };

/**
 * The functions of a cell, defined once: name, entry point, environment, event sources, timeout and
 * memory. The CDK stack (`CellStack`, `CellFunction`, `StuckEventMonitor`) deploys exactly these, and
 * the local cell (`local/cell/cellFunctions.ts`) runs exactly these — the same functions, fed by the
 * same queues with the same batch settings, reading the same environment — and
 * `test/infra/topologyParity.test.ts` checks both against each other.
 *
 * How they are grouped is the AWS one: one forward function for every stage inbox, and one consume
 * function per stage and consumer (the design's InvoiceIngestionProcessor, …Reconciliation…,
 * …Authorization…, …PostingProcessor), fed by that consumer's FIFO queue of that stage only: each
 * partition has its own role, log group, deployment and concurrency, so one stage failing or
 * scaling leaves the others alone. A `fargate` consumer gets an ECS service per stage instead
 * (`services`), running the same handler under the poller runtime (`runtimes/fargatePoller/`).
 */

/** Lambda refuses a function name longer than this. */
export const LAMBDA_FUNCTION_NAME_LIMIT = 64;

/** Numbers the plan is built with that are not part of the cell definition. */
export const FUNCTION_DEFAULTS = {
  memoryMiB: { ingest: 512, forward: 512, consume: 512, monitor: 256 },
  /** API Gateway gives up on an integration after 29 s; the client gets a 5xx well before. */
  ingestTimeoutSeconds: 10,
  /** The monitor runs every minute; one run must end before the next starts. */
  monitorTimeoutSeconds: 55,
  monitorScheduleMinutes: 1,
  /** AWS asks for a visibility timeout of at least 6x the function timeout on SQS event sources. */
  visibilityToTimeoutRatio: 6,
  /** Functions fed by SQS never run longer than this, whatever the visibility timeout allows. */
  maxQueueFunctionTimeoutSeconds: 30,
  /** Shortest timeout of a queue-fed function; AWS cells with shorter visibility timeouts are refused. */
  minQueueFunctionTimeoutSeconds: 3,
  /** Long-poll wait of the Fargate poller's ReceiveMessage calls (SQS's maximum: fewest empty receives). */
  pollerWaitTimeSeconds: 20,
  /** Every function logs at INFO on AWS (the local cell turns it down: one terminal shows them all). */
  logLevel: 'INFO',
} as const;

/** One SQS event source mapping of a function, with Lambda's settings for it. */
export interface EventSourcePlan {
  readonly stage: Stage;
  /** The consumer whose queue this is; absent for a stage inbox. */
  readonly consumer?: string;
  readonly queue: QueueSpec;
  /** Records per invocation. */
  readonly batchSize: number;
  /** MaximumBatchingWindowInSeconds; 0 = none (always 0 on a FIFO queue: Lambda has no window there). */
  readonly batchingWindowSeconds: number;
  /** ScalingConfig.MaximumConcurrency. */
  readonly maxConcurrency: number;
  /** FunctionResponseTypes ReportBatchItemFailures: only the records a handler names are retried. */
  readonly reportBatchItemFailures: boolean;
}

export interface FunctionPlan<H extends HandlerName = HandlerName> {
  /** Short name within the cell: `ingest`, `forward`, `consume-<stage>-<consumer>`, `monitor`. */
  readonly key: string;
  /** Entry point `handlers/<handler>.ts`. */
  readonly handler: H;
  readonly functionName: string;
  readonly description: string;
  /** Set for a consume function: the consumer it records for. */
  readonly consumer?: string;
  /** Set for a consume function: the one stage (partition) whose queue feeds it. */
  readonly stage?: Stage;
  readonly eventSources: readonly EventSourcePlan[];
  readonly timeoutSeconds: number;
  readonly memoryMiB: number;
  /** @default - no reservation (event-source maximum concurrency limits the queue-fed functions) */
  readonly reservedConcurrentExecutions?: number;
  /** Runs on a schedule, every this many minutes (the monitor). */
  readonly scheduleMinutes?: number;
  /**
   * Execution environments kept initialised (the definition's `provisionedConcurrency`); the CDK
   * puts them on a `live` alias, which is then what API Gateway and the event sources invoke.
   * @default - none (on-demand only)
   */
  readonly provisionedConcurrency?: number;
}

export interface CellFunctionPlan {
  /** API → bus; invoked by API Gateway. */
  readonly ingest: FunctionPlan<'ingest'>;
  /** Every stage inbox → that stage's SNS FIFO topic. */
  readonly forward: FunctionPlan<'forward'>;
  /** One per stage and `lambda` consumer (stage order, then the stage's consumer order), fed by that one queue. */
  readonly consumers: readonly FunctionPlan<'consume'>[];
  /** One ECS Fargate service per stage and `fargate` consumer, running the consume handler under the poller. */
  readonly services: readonly ServicePlan[];
  /** The stuck-event monitor, on a schedule. */
  readonly monitor: FunctionPlan<'monitor'>;
}

export function functionPlan(cell: CellDefinition, topology: CellTopology = cellTopology(cell)): CellFunctionPlan {
  const plan = basePlan(cell, topology);
  const provisioned = <P extends FunctionPlan>(fn: P): P => {
    const count = cell.provisionedConcurrency[fn.key];
    return count === undefined ? fn : { ...fn, provisionedConcurrency: count };
  };
  return {
    ingest: provisioned(plan.ingest),
    forward: provisioned(plan.forward),
    consumers: plan.consumers.map(provisioned),
    services: plan.services,
    monitor: plan.monitor,
  };
}

function basePlan(cell: CellDefinition, topology: CellTopology): CellFunctionPlan {
  const prefix = resourcePrefix(cell.id);
  const inboxes = topology.stages.map((stage) => eventSource(stage.stage, stage.inbox));
  const plan: CellFunctionPlan = {
    ingest: {
      key: 'ingest',
      handler: 'ingest',
      functionName: `${prefix}-ingest`,
      description: 'BEMS ingest: validates invoice events and puts them on the cell bus',
      eventSources: [],
      timeoutSeconds: FUNCTION_DEFAULTS.ingestTimeoutSeconds,
      memoryMiB: FUNCTION_DEFAULTS.memoryMiB.ingest,
    },
    forward: {
      key: 'forward',
      handler: 'forward',
      functionName: `${prefix}-forward`,
      description: 'BEMS forward: stage inbox (SQS standard) to the stage SNS FIFO topic, grouped by invoice',
      eventSources: inboxes,
      timeoutSeconds: queueFunctionTimeoutSeconds(inboxes),
      memoryMiB: FUNCTION_DEFAULTS.memoryMiB.forward,
    },
    consumers: topology.stages.flatMap((stage) =>
      stage.consumers.filter((c) => c.kind === 'lambda').map((c) => consumeFunction(prefix, c)),
    ),
    services: topology.stages.flatMap((stage) =>
      stage.consumers.filter((c) => c.kind === 'fargate').map((c) => consumeService(prefix, c)),
    ),
    monitor: {
      key: 'monitor',
      handler: 'monitor',
      functionName: `${prefix}-monitor`,
      description: 'BEMS stuck-event monitor: queue and DLQ health, SLA breaches, alerts, automatic redrive',
      eventSources: [],
      timeoutSeconds: FUNCTION_DEFAULTS.monitorTimeoutSeconds,
      memoryMiB: FUNCTION_DEFAULTS.memoryMiB.monitor,
      // One run at a time: two overlapping runs would alert twice and could redrive the same messages twice.
      reservedConcurrentExecutions: 1,
      scheduleMinutes: FUNCTION_DEFAULTS.monitorScheduleMinutes,
    },
  };
  // The local cell and the CDK both build the plan: a name Lambda would refuse fails both at once.
  const problems = overlongFunctionNames(plan);
  if (problems.length) throw new CellDefinitionError(problems.map((problem) => `cell "${cell.id}": ${problem}`));
  return plan;
}

/**
 * The consume function of one stage and consumer: `bems-<cell>-consume-<stage>-<consumer>`. Stage
 * before consumer, as in the queue names (`bems-<cell>-<stage>-<consumer>.fifo`), and every consume
 * function of a cell keeps the `bems-<cell>-consume-` prefix (one IAM or console filter finds them).
 */
function consumeFunction(prefix: string, spec: ConsumerSpec): FunctionPlan<'consume'> {
  const { stage, consumer } = spec;
  const feeds = [eventSource(stage, spec.queue, consumer)];
  return {
    key: `consume-${stage}-${consumer}`,
    handler: 'consume',
    functionName: `${prefix}-consume-${stage}-${consumer}`,
    description: `BEMS ${designName(stage)} (consumer ${consumer}): the ${stage} FIFO queue to the analytics store`,
    consumer,
    stage,
    eventSources: feeds,
    timeoutSeconds: queueFunctionTimeoutSeconds(feeds),
    memoryMiB: FUNCTION_DEFAULTS.memoryMiB.consume,
  };
}

/**
 * A `fargate` consumer of one stage: an ECS service named like the function it replaces (the same
 * partition, the same `consume` handler and environment), plus what the poller runtime needs.
 */
export interface ServicePlan extends FunctionPlan<'consume'> {
  readonly fargate: FargateSettings;
  /** The one queue it polls, with the poller's settings (the event source a Lambda function would have). */
  readonly source: EventSourcePlan;
  /** Long-poll wait of each ReceiveMessage. */
  readonly waitTimeSeconds: number;
}

function consumeService(prefix: string, spec: ConsumerSpec): ServicePlan {
  const base = consumeFunction(prefix, spec);
  const fargate = spec.fargate!;
  return {
    ...base,
    key: `fargate-${spec.stage}-${spec.consumer}`,
    description: `BEMS ${designName(spec.stage)} (consumer ${spec.consumer}, Fargate): the ${spec.stage} FIFO queue to the analytics store`,
    timeoutSeconds: fargate.maxProcessingSeconds,
    memoryMiB: fargate.memoryMiB,
    fargate,
    source: base.eventSources[0]!,
    waitTimeSeconds: FUNCTION_DEFAULTS.pollerWaitTimeSeconds,
  };
}

/**
 * The poller runtime's variables (`POLLER_ENV`) of a service: its queue (by URL and ARN, which exist
 * only once the queue does) and how to poll it.
 */
export function pollerEnvironment(
  service: ServicePlan,
  queue: { readonly url: string; readonly arn: string },
): Record<string, string> {
  return {
    [POLLER_ENV.serviceName]: service.functionName,
    [POLLER_ENV.queueUrl]: queue.url,
    [POLLER_ENV.queueArn]: queue.arn,
    [POLLER_ENV.batchSize]: String(service.source.batchSize),
    [POLLER_ENV.waitTimeSeconds]: String(service.waitTimeSeconds),
    [POLLER_ENV.visibilityTimeoutSeconds]: String(service.source.queue.settings.visibilityTimeoutSeconds),
    [POLLER_ENV.maxProcessingSeconds]: String(service.fargate.maxProcessingSeconds),
  };
}

/** The design's name of a stage's processor, e.g. `InvoicePostingProcessor`. */
export function designName(stage: Stage): string {
  return `Invoice${stage[0]!.toUpperCase()}${stage.slice(1)}Processor`;
}

/**
 * Function names over Lambda's limit, each with the way out. A cell id and a consumer name may each
 * take 24 characters, so `bems-<cell>-consume-reconciliation-<consumer>` can reach 77.
 */
export function overlongFunctionNames(plan: CellFunctionPlan): string[] {
  return planFunctions(plan)
    .filter((fn) => fn.functionName.length > LAMBDA_FUNCTION_NAME_LIMIT)
    .map(
      (fn) =>
        `function name ${fn.functionName} has ${fn.functionName.length} characters; Lambda allows ` +
        `${LAMBDA_FUNCTION_NAME_LIMIT}: shorten the cell id${fn.consumer ? ` or the consumer name "${fn.consumer}"` : ''}`,
    );
}

/** Every function of the plan: ingest, forward, the consumers, the monitor. */
export function planFunctions(plan: CellFunctionPlan): FunctionPlan[] {
  return [plan.ingest, plan.forward, ...plan.consumers, plan.monitor];
}

function eventSource(stage: Stage, queue: QueueSpec, consumer?: string): EventSourcePlan {
  const { settings } = queue;
  return {
    stage,
    ...(consumer ? { consumer } : {}),
    queue,
    // FIFO and Lambda cap the batch at 10; a FIFO source has one batch in flight per message group.
    batchSize: settings.batchSize,
    batchingWindowSeconds: queue.fifo ? 0 : settings.batchingWindowSeconds,
    // Caps the invocations per queue, so one stage's backlog cannot take every SNS FIFO publish
    // slot (forward) or overrun Timestream and the account's concurrency (consume).
    maxConcurrency: settings.maxConcurrency,
    reportBatchItemFailures: true,
  };
}

/** A queue-fed function must finish well inside the shortest visibility timeout of its queues. */
function queueFunctionTimeoutSeconds(sources: readonly EventSourcePlan[]): number {
  const visibility = Math.min(...sources.map((s) => s.queue.settings.visibilityTimeoutSeconds));
  const seconds = Math.floor(visibility / FUNCTION_DEFAULTS.visibilityToTimeoutRatio);
  return Math.min(seconds, FUNCTION_DEFAULTS.maxQueueFunctionTimeoutSeconds);
}

/**
 * The names of resources an environment refers to, which exist only once the resources do: tokens in
 * the CDK stack, what the emulators answered in the local cell.
 */
export interface FunctionResources {
  readonly ingest: {
    /** The idempotency table; absent turns idempotency off (the benchmark's comparison run). */
    readonly idempotencyTableName?: string;
  };
  readonly forward: { readonly stageTopicArns: Readonly<Record<Stage, string>> };
  readonly consume: Record<string, never>;
  readonly monitor: {
    /** Queue URL = prefix + queue name. */
    readonly queueUrlPrefix: string;
    readonly alertTopicArns: Readonly<Record<AlertSeverity, string>>;
    /** Where the monitor keeps its alert state: an S3 object (AWS) or a file (local cell). */
    readonly stateStore: { readonly bucketName: string; readonly key: string } | { readonly file: string };
    /** The parked store: the cell's bucket (AWS) or a directory (local cell); none leaves it out. */
    readonly parkedStore?: { readonly bucketName: string } | { readonly directory: string };
  };
}

/**
 * Encodes a value that holds resource references as JSON: `stack.toJsonString` in the CDK (the
 * references are tokens), `JSON.stringify` locally.
 */
export type JsonEncoder = (value: unknown) => string;

/**
 * The environment of one function of the plan (the contract in `schemas/functionEnvironment.ts`),
 * from the cell definition and the names of the resources it uses. What the runtime provides
 * (Region, credentials; locally the emulator endpoints) is not part of it.
 */
export function functionEnvironment<H extends HandlerName>(
  cell: CellDefinition,
  fn: FunctionPlan<H>,
  resources: FunctionResources[H],
  toJson: JsonEncoder = JSON.stringify,
): Record<string, string> {
  const own = OWN_ENVIRONMENT[fn.handler] as OwnEnvironment<H>;
  return {
    [COMMON_ENV.connectionReuse]: '1',
    [COMMON_ENV.cellId]: cell.id,
    [COMMON_ENV.serviceName]: metricServiceName(fn.handler),
    [COMMON_ENV.metricsNamespace]: METRICS_NAMESPACE,
    [COMMON_ENV.logLevel]: FUNCTION_DEFAULTS.logLevel,
    ...own({ cell, topology: cellTopology(cell), fn, resources, toJson }),
  };
}

interface EnvironmentInputs<H extends HandlerName> {
  readonly cell: CellDefinition;
  readonly topology: CellTopology;
  readonly fn: FunctionPlan<H>;
  readonly resources: FunctionResources[H];
  readonly toJson: JsonEncoder;
}
type OwnEnvironment<H extends HandlerName> = (inputs: EnvironmentInputs<H>) => Record<string, string>;

/** Each handler's own variables. */
const OWN_ENVIRONMENT: { readonly [H in HandlerName]: OwnEnvironment<H> } = {
  ingest: ({ cell, topology, resources }) => ({
    [INGEST_ENV.eventBusName]: topology.busName,
    [INGEST_ENV.maxEventAgeDays]: String(topology.maxEventAgeDays),
    [INGEST_ENV.stages]: topology.stages.map((s) => s.stage).join(','),
    ...(resources.idempotencyTableName
      ? {
          [INGEST_ENV.idempotencyTableName]: resources.idempotencyTableName,
          [INGEST_ENV.idempotencyWindowHours]: String(cell.api.idempotencyWindowHours),
        }
      : {}),
  }),
  forward: ({ topology, fn, resources, toJson }) => ({
    [FORWARD_ENV.stageTopicArns]: toJson(
      Object.fromEntries(fn.eventSources.map((source) => [source.stage, resources.stageTopicArns[source.stage]])),
    ),
    [FORWARD_ENV.failureTableName]: topology.failureTable,
  }),
  consume: ({ topology, fn }) => ({
    ...(topology.analyticsStore === 'lakehouse'
      ? { [CONSUME_ENV.analyticsStore]: 'lakehouse', [CONSUME_ENV.firehoseStreamName]: topology.analyticsStream }
      : {
          [CONSUME_ENV.timestreamDatabaseName]: topology.timestreamDatabase,
          [CONSUME_ENV.timestreamTableName]: topology.timestreamTable,
        }),
    [CONSUME_ENV.consumerName]: fn.consumer!,
    [CONSUME_ENV.failureTableName]: topology.failureTable,
  }),
  monitor: ({ cell, topology, resources, toJson }) => ({
    [MONITOR_ENV.cellTopology]: JSON.stringify(monitorTopologyOf(topology, resources.queueUrlPrefix)),
    [MONITOR_ENV.alertTopicArns]: toJson(resources.alertTopicArns),
    // A lakehouse cell's monitor has no Timestream table: no SLA query, no write probe (StuckEventMonitor).
    ...(topology.analyticsStore === 'timestream'
      ? {
          [MONITOR_ENV.timestreamDatabaseName]: topology.timestreamDatabase,
          [MONITOR_ENV.timestreamTableName]: topology.timestreamTable,
        }
      : {}),
    [MONITOR_ENV.redrivePolicy]: JSON.stringify(cell.redrive),
    ...('bucketName' in resources.stateStore
      ? { [MONITOR_ENV.stateBucket]: resources.stateStore.bucketName, [MONITOR_ENV.stateKey]: resources.stateStore.key }
      : { [MONITOR_ENV.stateFile]: resources.stateStore.file }),
    ...(resources.parkedStore === undefined
      ? {}
      : 'bucketName' in resources.parkedStore
        ? { [MONITOR_ENV.parkedBucket]: resources.parkedStore.bucketName }
        : { [MONITOR_ENV.parkedDirectory]: resources.parkedStore.directory }),
  }),
};

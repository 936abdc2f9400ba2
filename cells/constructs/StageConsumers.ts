import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { CellDefinition } from '../definition.ts';
import { type FunctionPlan, functionEnvironment, type ServicePlan } from '../functionPlan.ts';
import { resourcePrefix } from '../topology.ts';
import { CellFunction, PROJECT_ROOT } from './CellFunction.ts';
import type { ConsumerStore } from './consumerStore.ts';
import { FargateConsumer } from './FargateConsumer.ts';
import { FargateNetwork } from './FargateNetwork.ts';
import type { GameDayTarget } from './GameDays.ts';
import type { QueueWithDlq } from './QueueWithDlq.ts';
import type { StagePipeline } from './StagePipeline.ts';
import { TIMESTREAM_ENDPOINT_DISCOVERY } from './StuckEventMonitor.ts';

export interface StageConsumersProps {
  readonly cell: CellDefinition;
  /** The consume functions of the function plan, one per stage and `lambda` consumer. */
  readonly plans: readonly FunctionPlan<'consume'>[];
  /** The Fargate services of the function plan, one per stage and `fargate` consumer. */
  readonly services: readonly ServicePlan[];
  readonly pipelines: readonly StagePipeline[];
  readonly store: ConsumerStore;
  readonly encryptionKey: kms.IKey;
}

/**
 * The consume side of every stage (DESIGN §2, "one function per partition"): a function per stage and
 * consumer — InvoiceIngestionProcessor, …ReconciliationProcessor, …AuthorizationProcessor,
 * …PostingProcessor for each consumer — with its own role (write to the store, consume its one queue),
 * log group and event source, so a stage that fails, is throttled or redeployed touches no other.
 */
export class StageConsumers extends Construct {
  /** By plan key (`consume-<stage>-<consumer>`), in plan order. */
  public readonly functions: ReadonlyMap<string, CellFunction>;
  /** By plan key (`fargate-<stage>-<consumer>`); empty without a `fargate` consumer. */
  public readonly services: ReadonlyMap<string, FargateConsumer>;
  /** The cluster, its network and the poller image, when the cell has a `fargate` consumer. */
  public readonly fargate?: { readonly network: FargateNetwork; readonly cluster: ecs.Cluster };
  private readonly pipelines: readonly StagePipeline[];

  constructor(scope: Construct, id: string, props: StageConsumersProps) {
    super(scope, id);
    this.pipelines = props.pipelines;
    this.functions = new Map(props.plans.map((plan) => [plan.key, this.createFunction(plan, props)]));
    if (props.services.length === 0) {
      this.services = new Map();
      return;
    }
    const network = new FargateNetwork(this, 'Network', {
      prefix: resourcePrefix(props.cell.id),
      ...(props.cell.network ? { settings: props.cell.network } : {}),
      encryptionKey: props.encryptionKey,
    });
    const cluster = new ecs.Cluster(this, 'Cluster', {
      clusterName: `${resourcePrefix(props.cell.id)}-consumers`,
      vpc: network.vpc,
      // RunningTaskCount, the divisor of backlog per task, is a Container Insights metric.
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    this.fargate = { network, cluster };
    const image = pollerImage();
    this.services = new Map(
      props.services.map((plan) => [
        plan.key,
        new FargateConsumer(this, `Fargate-${plan.stage}-${plan.consumer}`, {
          cell: props.cell,
          plan,
          queue: this.queueOf(plan.stage, plan.consumer),
          cluster,
          subnets: network.subnets,
          image,
          store: props.store,
          encryptionKey: props.encryptionKey,
        }),
      ]),
    );
  }

  /** The FIFO queue (with DLQ) of one stage's consumer. */
  queueOf(stage: FunctionPlan['stage'], consumer: string | undefined): QueueWithDlq {
    const pipeline = this.pipelines.find((p) => p.spec.stage === stage);
    const found = pipeline?.consumers.find((c) => c.spec.consumer === consumer);
    if (!found) throw new Error(`no queue for consumer ${consumer} in stage ${stage}`);
    return found.queue;
  }

  /**
   * Game-day targets, one per consumer name: its consume functions in every stage, stopped by the
   * SLA alarms of their queues (one experiment set per consumer keeps the templates per cell few).
   */
  gameDayTargets(): GameDayTarget[] {
    const byConsumer = new Map<string, CellFunction[]>();
    for (const fn of this.functions.values()) {
      const consumer = fn.plan.consumer!;
      byConsumer.set(consumer, [...(byConsumer.get(consumer) ?? []), fn]);
    }
    return [...byConsumer].map(([consumer, functions]) => ({
      consumer,
      functions,
      queues: functions.map((fn) => this.queueOf(fn.plan.stage, consumer)),
    }));
  }

  private createFunction(plan: FunctionPlan<'consume'>, props: StageConsumersProps): CellFunction {
    const fn = new CellFunction(this, `Consume-${plan.stage}-${plan.consumer}`, {
      plan,
      environment: functionEnvironment(props.cell, plan, {}),
      encryptionKey: props.encryptionKey,
      unscopedActionReasons: props.store.endpointDiscovery ? [TIMESTREAM_ENDPOINT_DISCOVERY] : [],
    });
    props.store.grantWrite(fn.function);
    for (const source of plan.eventSources)
      fn.addQueueEventSource(source, this.queueOf(source.stage, plan.consumer).queue);
    return fn;
  }
}

/** The poller runtime's Dockerfile, relative to its build context (the repository root, see `.dockerignore`). */
export const POLLER_DOCKERFILE = 'runtimes/fargatePoller/Dockerfile';

/**
 * The image every Fargate consumer runs: built from the Dockerfile by `cdk deploy` (for arm64), only
 * staged by synthesis, which so needs no Docker.
 */
function pollerImage(): ecs.ContainerImage {
  return ecs.ContainerImage.fromAsset(PROJECT_ROOT, { file: POLLER_DOCKERFILE, platform: Platform.LINUX_ARM64 });
}

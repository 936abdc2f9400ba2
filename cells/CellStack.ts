import { Fn, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import type { Stage } from '../schemas/stages.ts';
import { AlertTopics } from './constructs/AlertTopics.ts';
import { ApiFirewall } from './constructs/ApiFirewall.ts';
import { CellAccessRoles } from './constructs/CellAccessRoles.ts';
import { CellAlarms } from './constructs/CellAlarms.ts';
import { CellBus } from './constructs/CellBus.ts';
import { CellDashboard } from './constructs/CellDashboard.ts';
import { CellFunction } from './constructs/CellFunction.ts';
import { CellKey } from './constructs/CellKey.ts';
import { CellOutputs } from './constructs/CellOutputs.ts';
import { CELL_DEFAULTS } from './constructs/defaults.ts';
import { GameDays } from './constructs/GameDays.ts';
import { IdempotencyTable } from './constructs/IdempotencyTable.ts';
import { InvoiceApi } from './constructs/InvoiceApi.ts';
import { athenaSource } from './constructs/LakehouseQuickSight.ts';
import { LakehouseStore } from './constructs/LakehouseStore.ts';
import { LatencyRouting } from './constructs/LatencyRouting.ts';
import type { QueueWithDlq } from './constructs/QueueWithDlq.ts';
import { QuickSightDashboards, timestreamSource } from './constructs/QuickSightDashboards.ts';
import { StageConsumers } from './constructs/StageConsumers.ts';
import { StagePipeline } from './constructs/StagePipeline.ts';
import { StuckEventMonitor } from './constructs/StuckEventMonitor.ts';
import { TimeseriesStore } from './constructs/TimeseriesStore.ts';
import type { CellDefinition } from './definition.ts';
import { assertDeployable } from './deployable.ts';
import { type CellFunctionPlan, functionEnvironment, functionPlan } from './functionPlan.ts';
import { monitorTopologyOf } from './monitorTopology.ts';
import { type CellTopology, cellTopology, resourcePrefix } from './topology.ts';

export interface CellStackProps extends StackProps {
  /** The validated cell definition (`awsCells()`); the stack's env is taken from it. */
  readonly cell: CellDefinition;
}

/**
 * One Regional BEMS cell on AWS (DESIGN §2), built from the same definition and topology as the
 * local cell. Everything it creates is exposed as a public field, so later additions (QuickSight
 * dashboards, FIS experiment templates) are built from these fields at the end of the constructor
 * without reaching into the constructs.
 */
export class CellStack extends Stack {
  public readonly cell: CellDefinition;
  public readonly topology: CellTopology;
  /** The cell's functions as `functionPlan()` defines them (the local cell runs the same plan). */
  public readonly plan: CellFunctionPlan;
  public readonly prefix: string;
  public readonly key: CellKey;
  public readonly alerts: AlertTopics;
  public readonly bus: CellBus;
  /** Per stage, in STAGES order. */
  public readonly pipelines: readonly StagePipeline[];
  /** The analytics store: `timeseries` for a `timestream` cell, `lakehouse` for a `lakehouse` cell. */
  public readonly timeseries?: TimeseriesStore;
  public readonly lakehouse?: LakehouseStore;
  /** The ingest API's idempotency records (one per eventId, for the idempotency window). */
  public readonly idempotency: IdempotencyTable;
  public readonly ingest: CellFunction;
  public readonly forward: CellFunction;
  /** One consume function per stage and consumer (`StageConsumers`), by plan key. */
  public readonly consumers: ReadonlyMap<string, CellFunction>;
  public readonly stageConsumers: StageConsumers;
  public readonly api: InvoiceApi;
  public readonly firewall: ApiFirewall;
  public readonly monitor: StuckEventMonitor;
  public readonly alarms: CellAlarms;
  public readonly dashboard: CellDashboard;
  public readonly outputs: CellOutputs;
  /** Present when the cell has a `domain`. */
  public readonly routing?: LatencyRouting;
  /** FIS experiment templates for game days on the consume functions. */
  public readonly gameDays: GameDays;
  /** Present when the cell has a `quicksightPrincipalArn`. */
  public readonly quicksight?: QuickSightDashboards;

  constructor(scope: Construct, id: string, props: CellStackProps) {
    const { cell } = props;
    assertDeployable(cell);
    super(scope, id, {
      stackName: resourcePrefix(cell.id),
      description: `BEMS cell ${cell.id} (${cell.region}): invoice events API, bus, stage queues, time series, monitoring`,
      terminationProtection: true,
      ...props,
      env: { account: cell.account, region: cell.region },
    });
    this.cell = cell;
    this.topology = cellTopology(cell);
    this.plan = functionPlan(cell, this.topology);
    this.prefix = resourcePrefix(cell.id);
    Tags.of(this).add('bems:cell', cell.id);
    Tags.of(this).add('project', 'bems');

    this.key = new CellKey(this, 'Key', { prefix: this.prefix });
    const encryptionKey = this.key.key;
    this.alerts = new AlertTopics(this, 'Alerts', { prefix: this.prefix, subscriptions: cell.alerts, encryptionKey });
    this.bus = new CellBus(this, 'Events', {
      busName: this.topology.busName,
      archiveName: this.topology.archiveName,
      archiveRetentionDays: cell.archiveRetentionDays,
      encryptionKey,
    });
    this.pipelines = this.topology.stages.map(
      (spec) => new StagePipeline(this, `Stage-${spec.stage}`, { spec, bus: this.bus.bus, encryptionKey }),
    );
    if (cell.analytics.store === 'lakehouse') {
      this.lakehouse = new LakehouseStore(this, 'Lakehouse', {
        prefix: this.prefix,
        streamName: this.topology.analyticsStream,
        encryptionKey,
      });
    } else {
      this.timeseries = new TimeseriesStore(this, 'Timeseries', {
        databaseName: this.topology.timestreamDatabase,
        tableName: this.topology.timestreamTable,
        retention: cell.timestream,
        encryptionKey,
      });
    }
    this.idempotency = new IdempotencyTable(this, 'Idempotency', {
      tableName: this.topology.idempotencyTable,
      encryptionKey,
    });

    this.ingest = this.createIngest();
    this.forward = this.createForward();
    this.stageConsumers = this.createConsumers();
    this.consumers = this.stageConsumers.functions;
    this.api = this.createApi();
    this.firewall = new ApiFirewall(this, 'Firewall', {
      prefix: this.prefix,
      stageArn: this.api.api.deploymentStage.stageArn,
      requestsPerMinutePerIp: cell.api.wafRequestsPerMinutePerIp,
    });
    this.monitor = new StuckEventMonitor(this, 'Monitor', {
      cell,
      plan: this.plan.monitor,
      queues: this.queues(),
      alerts: this.alerts,
      ...(this.timeseries ? { timeseries: this.timeseries } : {}),
      encryptionKey,
      failureWriters: [this.forward, ...this.consumers.values()],
    });
    this.alarms = new CellAlarms(this, 'Alarms', {
      cellId: cell.id,
      prefix: this.prefix,
      api: this.api.api,
      queues: this.queues(),
      partitions: this.topology.stages.flatMap((stage) => stage.consumers),
      settings: cell.stageAlarms,
      functions: [this.forward, ...this.consumers.values(), this.monitor.handler],
      alerts: this.alerts,
      visibilityTargetSeconds: cell.visibilityTargetSeconds,
    });
    this.dashboard = new CellDashboard(this, 'Dashboard', {
      cellId: cell.id,
      prefix: this.prefix,
      api: this.api.api,
      pipelines: this.pipelines,
      functions: this.functions(),
      alarms: this.alarms.alarms,
    });
    this.routing = this.createRouting();
    this.outputs = new CellOutputs(this, 'Outputs', { cellId: cell.id });
    this.publishOutputs(this.functions());
    this.quicksight = this.createQuickSight();
    this.gameDays = this.createGameDays();
    if (cell.access) new CellAccessRoles(this, 'Access', this, cell.access); // bems-<cell>-operator / -readonly
  }

  /** CloudFormation's zones (Fn::GetAZs), never a context lookup: synthesis needs no AWS account. */
  override get availabilityZones(): string[] {
    return [0, 1, 2].map((i) => Fn.select(i, Fn.getAzs()));
  }

  private createApi(): InvoiceApi {
    const api = new InvoiceApi(this, 'Api', {
      prefix: this.prefix,
      stages: this.topology.stages.map((s) => s.stage),
      clients: this.cell.apiClients,
      settings: this.cell.api,
      ingestFunction: this.ingest.invocable,
      encryptionKey: this.key.key,
    });
    this.key.allowLogGroups(`API-Gateway-Execution-Logs_${api.api.restApiId}/*`);
    return api;
  }

  /** Latency-based routing across cells, for cells with a `domain`. */
  private createRouting(): LatencyRouting | undefined {
    if (!this.cell.domain) return undefined;
    return new LatencyRouting(this, 'Routing', {
      cellId: this.cell.id,
      domain: this.cell.domain,
      api: this.api.api,
      healthPath: `/${CELL_DEFAULTS.apiStageName}/health`,
      healthAlarm: this.alarms.api5xxAlarm,
    });
  }

  /** Every function of the cell, in plan order. */
  private functions(): CellFunction[] {
    return [this.ingest, this.forward, ...this.consumers.values(), this.monitor.handler];
  }

  /** Every queue of the cell (inboxes and consumer queues), in stage order. */
  private queues(): QueueWithDlq[] {
    return this.pipelines.flatMap((p) => [p.inbox, ...p.consumers.map((c) => c.queue)]);
  }

  private pipelineOf(stage: Stage): StagePipeline {
    return this.pipelines.find((p) => p.spec.stage === stage)!;
  }

  /**
   * ingest: API → bus. No reserved concurrency: API throttling (usage plans, method limits) is the
   * admission control, and a cap here would turn a surge into 5xx instead of 429.
   */
  private createIngest(): CellFunction {
    const plan = this.plan.ingest;
    const fn = new CellFunction(this, 'Ingest', {
      plan,
      environment: functionEnvironment(this.cell, plan, { idempotencyTableName: this.idempotency.table.tableName }),
      encryptionKey: this.key.key,
    });
    this.bus.bus.grantPutEventsTo(fn.function);
    this.idempotency.grantRecordAccess(fn.function);
    return fn;
  }

  /** forward: every stage inbox → that stage's SNS FIFO topic. */
  private createForward(): CellFunction {
    const plan = this.plan.forward;
    const topicArns = this.pipelines.map((p) => [p.spec.stage, p.topic.topicArn] as const);
    const stageTopicArns = Object.fromEntries(topicArns) as Record<Stage, string>;
    const fn = new CellFunction(this, 'Forward', {
      plan,
      environment: functionEnvironment(this.cell, plan, { stageTopicArns }, (value) => this.toJsonString(value)),
      encryptionKey: this.key.key,
    });
    fn.acknowledgeKeyGrantWildcards('kms:GenerateDataKey*');
    for (const source of plan.eventSources) {
      const pipeline = this.pipelineOf(source.stage);
      pipeline.topic.grantPublish(fn.function);
      fn.addQueueEventSource(source, pipeline.inbox.queue);
    }
    return fn;
  }

  /** consume: one function per stage and consumer, fed by that consumer's FIFO queue of the stage. */
  private createConsumers(): StageConsumers {
    const { lakehouse, timeseries, plan } = this;
    return new StageConsumers(this, 'Consumers', {
      ...{ cell: this.cell, plans: plan.consumers, services: plan.services, pipelines: this.pipelines },
      store: lakehouse
        ? { grantWrite: (grantee) => lakehouse.grantPut(grantee), endpointDiscovery: false }
        : { grantWrite: (grantee) => timeseries!.grantWrite(grantee), endpointDiscovery: true },
      encryptionKey: this.key.key,
    });
  }

  /** Business dashboards in QuickSight, only for cells that name a principal to share them with. */
  private createQuickSight(): QuickSightDashboards | undefined {
    if (!this.cell.quicksightPrincipalArn) return undefined;
    const quicksight = new QuickSightDashboards(this, 'QuickSight', {
      principalArn: this.cell.quicksightPrincipalArn,
      cellId: this.cell.id,
      prefix: this.prefix,
      source: this.lakehouse
        ? athenaSource(this.lakehouse, this.topology)
        : timestreamSource({ topology: this.topology, timeseries: this.timeseries! }),
      cloudWatchDashboardName: this.dashboard.dashboard.dashboardName,
    });
    this.outputs.add(
      'quicksight/dashboard-id',
      quicksight.dashboardId,
      'QuickSight dashboard (executive, operations, finance)',
    );
    return quicksight;
  }

  /**
   * Game days (issue 8): FIS experiments on every consumer's functions, each stopped by the
   * queue-age SLA alarms of the queues those functions consume.
   */
  private createGameDays(): GameDays {
    const gameDays = new GameDays(this, 'GameDays', {
      prefix: this.prefix,
      enabled: this.cell.gameDays.enabled,
      targets: this.stageConsumers.gameDayTargets(),
      // CellAlarms names each queue's age alarm `Age-<queue name>`; findChild fails the synth if that changes.
      slaAlarmOf: (queue) => this.alarms.node.findChild(`Age-${queue.spec.name}`) as cloudwatch.Alarm,
      encryptionKey: this.key.key,
    });
    gameDays.addOutputs(this.outputs);
    return gameDays;
  }

  private publishOutputs(functions: readonly CellFunction[]): void {
    const out = this.outputs;
    this.api.addOutputs(out);
    if (this.routing) out.add('api/domain', this.cell.domain!.name, 'Shared name of all cells (latency routing)');
    this.bus.addOutputs(out);
    for (const pipeline of this.pipelines) pipeline.addOutputs(out);
    this.timeseries?.addOutputs(out);
    this.lakehouse?.addOutputs(out);
    this.alerts.addOutputs(out);
    for (const fn of functions) out.add(`functions/${fn.plan.key}`, fn.functionName, 'Lambda function');
    out.add(
      'monitor/state-key',
      this.monitor.stateKey,
      'Key of the monitor alert state in the parked bucket (dlq/parked-bucket)',
    );
    out.add('dashboard', this.dashboard.dashboard.dashboardName, 'CloudWatch dashboard');
    out.add(
      'topology',
      JSON.stringify(monitorTopologyOf(this.topology, `https://sqs.${this.region}.${this.urlSuffix}/${this.account}/`)),
      'Queues, DLQs and SLAs of the cell (MonitorTopology JSON, cells/monitorTopology.ts)',
    );
  }
}

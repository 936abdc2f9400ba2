import { Duration, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../schemas/metrics.ts';
import { AlertTopics } from './constructs/AlertTopics.ts';
import { ApiFirewall } from './constructs/ApiFirewall.ts';
import { CellAlarms } from './constructs/CellAlarms.ts';
import { CellBus } from './constructs/CellBus.ts';
import { CellDashboard } from './constructs/CellDashboard.ts';
import { CellFunction } from './constructs/CellFunction.ts';
import { CellKey } from './constructs/CellKey.ts';
import { CellOutputs } from './constructs/CellOutputs.ts';
import { CELL_DEFAULTS, SEVERITIES } from './constructs/defaults.ts';
import { GameDays } from './constructs/GameDays.ts';
import { InvoiceApi } from './constructs/InvoiceApi.ts';
import { LatencyRouting } from './constructs/LatencyRouting.ts';
import type { QueueWithDlq } from './constructs/QueueWithDlq.ts';
import { QuickSightDashboards } from './constructs/QuickSightDashboards.ts';
import { StagePipeline } from './constructs/StagePipeline.ts';
import { StuckEventMonitor, TIMESTREAM_ENDPOINT_DISCOVERY } from './constructs/StuckEventMonitor.ts';
import { TimeseriesStore } from './constructs/TimeseriesStore.ts';
import { type CellDefinition, CellDefinitionError } from './definition.ts';
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
  public readonly prefix: string;
  public readonly key: CellKey;
  public readonly alerts: AlertTopics;
  public readonly bus: CellBus;
  /** Per stage, in STAGES order. */
  public readonly pipelines: readonly StagePipeline[];
  public readonly timeseries: TimeseriesStore;
  public readonly ingest: CellFunction;
  public readonly forward: CellFunction;
  /** One consume function per consumer name; it serves that consumer's queue in every stage. */
  public readonly consumers: ReadonlyMap<string, CellFunction>;
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
    const queues: QueueWithDlq[] = this.pipelines.flatMap((p) => [p.inbox, ...p.consumers.map((c) => c.queue)]);

    this.timeseries = new TimeseriesStore(this, 'Timeseries', {
      databaseName: this.topology.timestreamDatabase,
      tableName: this.topology.timestreamTable,
      memoryRetentionHours: cell.timestream.memoryRetentionHours,
      magneticRetentionDays: cell.timestream.magneticRetentionDays,
      encryptionKey,
    });

    const common = (service: string) => ({
      CELL_ID: cell.id,
      POWERTOOLS_SERVICE_NAME: `bems-${service}`,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });

    // ingest: API → bus. No reserved concurrency: API throttling (usage plans, method limits) is
    // the admission control, and a cap here would turn a surge into 5xx instead of 429.
    this.ingest = new CellFunction(this, 'Ingest', {
      handler: 'ingest',
      functionName: `${this.prefix}-ingest`,
      description: 'BEMS ingest: validates invoice events and puts them on the cell bus',
      memorySize: CELL_DEFAULTS.memoryMiB.ingest,
      timeout: CELL_DEFAULTS.ingestTimeout,
      encryptionKey,
      environment: {
        ...common('ingest'),
        EVENT_BUS_NAME: this.topology.busName,
        MAX_EVENT_AGE_DAYS: String(this.topology.maxEventAgeDays),
        STAGES: this.topology.stages.map((s) => s.stage).join(','),
      },
    });
    this.bus.bus.grantPutEventsTo(this.ingest.function);

    // forward: every stage inbox → that stage's SNS FIFO topic.
    this.forward = new CellFunction(this, 'Forward', {
      handler: 'forward',
      functionName: `${this.prefix}-forward`,
      description: 'BEMS forward: stage inbox (SQS standard) to the stage SNS FIFO topic, grouped by invoice',
      memorySize: CELL_DEFAULTS.memoryMiB.forward,
      timeout: queueFunctionTimeout(this.pipelines.map((p) => p.inbox)),
      encryptionKey,
      environment: {
        ...common('forward'),
        STAGE_TOPIC_ARNS: this.toJsonString(
          Object.fromEntries(this.pipelines.map((p) => [p.spec.stage, p.topic.topicArn])),
        ),
      },
    });
    this.forward.acknowledgeKeyGrantWildcards('kms:GenerateDataKey*');
    for (const pipeline of this.pipelines) {
      const { settings } = pipeline.inbox.spec;
      pipeline.topic.grantPublish(this.forward.function);
      this.forward.function.addEventSource(
        new SqsEventSource(pipeline.inbox.queue, {
          batchSize: settings.batchSize,
          maxBatchingWindow:
            settings.batchingWindowSeconds > 0 ? Duration.seconds(settings.batchingWindowSeconds) : undefined,
          reportBatchItemFailures: true,
          // Caps the publishers per stage, so one stage's backlog cannot take every SNS FIFO publish slot.
          maxConcurrency: settings.maxConcurrency,
        }),
      );
    }

    // consume: one function per consumer name, fed by that consumer's FIFO queue in each stage.
    const consumerNames = [...new Set(this.pipelines.flatMap((p) => p.consumers.map((c) => c.spec.consumer)))];
    this.consumers = new Map(
      consumerNames.map((consumer) => {
        const feeds = this.pipelines.flatMap((p) => p.consumers.filter((c) => c.spec.consumer === consumer));
        const fn = new CellFunction(this, `Consume-${consumer}`, {
          handler: 'consume',
          functionName: `${this.prefix}-consume-${consumer}`,
          description: `BEMS consume (${consumer}): stage FIFO queues to Timestream`,
          memorySize: CELL_DEFAULTS.memoryMiB.consume,
          timeout: queueFunctionTimeout(feeds.map((f) => f.queue)),
          encryptionKey,
          unscopedActionReasons: [TIMESTREAM_ENDPOINT_DISCOVERY],
          environment: {
            ...common('consume'),
            TIMESTREAM_DATABASE_NAME: this.timeseries.databaseName,
            TIMESTREAM_TABLE_NAME: this.timeseries.tableName,
            CONSUMER_NAME: consumer,
          },
        });
        this.timeseries.grantWrite(fn.function);
        for (const feed of feeds) {
          fn.function.addEventSource(
            new SqsEventSource(feed.queue.queue, {
              // FIFO: at most 10 and no batching window; one batch in flight per message group.
              batchSize: feed.queue.spec.settings.batchSize,
              reportBatchItemFailures: true,
              // Protects Timestream (and the account's concurrency) from one stage's backlog.
              maxConcurrency: feed.queue.spec.settings.maxConcurrency,
            }),
          );
        }
        return [consumer, fn] as const;
      }),
    );

    this.api = new InvoiceApi(this, 'Api', {
      prefix: this.prefix,
      stages: this.topology.stages.map((s) => s.stage),
      clients: cell.apiClients,
      settings: cell.api,
      ingestFunction: this.ingest.function,
      encryptionKey,
    });
    this.key.allowLogGroups(`API-Gateway-Execution-Logs_${this.api.api.restApiId}/*`);
    this.firewall = new ApiFirewall(this, 'Firewall', {
      prefix: this.prefix,
      stageArn: this.api.api.deploymentStage.stageArn,
      requestsPerMinutePerIp: cell.api.wafRequestsPerMinutePerIp,
    });

    this.monitor = new StuckEventMonitor(this, 'Monitor', {
      topology: this.topology,
      redrive: cell.redrive,
      queues,
      alerts: this.alerts,
      timeseries: this.timeseries,
      encryptionKey,
      commonEnvironment: common('monitor'),
    });

    this.alarms = new CellAlarms(this, 'Alarms', {
      cellId: cell.id,
      prefix: this.prefix,
      api: this.api.api,
      queues,
      functions: [this.forward, ...this.consumers.values(), this.monitor.handler],
      alerts: this.alerts,
    });
    const functions = [this.ingest, this.forward, ...this.consumers.values(), this.monitor.handler];
    this.dashboard = new CellDashboard(this, 'Dashboard', {
      cellId: cell.id,
      prefix: this.prefix,
      api: this.api.api,
      pipelines: this.pipelines,
      functions,
      alarms: this.alarms.alarms,
    });

    if (cell.domain) {
      this.routing = new LatencyRouting(this, 'Routing', {
        cellId: cell.id,
        domain: cell.domain,
        api: this.api.api,
        healthPath: `/${CELL_DEFAULTS.apiStageName}/health`,
        healthAlarm: this.alarms.api5xxAlarm,
      });
    }

    this.outputs = new CellOutputs(this, 'Outputs', { cellId: cell.id });
    this.publishOutputs(functions);

    // Business dashboards in QuickSight, only for cells that name a principal to share them with.
    if (cell.quicksightPrincipalArn) {
      this.quicksight = new QuickSightDashboards(this, 'QuickSight', {
        principalArn: cell.quicksightPrincipalArn,
        cellId: cell.id,
        prefix: this.prefix,
        topology: this.topology,
        timeseries: this.timeseries,
        cloudWatchDashboardName: this.dashboard.dashboard.dashboardName,
      });
      this.outputs.add(
        'quicksight/dashboard-id',
        this.quicksight.dashboardId,
        'QuickSight dashboard (executive, operations, finance)',
      );
    }

    // Game days (issue 8): FIS experiments on every consume function, each stopped by the queue-age
    // SLA alarms of the queues that function consumes.
    this.gameDays = new GameDays(this, 'GameDays', {
      prefix: this.prefix,
      targets: [...this.consumers].map(([consumer, fn]) => ({
        consumer,
        function: fn,
        queues: this.pipelines.flatMap((p) =>
          p.consumers.filter((c) => c.spec.consumer === consumer).map((c) => c.queue),
        ),
      })),
      // CellAlarms names each queue's age alarm `Age-<queue name>`; findChild fails the synth if that changes.
      slaAlarmOf: (queue) => this.alarms.node.findChild(`Age-${queue.spec.name}`) as cloudwatch.Alarm,
      encryptionKey,
    });
    for (const [consumer, experiments] of this.gameDays.templates) {
      for (const [experiment, template] of experiments) {
        this.outputs.add(
          `gamedays/${consumer}/${experiment}`,
          template.attrId,
          `FIS experiment template: ${experiment} on the ${consumer} consume function (aws fis start-experiment)`,
        );
      }
    }
  }

  private publishOutputs(functions: readonly CellFunction[]): void {
    const out = this.outputs;
    out.add('api/url', this.api.url, 'Invoke URL of the cell API (POST {url}invoices/<stage>)');
    out.add('api/id', this.api.api.restApiId, 'REST API id');
    if (this.routing) out.add('api/domain', this.cell.domain!.name, 'Shared name of all cells (latency routing)');
    for (const { client, apiKey } of this.api.clients) {
      out.add(
        `api/keys/${client.name}`,
        apiKey.keyId,
        `API key id of client ${client.name} (value: aws apigateway get-api-key --include-value)`,
      );
    }
    out.add('bus/name', this.bus.bus.eventBusName, 'EventBridge bus');
    out.add('bus/arn', this.bus.bus.eventBusArn, 'EventBridge bus ARN');
    out.add('archive/name', this.bus.archive.archiveName, 'EventBridge archive (replay source)');
    out.add('archive/arn', this.bus.archive.archiveArn, 'EventBridge archive ARN');
    for (const { spec, topic, inbox, consumers } of this.pipelines) {
      const stage = `stages/${spec.stage}`;
      out.add(`${stage}/topic-arn`, topic.topicArn, `SNS FIFO topic of ${spec.stage}`);
      out.add(`${stage}/inbox-url`, inbox.queue.queueUrl, `Inbox queue of ${spec.stage}`);
      out.add(`${stage}/inbox-dlq-url`, inbox.deadLetterQueue.queueUrl, `Inbox DLQ of ${spec.stage}`);
      for (const consumer of consumers) {
        const path = `${stage}/consumers/${consumer.spec.consumer}`;
        out.add(
          `${path}/queue-url`,
          consumer.queue.queue.queueUrl,
          `FIFO queue of ${consumer.spec.consumer} in ${spec.stage}`,
        );
        out.add(
          `${path}/dlq-url`,
          consumer.queue.deadLetterQueue.queueUrl,
          `FIFO DLQ of ${consumer.spec.consumer} in ${spec.stage}`,
        );
      }
    }
    out.add('timestream/database', this.timeseries.databaseName, 'Timestream database');
    out.add('timestream/table', this.timeseries.tableName, 'Timestream table');
    out.add(
      'timestream/rejected-records-bucket',
      this.timeseries.rejectedRecordsBucket.bucketName,
      'S3 bucket of Timestream rejected-record reports',
    );
    for (const severity of SEVERITIES) {
      out.add(`alerts/${severity}`, this.alerts.topics[severity].topicArn, `SNS topic of ${severity} alerts`);
    }
    for (const fn of functions)
      out.add(`functions/${fn.functionName.slice(this.prefix.length + 1)}`, fn.functionName, 'Lambda function');
    out.add(
      'monitor/state-parameter',
      this.monitor.stateParameter.parameterName,
      'SSM parameter with the monitor alert state',
    );
    out.add('dashboard', this.dashboard.dashboard.dashboardName, 'CloudWatch dashboard');
    out.add(
      'topology',
      JSON.stringify(monitorTopologyOf(this.topology, `https://sqs.${this.region}.${this.urlSuffix}/${this.account}/`)),
      'Queues, DLQs and SLAs of the cell (MonitorTopology JSON, cells/monitorTopology.ts)',
    );
  }
}

/** A queue-fed function must finish well inside the shortest visibility timeout of its queues. */
function queueFunctionTimeout(queues: readonly QueueWithDlq[]): Duration {
  const visibility = Math.min(...queues.map((q) => q.spec.settings.visibilityTimeoutSeconds));
  const seconds = Math.floor(visibility / CELL_DEFAULTS.visibilityToTimeoutRatio);
  return Duration.seconds(Math.min(seconds, CELL_DEFAULTS.maxQueueFunctionTimeout.toSeconds()));
}

/** Minimum function timeout for a queue-fed function; shorter visibility timeouts are rejected up front. */
const MIN_QUEUE_FUNCTION_TIMEOUT_SECONDS = 3;

/** Checks what an AWS cell needs beyond the shared definition schema, reporting every problem at once. */
export function assertDeployable(cell: CellDefinition): void {
  const problems: string[] = [];
  const label = `cell "${cell.id}"`;
  if (cell.account === '000000000000')
    problems.push(`${label}: account 000000000000 is the local cell's, not an AWS account`);
  for (const client of cell.apiClients) {
    if (client.localKey !== undefined) {
      problems.push(`${label}: apiClients.${client.name}.localKey: AWS cells let API Gateway generate keys; remove it`);
    }
  }
  const minVisibility = MIN_QUEUE_FUNCTION_TIMEOUT_SECONDS * CELL_DEFAULTS.visibilityToTimeoutRatio;
  for (const stage of cellTopology(cell).stages) {
    for (const queue of [stage.inbox, ...stage.consumers.map((c) => c.queue)]) {
      if (queue.settings.visibilityTimeoutSeconds < minVisibility) {
        problems.push(
          `${label}: ${queue.name}: visibilityTimeoutSeconds ${queue.settings.visibilityTimeoutSeconds} is too short; ` +
            `a Lambda event source needs at least ${minVisibility} (6 x a ${MIN_QUEUE_FUNCTION_TIMEOUT_SECONDS} s function timeout)`,
        );
      }
    }
  }
  if (problems.length) throw new CellDefinitionError(problems);
}

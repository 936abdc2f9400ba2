import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { ALERT_SEVERITIES, type AlertSeverity } from '../schemas/alerts.ts';
import { METRICS } from '../schemas/metrics.ts';
import {
  type MonitorTopology,
  MonitorTopologySchema,
  type RedrivePolicy,
  RedrivePolicySchema,
} from '../schemas/monitorTopology.ts';
import { type AlertPublisher, SnsAlertPublisher } from './monitor/AlertPublisher.ts';
import { type DependencyProbe, TimestreamWriteProbe } from './monitor/DependencyProbe.ts';
import { MONITOR_DEFAULTS } from './monitor/defaults.ts';
import { FileMonitorStateStore } from './monitor/FileMonitorStateStore.ts';
import type { MonitorStateStore } from './monitor/MonitorState.ts';
import type { QueueStatsSource } from './monitor/QueueStatsSource.ts';
import { type MonitorReport, runMonitor } from './monitor/runMonitor.ts';
import { SqsCloudWatchQueueStats } from './monitor/SqsCloudWatchQueueStats.ts';
import { SsmMonitorStateStore } from './monitor/SsmMonitorStateStore.ts';
import type { StuckInvoiceSource } from './monitor/StuckInvoiceSource.ts';
import { TimestreamStuckInvoiceSource } from './monitor/TimestreamStuckInvoiceSource.ts';
import {
  type AwsClientConfig,
  awsClientConfig,
  sqsClientConfig,
  timestreamQueryClientConfig,
  timestreamWriteClientConfig,
} from './shared/awsClientConfig.ts';
import { type Env, EnvReader } from './shared/EnvReader.ts';
import { type CommonHandlerConfig, commonConfigFromEnv } from './shared/handlerConfig.ts';
import { createObservability, type ObservabilityOverrides, traced } from './shared/observability.ts';

/**
 * The stuck-event monitor Lambda, run every minute by EventBridge Scheduler (and periodically by
 * the local cell): queue and DLQ depth and age, invoices past their stage SLA, alerts by severity
 * that fire, escalate and resolve instead of repeating, and automatic redrive within the cell's
 * policy. The logic is `monitor/runMonitor.ts`; this file reads the environment and builds clients.
 *
 * Environment (the contract with `cells/constructs/StuckEventMonitor.ts`):
 * - `CELL_TOPOLOGY`: MonitorTopology JSON (queues, DLQs, SLAs);
 * - `ALERT_TOPIC_ARNS`: `{"critical": arn, "warning": arn, "info": arn}`;
 * - `REDRIVE_POLICY`: `{automatic, ratePerSecond, budgetPerMessage}` (defaults of the cell definition when absent);
 * - `MONITOR_STATE_PARAMETER` (SSM parameter name) or `MONITOR_STATE_FILE` (a JSON file path): the alert state;
 * - `TIMESTREAM_DATABASE_NAME`, `TIMESTREAM_TABLE_NAME`: the SLA query (Timestream Query) and the write
 *   probe run before redriving a consumer DLQ; without them the SLA check reports itself unavailable.
 */

export interface MonitorConfig extends CommonHandlerConfig {
  readonly topology: MonitorTopology;
  readonly alertTopicArns: Readonly<Record<AlertSeverity, string>>;
  readonly redrive: RedrivePolicy;
  readonly state:
    | { readonly kind: 'ssm'; readonly parameterName: string }
    | { readonly kind: 'file'; readonly path: string };
  readonly timestream?: { readonly databaseName: string; readonly tableName: string };
  readonly sqs: ReturnType<typeof sqsClientConfig>;
  readonly sns: AwsClientConfig;
  readonly cloudwatch: AwsClientConfig;
  readonly ssm: AwsClientConfig;
  readonly timestreamWrite: AwsClientConfig;
  readonly timestreamQuery: AwsClientConfig;
}

/** Why the SLA check cannot run: there is no table to query. */
export const SLA_CHECK_UNAVAILABLE =
  'no Timestream table configured (TIMESTREAM_DATABASE_NAME, TIMESTREAM_TABLE_NAME); ' +
  'DLQ, backlog and parked checks still run';

export function monitorConfigFromEnv(env: Env): MonitorConfig {
  const reader = new EnvReader(env);
  const common = commonConfigFromEnv(reader, 'bems-monitor');
  const topology = jsonVariable(reader, 'CELL_TOPOLOGY', MonitorTopologySchema, true);
  if (topology && common.cellId && topology.cellId !== common.cellId) {
    reader.problem('CELL_TOPOLOGY', `describes cell "${topology.cellId}" but CELL_ID is "${common.cellId}"`);
  }
  const alertTopicArns = alertTopicsFromEnv(reader);
  const redrive = jsonVariable(reader, 'REDRIVE_POLICY', RedrivePolicySchema, false) ?? RedrivePolicySchema.parse({});
  const parameterName = reader.optional('MONITOR_STATE_PARAMETER');
  const path = reader.optional('MONITOR_STATE_FILE');
  if (parameterName && path)
    reader.problem('MONITOR_STATE_FILE', 'set either MONITOR_STATE_PARAMETER or MONITOR_STATE_FILE, not both');
  if (!parameterName && !path) reader.problem('MONITOR_STATE_PARAMETER', 'is required (or MONITOR_STATE_FILE)');
  const databaseName = reader.optional('TIMESTREAM_DATABASE_NAME');
  const tableName = reader.optional('TIMESTREAM_TABLE_NAME');
  if (Boolean(databaseName) !== Boolean(tableName)) {
    reader.problem(
      databaseName ? 'TIMESTREAM_TABLE_NAME' : 'TIMESTREAM_DATABASE_NAME',
      'is required with the other Timestream name',
    );
  }
  const sqs = sqsClientConfig(reader);
  const sns = awsClientConfig('sns', reader);
  const cloudwatch = awsClientConfig('cloudwatch', reader);
  const timestreamWrite = timestreamWriteClientConfig(reader);
  // One Query call must not outlive the SLA check's budget (it is also enforced across pages).
  const timestreamQuery = timestreamQueryClientConfig(reader, { requestTimeoutMs: MONITOR_DEFAULTS.sla.queryBudgetMs });
  const ssm = ssmClientConfig(reader, sns);
  reader.assertValid();
  return {
    ...common,
    topology: topology!,
    alertTopicArns: alertTopicArns as Record<AlertSeverity, string>,
    redrive,
    state: parameterName ? { kind: 'ssm', parameterName } : { kind: 'file', path: path! },
    ...(databaseName && tableName ? { timestream: { databaseName, tableName } } : {}),
    sqs,
    sns,
    cloudwatch,
    ssm,
    timestreamWrite,
    timestreamQuery,
  };
}

export interface MonitorDependencies extends ObservabilityOverrides {
  readonly sqs?: SQSClient;
  readonly queueStats?: QueueStatsSource;
  readonly stuckInvoices?: StuckInvoiceSource;
  readonly stateStore?: MonitorStateStore;
  readonly publisher?: AlertPublisher;
  /** `null` turns the dependency probe off. */
  readonly probe?: DependencyProbe | null;
  readonly now?: () => number;
  /** Long-poll wait of DLQ receives (seconds). */
  readonly waitTimeSeconds?: number;
}

export type MonitorHandler = (event?: unknown, context?: Context) => Promise<MonitorReport>;

export function createMonitorHandler(config: MonitorConfig, dependencies: MonitorDependencies = {}): MonitorHandler {
  const { logger, tracer, newInvocationMetrics } = createObservability(config, dependencies);
  const sqs = dependencies.sqs ?? tracer.captureAWSv3Client(new SQSClient(config.sqs));
  const queueStats =
    dependencies.queueStats ??
    new SqsCloudWatchQueueStats(sqs, tracer.captureAWSv3Client(new CloudWatchClient(config.cloudwatch)));
  const stateStore =
    dependencies.stateStore ??
    (config.state.kind === 'ssm'
      ? new SsmMonitorStateStore(tracer.captureAWSv3Client(new SSMClient(config.ssm)), config.state.parameterName)
      : new FileMonitorStateStore(config.state.path));
  const publisher =
    dependencies.publisher ??
    new SnsAlertPublisher(tracer.captureAWSv3Client(new SNSClient(config.sns)), config.alertTopicArns, config.cellId);
  const probe =
    dependencies.probe === null
      ? undefined
      : (dependencies.probe ??
        (config.timestream
          ? new TimestreamWriteProbe(
              tracer.captureAWSv3Client(new TimestreamWriteClient(config.timestreamWrite)),
              config.timestream.databaseName,
              config.timestream.tableName,
              config.cellId,
            )
          : undefined));
  // The local cell passes its own source (SQL over the emulator's store); the Timestream client is
  // created only when it is needed.
  const stuckInvoices =
    dependencies.stuckInvoices ??
    (config.timestream
      ? new TimestreamStuckInvoiceSource({
          client: tracer.captureAWSv3Client(new TimestreamQueryClient(config.timestreamQuery)),
          database: config.timestream.databaseName,
          table: config.timestream.tableName,
        })
      : undefined);

  return (_event, context) =>
    traced(tracer, 'monitor', async () => {
      const log = logger.createChild({ persistentKeys: { requestId: context?.awsRequestId } });
      const metrics = newInvocationMetrics();
      try {
        const report = await runMonitor(
          { cellId: config.cellId, topology: config.topology, redrive: config.redrive },
          {
            sqs,
            queueStats,
            ...(stuckInvoices ? { stuckInvoices } : { stuckInvoicesUnavailableReason: SLA_CHECK_UNAVAILABLE }),
            stateStore,
            publisher,
            ...(probe ? { probe } : {}),
            ...(dependencies.now ? { now: dependencies.now } : {}),
            ...(dependencies.waitTimeSeconds !== undefined ? { waitTimeSeconds: dependencies.waitTimeSeconds } : {}),
          },
        );
        for (const n of report.notifications) {
          (n.delivered ? log.warn : log.error).call(log, `alert ${n.transition}: ${n.subject}`, {
            condition: n.key,
            severity: n.severity,
            delivered: n.delivered,
            ...(n.error ? { error: n.error } : {}),
          });
        }
        for (const problem of report.problems) log.warn('monitor check failed', { problem });
        for (const route of report.redrive.routes) {
          log.info('automatic redrive', { ...route });
          metrics.add(METRICS.messagesRedriven, route.redriven, { stage: route.stage });
          metrics.add(METRICS.messagesParked, route.parked, { stage: route.stage });
        }
        for (const stage of report.sla.stages) metrics.add(METRICS.stuckInvoices, stage.count, { stage: stage.stage });
        metrics.add(METRICS.alertsOpen, Object.keys(report.openAlerts).length, {});
        log.info('monitor run', {
          durationMs: report.durationMs,
          conditions: report.conditions.length,
          notifications: report.notifications.length,
          openAlerts: Object.keys(report.openAlerts).length,
          slaCheck: report.sla.available ? 'ok' : report.sla.reason,
        });
        return report;
      } finally {
        metrics.flush();
      }
    });
}

let cached: MonitorHandler | undefined;

/** Lambda entry point: built on first invoke from the function's environment, then reused. */
export const handler: MonitorHandler = (event, context) => {
  cached ??= createMonitorHandler(monitorConfigFromEnv(process.env));
  return cached(event, context);
};

function jsonVariable<T extends z.ZodType>(
  reader: EnvReader,
  variable: string,
  schema: T,
  required: boolean,
): z.output<T> | undefined {
  const raw = required ? reader.required(variable) : reader.optional(variable);
  if (!raw) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    reader.problem(variable, 'must be JSON');
    return undefined;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    reader.problem(variable, `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
    return undefined;
  }
  return parsed.data;
}

function alertTopicsFromEnv(reader: EnvReader): Partial<Record<AlertSeverity, string>> {
  const raw = reader.required('ALERT_TOPIC_ARNS');
  if (!raw) return {};
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    reader.problem(
      'ALERT_TOPIC_ARNS',
      'must be a JSON object such as {"critical":"arn:aws:sns:…","warning":…,"info":…}',
    );
    return {};
  }
  const result: Partial<Record<AlertSeverity, string>> = {};
  for (const severity of ALERT_SEVERITIES) {
    const arn = (json as Record<string, unknown> | null)?.[severity];
    if (typeof arn !== 'string' || !/^arn:[^:]+:sns:[^:]*:[^:]*:.+$/.test(arn)) {
      reader.problem('ALERT_TOPIC_ARNS', `${severity}: must be an SNS topic ARN, got ${JSON.stringify(arn)}`);
    } else {
      result[severity] = arn;
    }
  }
  return result;
}

/**
 * SSM has no entry in the shared endpoint table; the override variables follow the SDK's naming
 * (`AWS_ENDPOINT_URL_SSM`, then `AWS_ENDPOINT_URL`). Only the state parameter uses it, and only on AWS.
 */
function ssmClientConfig(reader: EnvReader, base: AwsClientConfig): AwsClientConfig {
  const { endpoint: _snsEndpoint, ...rest } = base;
  const endpoint = reader.optional('AWS_ENDPOINT_URL_SSM') ?? reader.optional('AWS_ENDPOINT_URL');
  return { ...rest, ...(endpoint ? { endpoint } : {}) };
}

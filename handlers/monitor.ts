import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import type { Context } from 'aws-lambda';
import { METRICS } from '../schemas/metrics.ts';
import { type AlertPublisher, SnsAlertPublisher } from './monitor/AlertPublisher.ts';
import { type DependencyProbe, TimestreamWriteProbe } from './monitor/DependencyProbe.ts';
import { FileMonitorStateStore } from './monitor/FileMonitorStateStore.ts';
import type { MonitorStateStore } from './monitor/MonitorState.ts';
import { type MonitorConfig, monitorConfigFromEnv } from './monitor/monitorConfig.ts';
import type { QueueStatsSource } from './monitor/QueueStatsSource.ts';
import { type MonitorReport, type MonitorDependencies as RunDependencies, runMonitor } from './monitor/runMonitor.ts';
import { S3MonitorStateStore } from './monitor/S3MonitorStateStore.ts';
import { SqsCloudWatchQueueStats } from './monitor/SqsCloudWatchQueueStats.ts';
import type { StuckInvoiceSource } from './monitor/StuckInvoiceSource.ts';
import { TimestreamStuckInvoiceSource } from './monitor/TimestreamStuckInvoiceSource.ts';
import { FileParkedStore } from './shared/dlq/FileParkedStore.ts';
import type { ParkedStore } from './shared/dlq/ParkedStore.ts';
import { S3ParkedStore } from './shared/dlq/S3ParkedStore.ts';
import { lazyHandler } from './shared/lambdaHandler.ts';
import {
  createObservability,
  type Invocation,
  type ObservabilityOverrides,
  runInvocation,
  type Tracing,
} from './shared/observability.ts';

/**
 * The stuck-event monitor Lambda, run every minute by EventBridge Scheduler (and periodically by
 * the local cell): queue and DLQ depth and age, invoices past their stage SLA, alerts by severity
 * that fire, escalate and resolve instead of repeating, and automatic redrive within the cell's
 * policy. The logic is `monitor/runMonitor.ts`, the environment it reads `monitor/monitorConfig.ts`;
 * this file builds the clients and reports each run in logs and metrics.
 */
export { type MonitorConfig, monitorConfigFromEnv } from './monitor/monitorConfig.ts';

export interface MonitorDependencies extends ObservabilityOverrides {
  readonly sqs?: SQSClient;
  readonly queueStats?: QueueStatsSource;
  readonly stuckInvoices?: StuckInvoiceSource;
  readonly stateStore?: MonitorStateStore;
  readonly parkedStore?: ParkedStore;
  readonly publisher?: AlertPublisher;
  /** `null` turns the dependency probe off. */
  readonly probe?: DependencyProbe | null;
  readonly now?: () => number;
  /** Long-poll wait of DLQ receives (seconds). */
  readonly waitTimeSeconds?: number;
}

/** Scheduler invokes it with an event it does not read; the local cell calls it without one. */
export type MonitorHandler = (event?: unknown, context?: Context) => Promise<MonitorReport>;

/** Why the SLA check cannot run: there is no table to query. */
export const SLA_CHECK_UNAVAILABLE =
  'no Timestream table configured (TIMESTREAM_DATABASE_NAME, TIMESTREAM_TABLE_NAME); ' +
  'DLQ, backlog and parked checks still run';

export function createMonitorHandler(config: MonitorConfig, dependencies: MonitorDependencies = {}): MonitorHandler {
  const observability = createObservability(config, dependencies);
  const runDependencies = monitorClients(config, dependencies, observability.tracing);
  const settings = { cellId: config.cellId, topology: config.topology, redrive: config.redrive };

  return (_event, context) =>
    runInvocation(observability, 'monitor', { requestId: context?.awsRequestId }, async (invocation) => {
      const report = await runMonitor(settings, runDependencies);
      reportRun(report, invocation);
      return report;
    });
}

/** What one run works with: the injected dependencies, or AWS clients built from the configuration. */
function monitorClients(config: MonitorConfig, dependencies: MonitorDependencies, tracing: Tracing): RunDependencies {
  const sqs = dependencies.sqs ?? tracing.instrumentAwsClient(new SQSClient(config.sqs));
  const queueStats =
    dependencies.queueStats ??
    new SqsCloudWatchQueueStats(sqs, tracing.instrumentAwsClient(new CloudWatchClient(config.cloudwatch)));
  // One S3 client for the alert state and the parked store, built only if one of them is in S3.
  let s3: S3Client | undefined;
  const s3Client = () => {
    s3 ??= tracing.instrumentAwsClient(new S3Client(config.s3));
    return s3;
  };
  const stateStore =
    dependencies.stateStore ??
    (config.state.kind === 's3'
      ? new S3MonitorStateStore(s3Client(), config.state.bucket, config.state.key)
      : new FileMonitorStateStore(config.state.path));
  const publisher =
    dependencies.publisher ??
    new SnsAlertPublisher(tracing.instrumentAwsClient(new SNSClient(config.sns)), config.alertTopicArns, config.cellId);
  const probe =
    dependencies.probe === null
      ? undefined
      : (dependencies.probe ??
        (config.timestream
          ? new TimestreamWriteProbe(
              tracing.instrumentAwsClient(new TimestreamWriteClient(config.timestreamWrite)),
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
          client: tracing.instrumentAwsClient(new TimestreamQueryClient(config.timestreamQuery)),
          database: config.timestream.databaseName,
          table: config.timestream.tableName,
        })
      : undefined);
  const parkedStore = dependencies.parkedStore ?? parkedStoreOf(config, s3Client);
  return {
    sqs,
    queueStats,
    ...(parkedStore ? { parkedStore } : {}),
    ...(stuckInvoices ? { stuckInvoices } : { stuckInvoicesUnavailableReason: SLA_CHECK_UNAVAILABLE }),
    stateStore,
    publisher,
    ...(probe ? { probe } : {}),
    ...(dependencies.now ? { now: dependencies.now } : {}),
    ...(dependencies.waitTimeSeconds !== undefined ? { waitTimeSeconds: dependencies.waitTimeSeconds } : {}),
  };
}

/** The parked store the configuration names (S3 on AWS, a directory in the local cell), if any. */
function parkedStoreOf(config: MonitorConfig, s3Client: () => S3Client): ParkedStore | undefined {
  if (!config.parked) return undefined;
  if (config.parked.kind === 'file') return new FileParkedStore(config.parked.directory);
  return new S3ParkedStore({ client: s3Client(), bucket: config.parked.bucket });
}

/** A run in the logs (alerts sent, checks that failed, redrives) and in the monitor's metrics. */
function reportRun(report: MonitorReport, { log, metrics }: Invocation): void {
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
}

/** Lambda entry point: built on first invoke from the function's environment, then reused. */
export const handler: MonitorHandler = lazyHandler(() => createMonitorHandler(monitorConfigFromEnv(process.env)));

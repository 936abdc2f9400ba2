import { join } from 'node:path';
import { CreateTopicCommand, ListSubscriptionsByTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { CellDefinition } from '../../../cells/definition.ts';
import { functionEnvironment, functionPlan } from '../../../cells/functionPlan.ts';
import { type CellTopology, resourcePrefix } from '../../../cells/topology.ts';
import {
  ALERT_SEVERITIES,
  type AlertSeverity,
  InvoiceEventsSqlSource,
  type MonitorReport,
} from '../../../handlers/monitor/index.ts';
import { createMonitorHandler, monitorConfigFromEnv } from '../../../handlers/monitor.ts';
import type { HealthReport } from '../../../schemas/healthReport.ts';
import { localClientConfig } from '../../sns-sqs/index.ts';
import { analyticsTableOf, type LocalAnalyticsStore } from '../analyticsStore.ts';
import { describeError, type LocalLogger } from '../LocalLogger.ts';
import { localEnvironment } from '../localEnvironment.ts';
import { HealthQueueStats } from './HealthQueueStats.ts';
import { SqliteQueryWorker } from './SqliteQueryWorker.ts';

/** The monitor's alert state in the data directory (MONITOR_STATE_FILE). */
export const MONITOR_STATE_FILE = 'monitor-state.json';

/** The parked store in the data directory (`FileParkedStore`; `bems dlq park` writes, the monitor reads). */
export const PARKED_STORE_DIRECTORY = 'parked-store';

/** What the monitor needs of a running local cell (`RunningLocalCell` has all of it). */
export interface LocalMonitorTarget {
  readonly cell: CellDefinition;
  readonly topology: CellTopology;
  readonly dataDir: string;
  readonly endpoints: { readonly sqs: string; readonly sns: string; readonly timestream: string };
  /** The analytics store with the read model installed (its file is read on a worker thread). */
  readonly store: Pick<LocalAnalyticsStore, 'path'>;
  health(): Promise<HealthReport>;
}

export interface LocalMonitorOptions {
  /** Runs on its own every this many ms (the first one after one interval); 0 = only `runOnce()`. @default 60000 */
  readonly intervalMs?: number;
  readonly logger?: LocalLogger;
  /** Handler logs at ERROR only. */
  readonly quiet?: boolean;
}

export interface LocalMonitor {
  /** Runs the monitor now (after a run already under way); resolves with its report. */
  runOnce(): Promise<MonitorReport>;
  /** The environment the handler was built from: the function plan's, plus the local runtime's. */
  readonly environment: Readonly<Record<string, string>>;
  readonly alertTopicArns: Readonly<Record<AlertSeverity, string>>;
  /** A queue subscribed to every alert topic (SNS envelopes), so alerts can be read locally. */
  readonly alertQueueUrl: string;
  readonly stateFile: string;
  stop(): Promise<void>;
}

/**
 * The stuck-event monitor in the local cell: the production handler (`handlers/monitor.ts`) built
 * from a Lambda-style environment like the other functions, with the local stand-ins for what has
 * no emulator — queue ages from the cell's health report (CloudWatch) and the SLA query over the
 * analytics store's SQLite view `invoice_events` (Timestream Query or Athena on AWS), run on a worker thread. Alert topics are created on the cell's SNS,
 * named as on AWS, with one queue subscribed to all of them.
 */
export async function startLocalMonitor(
  target: LocalMonitorTarget,
  options: LocalMonitorOptions = {},
): Promise<LocalMonitor> {
  const { cell, topology, endpoints } = target;
  const sns = new SNSClient(localClientConfig(endpoints.sns, cell.region));
  const sqs = new SQSClient(localClientConfig(endpoints.sqs, cell.region));
  let queries: SqliteQueryWorker | undefined;
  try {
    const { alertTopicArns, alertQueueUrl } = await provisionAlerts(sns, sqs, target);
    const stateFile = join(target.dataDir, MONITOR_STATE_FILE);
    const worker = new SqliteQueryWorker(target.store.path);
    queries = worker;
    const environment = monitorEnvironment(target, alertTopicArns, stateFile, options.quiet);
    const config = monitorConfigFromEnv(environment);
    const handler = createMonitorHandler(config, {
      queueStats: new HealthQueueStats(async () => (await target.health()).body),
      stuckInvoices: new InvoiceEventsSqlSource({
        query: (sql, params) => worker.query(sql, params),
        ...analyticsTableOf(topology),
      }),
      // fauxqs answers exactly, but a message given back by a reader is visible again only a second
      // later (RELEASE_VISIBILITY_SECONDS): wait that out before calling a DLQ empty.
      waitTimeSeconds: 2,
    });
    const runs = scheduleRuns(handler, options.intervalMs ?? 60_000, options.logger);
    return {
      runOnce: runs.runOnce,
      environment,
      alertTopicArns,
      alertQueueUrl,
      stateFile,
      stop: async () => {
        await runs.stop();
        sns.destroy();
        sqs.destroy();
        await queries?.close();
      },
    };
  } catch (error) {
    sns.destroy();
    sqs.destroy();
    await queries?.close();
    throw error;
  }
}

/** One SNS topic per severity, named as on AWS, and one queue subscribed to all of them. */
async function provisionAlerts(
  sns: SNSClient,
  sqs: SQSClient,
  target: LocalMonitorTarget,
): Promise<{ alertTopicArns: Record<AlertSeverity, string>; alertQueueUrl: string }> {
  const { cell, endpoints } = target;
  const prefix = resourcePrefix(cell.id);
  const alertTopicArns = {} as Record<AlertSeverity, string>;
  for (const severity of ALERT_SEVERITIES) {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `${prefix}-alerts-${severity}` }));
    alertTopicArns[severity] = TopicArn!;
  }
  const alertQueueName = `${prefix}-alerts`;
  await sqs.send(new CreateQueueCommand({ QueueName: alertQueueName }));
  const alertQueueUrl = `${endpoints.sqs}/${cell.account}/${alertQueueName}`;
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: alertQueueUrl, AttributeNames: ['QueueArn'] }),
  );
  for (const topicArn of Object.values(alertTopicArns)) await ensureSubscribed(sns, topicArn, Attributes!.QueueArn!);
  return { alertTopicArns, alertQueueUrl };
}

/** The monitor's environment: the function plan's, plus the local runtime's (pointed at the cell's emulators). */
function monitorEnvironment(
  target: LocalMonitorTarget,
  alertTopicArns: Readonly<Record<AlertSeverity, string>>,
  stateFile: string,
  quiet: boolean | undefined,
): Record<string, string> {
  const { cell, topology, endpoints } = target;
  const plan = functionPlan(cell, topology).monitor;
  return localEnvironment(
    functionEnvironment(cell, plan, {
      queueUrlPrefix: `${endpoints.sqs}/${cell.account}/`,
      alertTopicArns,
      stateStore: { file: stateFile },
      parkedStore: { directory: join(target.dataDir, PARKED_STORE_DIRECTORY) },
    }),
    {
      region: cell.region,
      quiet: quiet ?? false,
      endpoints: { SQS: endpoints.sqs, SNS: endpoints.sns, TIMESTREAM_WRITE: endpoints.timestream },
    },
  );
}

/**
 * Runs the handler one run at a time: on demand (`runOnce`, queued behind a run under way) and,
 * unless `intervalMs` is 0, every `intervalMs` after the previous run ended. `stop` waits for the
 * last run.
 */
function scheduleRuns(
  handler: () => Promise<MonitorReport>,
  intervalMs: number,
  logger: LocalLogger | undefined,
): { runOnce(): Promise<MonitorReport>; stop(): Promise<void> } {
  let chain: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const runOnce = () => {
    const run = chain.then(() => handler());
    chain = run.catch(() => undefined);
    return run;
  };
  const schedule = () => {
    if (stopped || intervalMs <= 0) return;
    timer = setTimeout(() => {
      runOnce()
        .catch((error: unknown) => logger?.error('stuck-event monitor run failed', { error: describeError(error) }))
        .finally(schedule);
    }, intervalMs);
    timer.unref();
  };
  schedule();
  return {
    runOnce,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await chain;
    },
  };
}

async function ensureSubscribed(sns: SNSClient, topicArn: string, queueArn: string): Promise<void> {
  let NextToken: string | undefined;
  do {
    const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken }));
    if (page.Subscriptions?.some((s) => s.Protocol === 'sqs' && s.Endpoint === queueArn)) return;
    NextToken = page.NextToken;
  } while (NextToken);
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn }));
}

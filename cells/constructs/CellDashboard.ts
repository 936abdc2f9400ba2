import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { END_TO_END_VISIBILITY, METRICS, type MetricDefinition } from '../../schemas/metrics.ts';
import type { CellAlarm } from './CellAlarms.ts';
import { cellMetric, type WatchedCellProps } from './cellMetric.ts';
import { endToEndMetric } from './endToEndMetric.ts';
import type { StagePipeline } from './StagePipeline.ts';

export interface CellDashboardProps extends WatchedCellProps {
  readonly pipelines: readonly StagePipeline[];
  readonly alarms: readonly CellAlarm[];
}

/** A half-width graph of BEMS metrics of the cell, each line a [label, metric] pair. */
function cellMetricsGraph(
  cellId: string,
  title: string,
  lines: readonly (readonly [string, MetricDefinition])[],
): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({
    title,
    width: 12,
    left: lines.map(([label, metric]) => cellMetric(metric, cellId, label)),
  });
}

/**
 * The operators' CloudWatch dashboard of one cell: alarm states first, then the flow from the API
 * through each stage's inbox and consumer queues to the time series, then the functions.
 * (Business views live in QuickSight and the local dashboard; this one is about the machinery.)
 */
export class CellDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: CellDashboardProps) {
    super(scope, id);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${props.prefix}-operations`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(...alarmRow(props));
    this.dashboard.addWidgets(...apiRow(props));
    for (const pipeline of props.pipelines) this.dashboard.addWidgets(...stageRow(pipeline));
    this.dashboard.addWidgets(...endToEndRow(props));
    this.dashboard.addWidgets(...eventsRow(props));
    this.dashboard.addWidgets(...functionsRow(props));
  }
}

const minute = Duration.minutes(1);

function alarmRow(props: CellDashboardProps): cloudwatch.IWidget[] {
  return [
    new cloudwatch.AlarmStatusWidget({
      title: 'Alarms',
      width: 24,
      alarms: props.alarms.map((a) => a.alarm),
      sortBy: cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
    }),
  ];
}

function apiRow(props: CellDashboardProps): cloudwatch.IWidget[] {
  return [
    new cloudwatch.GraphWidget({
      title: 'API requests and errors',
      width: 12,
      left: [
        props.api.metricCount({ period: minute, label: 'requests' }),
        props.api.metricClientError({ period: minute, label: '4xx' }),
        props.api.metricServerError({ period: minute, label: '5xx' }),
      ],
    }),
    new cloudwatch.GraphWidget({
      title: 'API latency (ms)',
      width: 12,
      left: [
        props.api.metricLatency({ statistic: cloudwatch.Stats.p(50), period: minute, label: 'p50' }),
        props.api.metricLatency({ statistic: cloudwatch.Stats.p(99), period: minute, label: 'p99' }),
        props.api.metricIntegrationLatency({
          statistic: cloudwatch.Stats.p(99),
          period: minute,
          label: 'ingest p99',
        }),
      ],
    }),
  ];
}

/** A stage's inbox and consumer queues: waiting, oldest message against the SLA, DLQs. */
function stageRow(pipeline: StagePipeline): cloudwatch.IWidget[] {
  const queues = [pipeline.inbox, ...pipeline.consumers.map((c) => c.queue)];
  return [
    new cloudwatch.GraphWidget({
      title: `${pipeline.spec.stage}: messages waiting`,
      width: 8,
      left: queues.map((q) => q.queue.metricApproximateNumberOfMessagesVisible({ period: minute, label: q.spec.name })),
    }),
    new cloudwatch.GraphWidget({
      title: `${pipeline.spec.stage}: oldest message (s), SLA 120 s`,
      width: 8,
      left: queues.map((q) =>
        q.queue.metricApproximateAgeOfOldestMessage({
          statistic: cloudwatch.Stats.MAXIMUM,
          period: minute,
          label: q.spec.name,
        }),
      ),
      leftAnnotations: [{ value: 120, label: 'visibility SLA', color: cloudwatch.Color.RED }],
    }),
    new cloudwatch.GraphWidget({
      title: `${pipeline.spec.stage}: DLQ messages`,
      width: 8,
      left: queues.map((q) =>
        q.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          statistic: cloudwatch.Stats.MAXIMUM,
          period: minute,
          label: q.spec.dlqName,
        }),
      ),
    }),
  ];
}

/**
 * END_TO_END_VISIBILITY: one graph per percentile, a line per stage and consumer, drawn from the
 * end-to-end alarms (the graph shows what they watch) with their threshold, the visibility target.
 */
function endToEndRow(props: CellDashboardProps): cloudwatch.IWidget[] {
  const watched = props.alarms.filter((a) => a.endToEnd);
  if (watched.length === 0) return [];
  const target = watched[0]!.alarm.toAnnotation();
  return END_TO_END_VISIBILITY.percentiles.map(
    (percentile) =>
      new cloudwatch.GraphWidget({
        title: `${END_TO_END_VISIBILITY.title} (ms), p${percentile}`,
        width: 24 / END_TO_END_VISIBILITY.percentiles.length,
        left: watched.map((a) => endToEndMetric(props.cellId, a.endToEnd!, percentile)),
        leftAnnotations: [{ ...target, label: 'visibility target' }],
      }),
  );
}

/** BEMS metrics (`schemas/metrics.ts`) of the cell: the flow, and what was refused or failed. */
function eventsRow(props: CellDashboardProps): cloudwatch.IWidget[] {
  return [
    cellMetricsGraph(props.cellId, 'Events through the cell', [
      ['accepted (ingest)', METRICS.eventsAccepted],
      ['forwarded', METRICS.eventsForwarded],
      ['recorded', METRICS.eventsRecorded],
    ]),
    cellMetricsGraph(props.cellId, 'Refused, duplicate and failed', [
      ['invalid requests (4xx)', METRICS.invalidRequests],
      ['duplicates absorbed', METRICS.duplicateSuppressed],
      ['records not written (incl. retried)', METRICS.recordsFailed],
      ['records rejected (permanent)', METRICS.recordsRejected],
    ]),
  ];
}

function functionsRow(props: CellDashboardProps): cloudwatch.IWidget[] {
  return [
    new cloudwatch.GraphWidget({
      title: 'Function invocations',
      width: 8,
      left: props.functions.map((f) => f.function.metricInvocations({ period: minute, label: f.functionName })),
    }),
    new cloudwatch.GraphWidget({
      title: 'Function errors and throttles',
      width: 8,
      left: props.functions.map((f) => f.function.metricErrors({ period: minute, label: `${f.functionName} errors` })),
      right: props.functions.map((f) =>
        f.function.metricThrottles({ period: minute, label: `${f.functionName} throttles` }),
      ),
    }),
    new cloudwatch.GraphWidget({
      title: 'Function duration p99 (ms)',
      width: 8,
      left: props.functions.map((f) =>
        f.function.metricDuration({ statistic: cloudwatch.Stats.p(99), period: minute, label: f.functionName }),
      ),
    }),
  ];
}

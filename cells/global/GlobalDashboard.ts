import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { METRICS } from '../../schemas/metrics.ts';
import { ALARM_THRESHOLDS } from '../constructs/defaults.ts';
import type { GlobalCellMetrics } from './globalCellMetrics.ts';

export interface GlobalCellRow {
  readonly metrics: GlobalCellMetrics;
  /** ARN of the cell's composite health alarm (in the monitoring account, the cell's Region). */
  readonly healthAlarmArn: string;
}

export interface GlobalDashboardProps {
  readonly cells: readonly GlobalCellRow[];
}

const HEIGHT = 6;

/**
 * `bems-global-operations`: every cell side by side. A comparison row first (one line per cell:
 * accepted events/s, 5xx rate), then one row per cell — its health alarm and the six figures of the
 * issue: accepted events/s, 4xx and 5xx rates, end-to-end p99 per stage, oldest message age, DLQ
 * depth, store write errors — each metric read from the cell's account and Region. Built from the
 * cells config only: a new cell gets its row and its lines without an edit here.
 */
export class GlobalDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: GlobalDashboardProps) {
    super(scope, id);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: 'bems-global-operations',
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(...comparisonRow(props.cells.map((c) => c.metrics)));
    for (const cell of props.cells) this.dashboard.addWidgets(cellRow(this, cell));
  }
}

function graph(title: string, left: readonly cloudwatch.IMetric[], extra: Partial<cloudwatch.GraphWidgetProps> = {}) {
  return new cloudwatch.GraphWidget({ title, width: 6, height: HEIGHT, left: [...left], ...extra });
}

function comparisonRow(cells: readonly GlobalCellMetrics[]): cloudwatch.IWidget[] {
  return [
    new cloudwatch.TextWidget({
      markdown: `## All cells\n${cells.map((c) => `- **${c.cell.id}**: account ${c.cell.account}, ${c.cell.region}, ${c.cell.analytics.store}`).join('\n')}`,
      width: 6,
      height: HEIGHT,
    }),
    graph(
      'All cells: accepted events/s',
      cells.map((c) => c.acceptedPerSecond()),
      { width: 9 },
    ),
    graph(
      'All cells: API 5xx rate',
      cells.map((c) => c.errorRate('5XXError')),
      {
        width: 9,
        leftAnnotations: [{ value: ALARM_THRESHOLDS.api5xxRate, label: 'alarm' }],
      },
    ),
  ];
}

/** The cell's row: a title with where it runs, its health, and its six figures. */
function cellRow(scope: Construct, { metrics: m, healthAlarmArn }: GlobalCellRow): cloudwatch.Row {
  const where = `${m.cell.id} (${m.cell.account}, ${m.cell.region})`;
  const health = cloudwatch.CompositeAlarm.fromCompositeAlarmArn(scope, `Health-${m.cell.id}`, healthAlarmArn);
  return new cloudwatch.Row(
    new cloudwatch.AlarmStatusWidget({ title: `${where}: health`, alarms: [health], width: 3, height: HEIGHT }),
    graph(`${where}: accepted events/s`, [m.acceptedPerSecond()], { width: 3 }),
    graph(`${where}: API 4xx / 5xx rate`, [m.errorRate('4XXError'), m.errorRate('5XXError')], { width: 3 }),
    graph(`${where}: end-to-end p99 per stage (ms)`, m.endToEndP99(), {
      width: 3,
      leftAnnotations: [{ value: m.cell.visibilityTargetSeconds * 1000, label: 'visibility target' }],
    }),
    graph(`${where}: oldest message (s)`, m.oldestMessageAges(), {
      width: 3,
      leftAnnotations: [{ value: ALARM_THRESHOLDS.oldestMessageAgeSeconds, label: 'visibility SLA' }],
    }),
    graph(`${where}: DLQ messages`, m.dlqDepths(), { width: 3 }),
    graph(
      `${where}: store write errors`,
      [...m.storeErrors(METRICS.recordsRejected), ...m.storeErrors(METRICS.recordsFailed)],
      { width: 6 },
    ),
  );
}

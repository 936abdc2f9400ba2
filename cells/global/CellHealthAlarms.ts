import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { DLQ_SEVERITY_LADDER } from '../../schemas/alerts.ts';
import { METRICS } from '../../schemas/metrics.ts';
import { ALARM_THRESHOLDS } from '../constructs/defaults.ts';
import type { GlobalCellMetrics } from './globalCellMetrics.ts';

/** CloudWatch metric math takes at most 10 metrics per alarm: longer lists become several alarms. */
const METRICS_PER_ALARM = 10;

export interface CellHealthAlarmsProps {
  readonly metrics: GlobalCellMetrics;
}

/**
 * One cell's health at a glance, in the monitoring account: metric alarms on the cell's own metrics
 * (cross-account through the OAM link; an alarm cannot watch another Region, so this construct lives
 * in a stack of the cell's Region) and one composite alarm, `bems-global-<cell>-health`, in ALARM when
 * any of them is. Thresholds are the cell's own (ALARM_THRESHOLDS, `visibilityTargetSeconds`).
 */
export class CellHealthAlarms extends Construct {
  public readonly alarms: readonly cloudwatch.Alarm[];
  public readonly health: cloudwatch.CompositeAlarm;

  constructor(scope: Construct, id: string, props: CellHealthAlarmsProps) {
    super(scope, id);
    const m = props.metrics;
    const prefix = `bems-global-${m.cell.id}`;
    const alarms: cloudwatch.Alarm[] = [];
    const alarm = (name: string, metric: cloudwatch.IMetric, threshold: number, description: string) => {
      alarms.push(
        new cloudwatch.Alarm(this, name, {
          alarmName: `${prefix}-${name}`,
          alarmDescription: `${m.cell.id} (${m.cell.account}, ${m.cell.region}): ${description}`,
          metric,
          threshold,
          evaluationPeriods: 3,
          datapointsToAlarm: 2,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    };
    const each = (
      name: string,
      metrics: readonly cloudwatch.Metric[],
      fn: 'MAX' | 'SUM',
      threshold: number,
      what: string,
    ) =>
      chunks(metrics).forEach((group, i) => {
        const suffix = metrics.length > METRICS_PER_ALARM ? `-${i + 1}` : '';
        alarm(`${name}${suffix}`, combined(group, fn), threshold, what);
      });

    alarm('api-5xx-rate', m.errorRate('5XXError'), ALARM_THRESHOLDS.api5xxRate, 'API 5xx rate at or above 1 %');
    each(
      'e2e-p99',
      m.endToEndP99(),
      'MAX',
      m.cell.visibilityTargetSeconds * 1000,
      'end-to-end p99 at or above the visibility target',
    );
    each(
      'oldest-message-age',
      m.oldestMessageAges(),
      'MAX',
      ALARM_THRESHOLDS.oldestMessageAgeSeconds,
      'a queue holds a message older than the visibility SLA',
    );
    each('dlq-depth', m.dlqDepths(), 'MAX', DLQ_SEVERITY_LADDER.warningDepth, 'messages in a DLQ');
    each(
      'store-rejections',
      m.storeErrors(METRICS.recordsRejected),
      'SUM',
      ALARM_THRESHOLDS.recordsRejected,
      'records the analytics store refused for good',
    );
    this.alarms = alarms;

    this.health = new cloudwatch.CompositeAlarm(this, 'Health', {
      compositeAlarmName: `${prefix}-health`,
      alarmDescription: `Health of cell ${m.cell.id} (${m.cell.account}, ${m.cell.region}): in ALARM while any of its global alarms is. The cell's own alarms (bems-${m.cell.id}-*) say which resource and notify its on-call.`,
      alarmRule: cloudwatch.AlarmRule.anyOf(
        ...alarms.map((a) => cloudwatch.AlarmRule.fromAlarm(a, cloudwatch.AlarmState.ALARM)),
      ),
    });
  }
}

function chunks<T>(items: readonly T[]): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < items.length; i += METRICS_PER_ALARM) groups.push(items.slice(i, i + METRICS_PER_ALARM));
  return groups;
}

/** MAX or SUM of up to 10 metrics of one cell, per minute. */
function combined(metrics: readonly cloudwatch.Metric[], fn: 'MAX' | 'SUM'): cloudwatch.IMetric {
  if (metrics.length === 1) return metrics[0]!;
  const usingMetrics = Object.fromEntries(metrics.map((metric, i) => [`m${i}`, metric]));
  return new cloudwatch.MathExpression({
    expression: `${fn}([${Object.keys(usingMetrics).join(', ')}])`,
    usingMetrics,
    period: Duration.minutes(1),
  });
}

import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct } from 'constructs';
import type { AlertSeverity } from '../../schemas/alerts.ts';
import { METRICS } from '../../schemas/metrics.ts';
import type { AlertTopics } from './AlertTopics.ts';
import { cellMetric, type WatchedCellProps } from './cellMetric.ts';
import { ALARM_THRESHOLDS } from './defaults.ts';
import { ALARMED_PERCENTILE, type EndToEndSeries, endToEndMetric, endToEndSeries } from './endToEndMetric.ts';
import { addStageAlarms, type StageAlarmsProps } from './stageAlarms.ts';

/** `functions`: those whose errors page someone (the consumers, the forwarder, the monitor). */
export interface CellAlarmsProps extends WatchedCellProps, StageAlarmsProps {
  readonly alerts: AlertTopics;
  /** The cell definition's `visibilityTargetSeconds`: the end-to-end latency alarms' threshold. */
  readonly visibilityTargetSeconds: number;
  /** @default ALARM_THRESHOLDS */
  readonly thresholds?: Partial<typeof ALARM_THRESHOLDS>;
}

/** An alarm and the severity topic it notifies. */
export interface CellAlarm {
  readonly alarm: cloudwatch.Alarm;
  readonly severity: AlertSeverity;
  /** Set on an end-to-end latency alarm: the stage and consumer it watches (the dashboard graphs these). */
  readonly endToEnd?: EndToEndSeries;
}

/**
 * The cell's CloudWatch alarms, each notifying (and resolving on) its severity topic:
 * API 5xx rate and p99 latency, oldest-message age on every queue against the 2-minute SLA, the
 * per-stage alarms (`stageAlarms.ts`: error rate, queue depth, DLQs at the monitor's severities),
 * function errors, and records Timestream rejected.
 */
export class CellAlarms extends Construct {
  public readonly alarms: readonly CellAlarm[];
  /** The API 5xx alarm: Route 53 also uses it to take an unhealthy cell out of DNS. */
  public readonly api5xxAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: CellAlarmsProps) {
    super(scope, id);
    const t = { ...ALARM_THRESHOLDS, ...props.thresholds };
    const alarms: CellAlarm[] = [];
    const minute = Duration.minutes(1);
    const add: AddAlarm = (severity, alarmId, options, endToEnd) => {
      const alarm = new cloudwatch.Alarm(this, alarmId, {
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        ...options,
      });
      const topic = new actions.SnsAction(props.alerts.topics[severity]);
      alarm.addAlarmAction(topic);
      alarm.addOkAction(topic);
      alarms.push({ alarm, severity, ...(endToEnd ? { endToEnd } : {}) });
      return alarm;
    };

    this.api5xxAlarm = add('critical', 'Api5xxRate', {
      alarmName: `${props.prefix}-api-5xx-rate`,
      alarmDescription: `More than ${t.api5xxRate * 100}% of API requests answered 5xx in 3 of 5 minutes.`,
      metric: props.api.metricServerError({ statistic: cloudwatch.Stats.AVERAGE, period: minute }),
      threshold: t.api5xxRate,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
    });
    add('warning', 'ApiLatencyP99', {
      alarmName: `${props.prefix}-api-latency-p99`,
      alarmDescription: `API p99 latency at or above ${t.apiLatencyP99Ms} ms in 3 of 5 minutes.`,
      metric: props.api.metricLatency({ statistic: cloudwatch.Stats.p(99), period: minute }),
      threshold: t.apiLatencyP99Ms,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
    });

    for (const { queue, spec } of props.queues) {
      add('warning', `Age-${spec.name}`, {
        alarmName: `${spec.name}-oldest-message-age`,
        alarmDescription: `A message waited ${t.oldestMessageAgeSeconds} s or more in ${spec.name}: events are missing the 2-minute visibility SLA.`,
        metric: queue.metricApproximateAgeOfOldestMessage({ statistic: cloudwatch.Stats.MAXIMUM, period: minute }),
        threshold: t.oldestMessageAgeSeconds,
        evaluationPeriods: 1,
      });
    }
    addStageAlarms(props, add);

    for (const { functionName, function: fn } of props.functions) {
      add('warning', `Errors-${functionName}`, {
        alarmName: `${functionName}-errors`,
        alarmDescription: `${t.functionErrors} or more failed invocations (crash or timeout) in 5 minutes; messages are retried and then go to the DLQ.`,
        metric: fn.metricErrors({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }),
        threshold: t.functionErrors,
        evaluationPeriods: 1,
      });
    }

    addEndToEndAlarms(props, add);

    add('critical', 'RejectedRecords', {
      alarmName: `${props.prefix}-timestream-rejected-records`,
      alarmDescription:
        'Timestream rejected records for good (RecordsRejected from the consumers: invalid values, outside retention, access denied, missing table) in 2 of 3 minutes; those messages go to the consumer DLQ after maxReceiveCount. Throttling is retried and not counted.',
      metric: cellMetric(METRICS.recordsRejected, props.cellId, 'Records rejected'),
      threshold: t.recordsRejected,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    });

    this.alarms = alarms;
  }
}

type AddAlarm = (
  severity: AlertSeverity,
  alarmId: string,
  options: cloudwatch.AlarmProps,
  endToEnd?: EndToEndSeries,
) => cloudwatch.Alarm;

/**
 * END_TO_END_VISIBILITY per stage and consumer, p99 at the visibility target: what the age alarms
 * only approximate (an event can be late without any one queue holding it for two minutes).
 */
function addEndToEndAlarms(props: CellAlarmsProps, add: AddAlarm): void {
  for (const series of endToEndSeries(props.functions.map((f) => f.plan))) {
    add(
      'warning',
      `EndToEnd-${series.stage}-${series.consumer}`,
      {
        alarmName: `${props.prefix}-${series.stage}-${series.consumer}-e2e-p${ALARMED_PERCENTILE}`,
        alarmDescription: `End-to-end latency p${ALARMED_PERCENTILE} (API accepted → store accepted) of ${series.stage}/${series.consumer} at or above the ${props.visibilityTargetSeconds} s visibility target in 2 of 3 minutes.`,
        metric: endToEndMetric(props.cellId, series, ALARMED_PERCENTILE),
        threshold: props.visibilityTargetSeconds * 1000,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
      },
      series,
    );
  }
}

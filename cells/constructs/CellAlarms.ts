import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct } from 'constructs';
import type { AlertSeverity } from '../../schemas/alerts.ts';
import { METRICS } from '../../schemas/metrics.ts';
import type { AlertTopics } from './AlertTopics.ts';
import { cellMetric, type WatchedCellProps } from './cellMetric.ts';
import { ALARM_THRESHOLDS } from './defaults.ts';
import { addStageAlarms, type StageAlarmsProps } from './stageAlarms.ts';

/** `functions`: those whose errors page someone (the consumers, the forwarder, the monitor). */
export interface CellAlarmsProps extends WatchedCellProps, StageAlarmsProps {
  readonly alerts: AlertTopics;
  /** @default ALARM_THRESHOLDS */
  readonly thresholds?: Partial<typeof ALARM_THRESHOLDS>;
}

/** An alarm and the severity topic it notifies. */
export interface CellAlarm {
  readonly alarm: cloudwatch.Alarm;
  readonly severity: AlertSeverity;
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
    const add = (severity: AlertSeverity, alarmId: string, options: cloudwatch.AlarmProps): cloudwatch.Alarm => {
      const alarm = new cloudwatch.Alarm(this, alarmId, {
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        ...options,
      });
      const topic = new actions.SnsAction(props.alerts.topics[severity]);
      alarm.addAlarmAction(topic);
      alarm.addOkAction(topic);
      alarms.push({ alarm, severity });
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

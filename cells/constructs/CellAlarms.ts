import { Duration } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct } from 'constructs';
import type { AlertTopics } from './AlertTopics.ts';
import type { CellFunction } from './CellFunction.ts';
import { ALARM_THRESHOLDS, CUSTOM_METRICS, type Severity } from './defaults.ts';
import type { QueueWithDlq } from './QueueWithDlq.ts';

export interface CellAlarmsProps {
  readonly cellId: string;
  readonly prefix: string;
  readonly api: apigateway.RestApi;
  /** Every queue of the cell with its DLQ. */
  readonly queues: readonly QueueWithDlq[];
  /** Functions whose errors page someone: the consumers, the forwarder, the monitor. */
  readonly functions: readonly CellFunction[];
  readonly alerts: AlertTopics;
  /** @default ALARM_THRESHOLDS */
  readonly thresholds?: Partial<typeof ALARM_THRESHOLDS>;
}

/** An alarm and the severity topic it notifies. */
export interface CellAlarm {
  readonly alarm: cloudwatch.Alarm;
  readonly severity: Severity;
}

/**
 * The cell's CloudWatch alarms, each notifying (and resolving on) its severity topic:
 * API 5xx rate and p99 latency, oldest-message age on every queue against the 2-minute SLA,
 * any message in any DLQ, function errors, and records Timestream rejected.
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
    const add = (severity: Severity, alarmId: string, options: cloudwatch.AlarmProps): cloudwatch.Alarm => {
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

    for (const { queue, deadLetterQueue, spec } of props.queues) {
      add('warning', `Age-${spec.name}`, {
        alarmName: `${spec.name}-oldest-message-age`,
        alarmDescription: `A message waited ${t.oldestMessageAgeSeconds} s or more in ${spec.name}: events are missing the 2-minute visibility SLA.`,
        metric: queue.metricApproximateAgeOfOldestMessage({ statistic: cloudwatch.Stats.MAXIMUM, period: minute }),
        threshold: t.oldestMessageAgeSeconds,
        evaluationPeriods: 1,
      });
      add('critical', `Dlq-${spec.dlqName}`, {
        alarmName: `${spec.dlqName}-not-empty`,
        alarmDescription: `Messages in ${spec.dlqName}: events that were not processed. Inspect with "bems dlq peek" and recover with "bems redrive".`,
        metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          statistic: cloudwatch.Stats.MAXIMUM,
          period: minute,
        }),
        threshold: t.dlqMessages,
        evaluationPeriods: 1,
      });
    }

    for (const { functionName, function: fn } of props.functions) {
      add('warning', `Errors-${functionName}`, {
        alarmName: `${functionName}-errors`,
        alarmDescription: `${t.functionErrors} or more failed invocations (crash or timeout) in 5 minutes; messages are retried and then go to the DLQ.`,
        metric: fn.metricErrors({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }),
        threshold: t.functionErrors,
        evaluationPeriods: 1,
      });
    }

    // The consumer publishes its metrics with a `cell` dimension next to others (service, stage,
    // consumer); a Metrics Insights query sums over all of them for this cell, whatever they are.
    add('critical', 'RejectedRecords', {
      alarmName: `${props.prefix}-timestream-rejected-records`,
      alarmDescription:
        'Timestream rejected records for good (RecordsRejected from the consumers: invalid values, outside retention, access denied, missing table) in 2 of 3 minutes; those messages go to the consumer DLQ after maxReceiveCount. Throttling is retried and not counted.',
      metric: new cloudwatch.MathExpression({
        label: 'Records rejected',
        expression: `SELECT SUM(${CUSTOM_METRICS.recordsRejected}) FROM ${CUSTOM_METRICS.namespace} WHERE cell = '${props.cellId}'`,
        period: minute,
        usingMetrics: {},
      }),
      threshold: t.recordsRejected,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    });

    this.alarms = alarms;
  }
}

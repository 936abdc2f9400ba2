import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { type AlertSeverity, DLQ_SEVERITY_LADDER } from '../../schemas/alerts.ts';
import {
  CONSUME_OUTCOME_METRICS,
  METRICS,
  METRICS_NAMESPACE,
  type MetricDefinition,
  metricServiceName,
} from '../../schemas/metrics.ts';
import type { StageAlarmSettings } from '../definition.ts';
import type { ConsumerSpec } from '../topology.ts';
import type { QueueWithDlq } from './QueueWithDlq.ts';

/** Creates one alarm notifying (and resolving on) the topic of `severity` (CellAlarms' `add`). */
export type AddAlarm = (severity: AlertSeverity, alarmId: string, options: cloudwatch.AlarmProps) => cloudwatch.Alarm;

export interface StageAlarmsProps {
  readonly cellId: string;
  /** Every queue of the cell with its DLQ. */
  readonly queues: readonly QueueWithDlq[];
  /** Every stage's consumers (Lambda or Fargate): one partition each, with its own error rate. */
  readonly partitions: readonly ConsumerSpec[];
  /** The cell definition's `stageAlarms`. */
  readonly settings: StageAlarmSettings;
}

const minute = Duration.minutes(1);

/**
 * What DESIGN §6 asks to alarm on per stage: each partition's error rate (records failed / records
 * processed) above the configured percentage, and each main queue's depth above a threshold; and each
 * DLQ at the severities the stuck-event monitor uses for it (`DLQ_SEVERITY_LADDER`).
 */
export function addStageAlarms(props: StageAlarmsProps, add: AddAlarm): void {
  const { settings } = props;
  for (const { stage, consumer } of props.partitions) {
    add('warning', `ErrorRate-${stage}-${consumer}`, {
      alarmName: `bems-${props.cellId}-${stage}-${consumer}-error-rate`,
      alarmDescription: `${settings.errorRatePercent}% or more of the records the ${stage} consumer ${consumer} processed failed (RecordsFailed / all outcomes) in 3 of 5 minutes; failed messages are retried and then go to the DLQ.`,
      metric: errorRate(props.cellId, stage, consumer),
      threshold: settings.errorRatePercent,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
    });
  }
  for (const { queue, deadLetterQueue, spec } of props.queues) {
    add('warning', `Depth-${spec.name}`, {
      alarmName: `${spec.name}-depth`,
      alarmDescription: `${settings.queueDepthMessages} or more messages waited in ${spec.name} for 3 minutes: its consumer is not keeping up.`,
      metric: queue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, period: minute }),
      threshold: settings.queueDepthMessages,
      evaluationPeriods: 3,
    });
    addDlqAlarms(spec.dlqName, deadLetterQueue, add);
  }
}

/** The DLQ's alarms, one per rung of the ladder the monitor climbs for it. */
function addDlqAlarms(dlqName: string, dlq: QueueWithDlq['deadLetterQueue'], add: AddAlarm): void {
  const ladder = DLQ_SEVERITY_LADDER;
  const depth = new cloudwatch.MathExpression({
    label: `Messages in ${dlqName}`,
    expression: 'visible + inFlight',
    usingMetrics: {
      visible: dlq.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, period: minute }),
      inFlight: dlq.metricApproximateNumberOfMessagesNotVisible({
        statistic: cloudwatch.Stats.MAXIMUM,
        period: minute,
      }),
    },
    period: minute,
  });
  const recover = 'Inspect with "bems dlq peek" and recover with "bems redrive".';
  add('warning', `Dlq-${dlqName}`, {
    alarmName: `${dlqName}-not-empty`,
    alarmDescription: `${ladder.warningDepth} or more messages in ${dlqName}: events that were not processed. ${recover}`,
    metric: depth,
    threshold: ladder.warningDepth,
    evaluationPeriods: 1,
  });
  add('critical', `DlqDepth-${dlqName}`, {
    alarmName: `${dlqName}-critical-depth`,
    alarmDescription: `${ladder.criticalDepth} or more messages in ${dlqName}. ${recover}`,
    metric: depth,
    threshold: ladder.criticalDepth,
    evaluationPeriods: 1,
  });
  add('critical', `DlqAge-${dlqName}`, {
    alarmName: `${dlqName}-critical-age`,
    alarmDescription: `A message has waited ${ladder.criticalAgeSeconds} s or more in ${dlqName} without anyone acting. ${recover}`,
    metric: dlq.metricApproximateAgeOfOldestMessage({ statistic: cloudwatch.Stats.MAXIMUM, period: minute }),
    threshold: ladder.criticalAgeSeconds,
    evaluationPeriods: 1,
  });
}

/**
 * Failed records over processed records of one stage's consumer, in percent, per minute. Plain
 * metrics with every dimension the consumer publishes (not Metrics Insights: 200 such alarms per
 * Region would not last many cells); a minute without records has no value (not breaching).
 */
function errorRate(cellId: string, stage: string, consumer: string): cloudwatch.MathExpression {
  const idOf = (metric: MetricDefinition) => `${metric.name[0]!.toLowerCase()}${metric.name.slice(1)}`;
  const processed = CONSUME_OUTCOME_METRICS.map((metric) => `FILL(${idOf(metric)}, 0)`).join(' + ');
  return new cloudwatch.MathExpression({
    label: `${stage}/${consumer} error rate (%)`,
    expression: `100 * FILL(${idOf(METRICS.recordsFailed)}, 0) / (${processed})`,
    usingMetrics: Object.fromEntries(
      CONSUME_OUTCOME_METRICS.map((metric) => [idOf(metric), consumerMetric(metric, cellId, stage, consumer)]),
    ),
    period: minute,
  });
}

function consumerMetric(metric: MetricDefinition, cellId: string, stage: string, consumer: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: metric.name,
    dimensionsMap: { service: metricServiceName(metric.source), cell: cellId, stage, consumer },
    statistic: cloudwatch.Stats.SUM,
    period: minute,
  });
}

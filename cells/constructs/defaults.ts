import { Duration } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ALERT_SEVERITIES, type AlertSeverity } from '../../schemas/alerts.ts';

/**
 * Defaults of the AWS cell that are not part of the cell definition: how the CDK realises it.
 * One place, so a reviewer sees every number the stack is built with.
 */
export const CELL_DEFAULTS = {
  /** Function and access logs: long enough for a quarter-end investigation. */
  logRetention: RetentionDays.THREE_MONTHS,
  /** API Gateway stage name; part of every invoke URL. */
  apiStageName: 'v1',
  /** Every queue keeps a message the maximum SQS allows, so a backlog never expires before an operator sees it. */
  queueRetention: Duration.days(14),
  /**
   * What a message that reaches a standard queue's DLQ is sure to be kept there, at least: a long
   * weekend plus a working week to redrive it (QueueWithDlq, `standardQueueRetentionDays`).
   */
  minDlqHold: Duration.days(7),
  // Function memory, timeouts and the monitor schedule are the function plan's (cells/functionPlan.ts).
} as const;

/**
 * Alarm thresholds. The 2-minute figure is the visibility SLA of DESIGN §1: an event older than
 * that in any queue can no longer reach the dashboards in time.
 */
export const ALARM_THRESHOLDS = {
  /** ApproximateAgeOfOldestMessage, seconds, on every queue. */
  oldestMessageAgeSeconds: 120,
  /** API Gateway 5XXError average (a fraction of requests) over one minute, 3 of 5 minutes. */
  api5xxRate: 0.01,
  /** API Gateway Latency p99 in ms, 3 of 5 minutes; ingest is one PutEvents call. */
  apiLatencyP99Ms: 1500,
  /** Function errors (crashes, timeouts; partial batch failures are retried, not errors) per 5 minutes. */
  functionErrors: 5,
  /**
   * Records Timestream refused for good (custom metric `RecordsRejected`) per minute, 2 of 3 minutes.
   * Throttling that the retries absorb is not counted, so the critical alarm is not woken by load.
   */
  recordsRejected: 1,
} as const;

/** Alert severities (`schemas/alerts.ts`), most severe first: the order topics and outputs are made in. */
export const SEVERITIES: readonly AlertSeverity[] = [...ALERT_SEVERITIES].reverse();
export type Severity = AlertSeverity;

/**
 * Alert severities, shared by the stuck-event monitor's alerts and the cell's CloudWatch alarms:
 * each severity has its own SNS topic (`ALERT_TOPIC_ARNS` of the monitor, `AlertTopics` in the
 * cell) and its own subscriptions (cell definition `alerts`).
 *
 * Lowest first: a condition fires at its lower severity and escalates when it crosses the upper one.
 */
export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** Position on the ladder: a higher rank is more severe. */
export function severityRank(severity: AlertSeverity): number {
  return ALERT_SEVERITIES.indexOf(severity);
}

/**
 * When a dead-letter queue alerts, and how severely: the stuck-event monitor's DLQ condition and the
 * cell's CloudWatch DLQ alarms both read this, so an on-call engineer sees the same severity from
 * either (`test/infra/dlqSeverities.test.ts` runs both on the same queue states). A DLQ message is an
 * event not recorded. Depth counts visible and in-flight messages (a redrive scan holds some).
 */
export const DLQ_SEVERITY_LADDER = {
  /** Warning as soon as this many wait. */
  warningDepth: 1,
  /** Critical when this many wait, or … */
  criticalDepth: 1000,
  /** … when the oldest has waited this long without anyone acting (automatic redrive included). */
  criticalAgeSeconds: 3600,
} as const;

/**
 * Message attributes on every alert the monitor publishes, so chat or paging integrations can
 * route without parsing text.
 *
 * @example
 * { "bems.cell": "euw1-a", "bems.severity": "critical", "bems.transition": "firing",
 *   "bems.condition": "dlq:bems-euw1-a-posting-recorder-dlq.fifo", "bems.kind": "dlq", "bems.count": 3 }
 */
export const ALERT_ATTRIBUTES = {
  cell: 'bems.cell',
  severity: 'bems.severity',
  transition: 'bems.transition',
  condition: 'bems.condition',
  kind: 'bems.kind',
  stage: 'bems.stage',
  consumer: 'bems.consumer',
  count: 'bems.count',
} as const;

export { ALERT_ATTRIBUTES, type AlertPublisher, SnsAlertPublisher } from './AlertPublisher.ts';
export { type AutoRedriveOutcome, budgetDecision, holdReason, type RedrivePolicy } from './autoRedrive.ts';
export { type Condition, conditionKeys } from './Condition.ts';
export { type DependencyProbe, type ProbeResult, TimestreamWriteProbe } from './DependencyProbe.ts';
export { ALERT_SEVERITIES, type AlertSeverity, MONITOR_DEFAULTS, severityRank } from './defaults.ts';
export * from './dlq/index.ts';
export { type AlertTransition, evaluateAlerts, undeliveredTransition } from './evaluateAlerts.ts';
export { FileMonitorStateStore } from './FileMonitorStateStore.ts';
export { type AlertMessage, commandsFor, describeCondition, formatAge, formatAlert } from './formatAlert.ts';
export { InvoiceEventsSqlSource, type SqlQuery } from './InvoiceEventsSqlSource.ts';
export { emptyMonitorState, type MonitorState, type MonitorStateStore, type OpenAlert } from './MonitorState.ts';
export {
  type QueueRef,
  type QueueStats,
  type QueueStatsResult,
  type QueueStatsSource,
  totalMessages,
} from './QueueStatsSource.ts';
export { type MonitorReport, runMonitor } from './runMonitor.ts';
export { SqsCloudWatchQueueStats } from './SqsCloudWatchQueueStats.ts';
export { SsmMonitorStateStore } from './SsmMonitorStateStore.ts';
export type { StageSla, StuckInvoiceSource, StuckInvoices } from './StuckInvoiceSource.ts';
export { stuckInvoicesQuery, TimestreamStuckInvoiceSource } from './TimestreamStuckInvoiceSource.ts';

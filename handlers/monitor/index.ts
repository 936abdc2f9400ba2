// Contracts the monitor's users also need (the definitions are in schemas/).
export { ALERT_ATTRIBUTES, ALERT_SEVERITIES, type AlertSeverity, severityRank } from '../../schemas/alerts.ts';
export * from '../shared/dlq/index.ts';
export { type AlertPublisher, SnsAlertPublisher } from './AlertPublisher.ts';
export { type AutoRedriveOutcome, budgetDecision, holdReason } from './autoRedrive.ts';
export { type Condition, conditionKeys } from './Condition.ts';
export { type DependencyProbe, type ProbeResult, TimestreamWriteProbe } from './DependencyProbe.ts';
export { MONITOR_DEFAULTS } from './defaults.ts';
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
export { S3MonitorStateStore } from './S3MonitorStateStore.ts';
export { SqsCloudWatchQueueStats } from './SqsCloudWatchQueueStats.ts';
export type { StageSla, StuckInvoiceSource, StuckInvoices } from './StuckInvoiceSource.ts';
export { stuckInvoicesQuery, TimestreamStuckInvoiceSource } from './TimestreamStuckInvoiceSource.ts';

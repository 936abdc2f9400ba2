export { AlertTopics, type AlertTopicsProps } from './AlertTopics.ts';
export { ApiFirewall, type ApiFirewallProps } from './ApiFirewall.ts';
export { acknowledge } from './acknowledge.ts';
export { type CellAlarm, CellAlarms, type CellAlarmsProps } from './CellAlarms.ts';
export { CellBus, type CellBusProps } from './CellBus.ts';
export { CellDashboard, type CellDashboardProps } from './CellDashboard.ts';
export {
  CellFunction,
  type CellFunctionProps,
  type HandlerName,
  LAMBDA_ENVIRONMENT_LIMIT_BYTES,
  PROJECT_ROOT,
  SKIP_BUNDLING_CONTEXT,
} from './CellFunction.ts';
export { CellKey, type CellKeyProps } from './CellKey.ts';
export { CellOutputs, type CellOutputsProps } from './CellOutputs.ts';
export { ALARM_THRESHOLDS, CELL_DEFAULTS, SEVERITIES, type Severity } from './defaults.ts';
export { type ApiClientAccess, InvoiceApi, type InvoiceApiProps } from './InvoiceApi.ts';
export { LatencyRouting, type LatencyRoutingProps } from './LatencyRouting.ts';
export { QueueWithDlq, type QueueWithDlqProps } from './QueueWithDlq.ts';
export { QuickSightDashboards, type QuickSightDashboardsProps } from './QuickSightDashboards.ts';
export { type StageConsumer, StagePipeline, type StagePipelineProps } from './StagePipeline.ts';
export { StuckEventMonitor, type StuckEventMonitorProps, TIMESTREAM_ENDPOINT_DISCOVERY } from './StuckEventMonitor.ts';
export { TimeseriesStore, type TimeseriesStoreProps } from './TimeseriesStore.ts';

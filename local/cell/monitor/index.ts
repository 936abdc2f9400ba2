export { HealthQueueStats } from './HealthQueueStats.ts';
export {
  type LocalMonitor,
  type LocalMonitorOptions,
  type LocalMonitorTarget,
  MONITOR_STATE_FILE,
  startLocalMonitor,
} from './startLocalMonitor.ts';

export { HealthQueueStats } from './HealthQueueStats.ts';
export {
  type LocalMonitor,
  type LocalMonitorOptions,
  type LocalMonitorTarget,
  MONITOR_STATE_FILE,
  PARKED_STORE_DIRECTORY,
  startLocalMonitor,
} from './startLocalMonitor.ts';

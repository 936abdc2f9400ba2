export { type HeapTrimStats, heapTrimStats, retainHeapTrimmer } from './heapTrimmer.ts';
export type { EmulatorRequestCounts, EmulatorWorkerData, EventBridgeStatus } from './protocol.ts';
export {
  type EventLoopUtilization,
  type LocalArchive,
  type RunningEmulators,
  startEmulatorWorker,
} from './startEmulatorWorker.ts';

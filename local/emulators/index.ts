export type { EmulatorRequestCounts, EmulatorWorkerData } from './protocol.ts';
export { type EventLoopUtilization, type RunningEmulators, startEmulatorWorker } from './startEmulatorWorker.ts';

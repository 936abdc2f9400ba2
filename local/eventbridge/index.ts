export { busesForCell } from './busesForCell.ts';
export type { EventBridgeArchiveApi, ReplayStatus, StartReplayRequest } from './createArchiveApi.ts';
export {
  EventBridgeConfigError,
  EventBridgeDataDirError,
  EventBridgeEmulatorError,
  EventBridgeError,
  InvalidEventPatternError,
} from './errors.ts';
export { EVENTBRIDGE_LIMITS } from './limits.ts';
export {
  compileEventPattern,
  type EventMatcher,
  type EventPattern,
  matchPattern,
  validateEventPattern,
} from './matchPattern.ts';
export type { DeliveryStats } from './OutboxDeliverer.ts';
export {
  type BusOptions,
  DEFAULT_DELIVERY_OPTIONS,
  type DeliveryOptions,
  type EmulatorLogger,
  type EventBridgeEmulatorOptions,
  type RuleOptions,
  type SendMessageBatch,
  type TargetOptions,
} from './options.ts';
export { sqsMessageBatchSender } from './sqsMessageBatchSender.ts';
export { type RunningEventBridgeEmulator, startEventBridgeEmulator } from './startEventBridgeEmulator.ts';
export type { ArchiveFilter } from './store/ArchiveTable.ts';
export { REPLAY_STATES, type ReplayState } from './store/ReplayTable.ts';

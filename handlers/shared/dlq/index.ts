/**
 * The DLQ engine shared by the stuck-event monitor (automatic redrive, alert samples, alerts closed
 * by parking) and the `bems` CLI (`dlq peek|park|discard`, `redrive`, `parked …`): routes of a cell's
 * DLQs, peeking without consuming, redrive with a budget per message, SQS message-move tasks, the
 * failure records that say why a message failed, and the parked store.
 */
export { type DlqMessage, decodeDlqMessage, redriveDeduplicationId, redriveMessageAttributes } from './DlqMessage.ts';
export { type DlqRoute, dlqRoutes, type RouteSelector, routeLabel, selectRoutes } from './DlqRoute.ts';
export { DynamoFailureStore, type FailureReport, type FailureStore } from './FailureStore.ts';
export { FileParkedStore } from './FileParkedStore.ts';
export { type MoveTaskProgress, type MoveTaskResult, moveWithTask } from './moveWithTask.ts';
export { type ParkedStore, ParkedStoreError } from './ParkedStore.ts';
export { type ParkOptions, type ParkResult, parkDlq, parkedIdOf } from './parkDlq.ts';
export {
  type ActionContext,
  auditRecordOf,
  discardParked,
  type RestoreResult,
  restoreDeduplicationId,
  restoreEntry,
  restoreParked,
} from './parkedActions.ts';
export { type PeekOptions, peekDlq } from './peekDlq.ts';
export { type RateClock, RateLimiter, systemRateClock } from './RateLimiter.ts';
export {
  type BatchMover,
  type RedriveDecision,
  type RedriveItem,
  type RedriveOptions,
  type RedriveProgress,
  type RedriveResult,
  redriveDlq,
} from './redriveDlq.ts';
export { type FailedRecord, failureReport, reportFailedRecords } from './reportFailedRecord.ts';
export { S3ParkedStore } from './S3ParkedStore.ts';
export { type QueueDepth, queueDepth, RELEASE_VISIBILITY_SECONDS, releaseMessages } from './sqsCalls.ts';

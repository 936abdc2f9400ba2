/**
 * The DLQ engine shared by the stuck-event monitor (automatic redrive, alert samples) and the `bems`
 * CLI (`dlq peek`, `redrive`): routes of a cell's DLQs, peeking without consuming, redrive with a
 * budget per message, and SQS message-move tasks.
 */
export { type DlqMessage, decodeDlqMessage, redriveDeduplicationId, redriveMessageAttributes } from './DlqMessage.ts';
export { type DlqRoute, dlqRoutes, type RouteSelector, routeLabel, selectRoutes } from './DlqRoute.ts';
export { type MoveTaskProgress, type MoveTaskResult, moveWithTask } from './moveWithTask.ts';
export { type PeekOptions, peekDlq } from './peekDlq.ts';
export { type RateClock, RateLimiter, systemRateClock } from './RateLimiter.ts';
export {
  type RedriveDecision,
  type RedriveItem,
  type RedriveOptions,
  type RedriveProgress,
  type RedriveResult,
  redriveDlq,
} from './redriveDlq.ts';
export { type QueueDepth, queueDepth, RELEASE_VISIBILITY_SECONDS, releaseMessages } from './sqsCalls.ts';

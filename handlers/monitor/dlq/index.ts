export {
  type DlqMessage,
  decodeDlqMessage,
  REDRIVE_ATTRIBUTES,
  redriveDeduplicationId,
  redriveMessageAttributes,
} from './DlqMessage.ts';
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

export { LOCAL_CREDENTIALS, localClientConfig, localSnsSqsClients } from './awsClientDefaults.ts';
export { describeQueues } from './describeQueues.ts';
export type { FauxqsDispatchMode } from './fauxqsDispatch.ts';
export {
  type ProvisionedQueue,
  type ProvisionedTopology,
  provisionTopology,
  type QueueAddress,
} from './provisionTopology.ts';
export { type QueueInspector, type QueueSnapshot, snapshotQueue } from './QueueInspector.ts';
export { answerSqsQuery, type QueryAnswer } from './query/answerSqsQuery.ts';
export { releaseOrphanedMessages } from './releaseOrphanedMessages.ts';
export { type RunningSnsSqs, type SnsSqsOptions, startSnsSqs } from './startSnsSqs.ts';

// The SQS batch plumbing is shared with the Fargate poller runtime (runtimes/sqs/).
export { createLambdaContext, type LambdaFunctionInfo } from '../../../runtimes/sqs/createLambdaContext.ts';
export { toSqsRecord } from '../../../runtimes/sqs/toSqsRecord.ts';
export {
  EventSourceMapping,
  type EventSourceMappingOptions,
  type EventSourceMappingStats,
  type MappingState,
  type PollingSettings,
  type SqsBatchHandler,
} from './EventSourceMapping.ts';

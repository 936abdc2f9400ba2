export { createLambdaContext, type LambdaFunctionInfo } from './createLambdaContext.ts';
export {
  EventSourceMapping,
  type EventSourceMappingOptions,
  type EventSourceMappingStats,
  type MappingState,
  type PollingSettings,
  type SqsBatchHandler,
} from './EventSourceMapping.ts';
export { toSqsRecord } from './toSqsRecord.ts';

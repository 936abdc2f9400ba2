export type { EventSink, SinkItem, SinkOutcome, SinkWriteOptions } from './EventSink.ts';
export { FirehoseSink, type FirehoseSinkOptions } from './FirehoseSink.ts';
export { analyticsValuesOf, mapToRecord } from './mapToRecord.ts';
export { type FifoMessage, parseFifoMessage } from './parseFifoMessage.ts';
export {
  PUT_RECORD_BATCH_LIMITS,
  type PutRecordBatchOptions,
  putRecordBatch,
  type RecordToPut,
  splitIntoCalls,
} from './putRecordBatch.ts';
export { type GroupedMessage, type RecordOutcome, recordInGroupOrder } from './recordInGroupOrder.ts';
export { TimestreamSink, type TimestreamSinkOptions } from './TimestreamSink.ts';
export { writeMapped } from './writeMapped.ts';
export {
  type RecordToWrite,
  WRITE_RECORDS_MAX_RECORDS,
  type WriteRecordsOptions,
  writeRecords,
} from './writeRecords.ts';

export type { EventSink, SinkItem, SinkOutcome, SinkWriteOptions } from './EventSink.ts';
export { mapToRecord } from './mapToRecord.ts';
export { type FifoMessage, parseFifoMessage } from './parseFifoMessage.ts';
export { type GroupedMessage, type RecordOutcome, recordInGroupOrder } from './recordInGroupOrder.ts';
export { TimestreamSink, type TimestreamSinkOptions } from './TimestreamSink.ts';
export {
  type RecordToWrite,
  WRITE_RECORDS_MAX_RECORDS,
  type WriteRecordsOptions,
  writeRecords,
} from './writeRecords.ts';

export {
  type InvoiceEventRecord,
  invoiceTimelineSql,
  type SqlStatement,
  type TimelineScope,
  timelineEventBase,
  toInvoiceEventRecord,
} from './invoiceTimeline.ts';
export {
  type AnalyticsRecordFilter,
  type DuplicateIdentity,
  LocalReadModel,
  type LocalReadModelOptions,
  type SyncSqlReader,
} from './LocalReadModel.ts';
export { LAKEHOUSE_READ_MODEL, LAKEHOUSE_READ_MODEL_SCHEMA } from './lakehouseReadModel.ts';
export { dimensionSql, READ_MODEL_SCHEMA, type ReadModelSource, TIMESTREAM_READ_MODEL } from './readModelSchema.ts';

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
export { dimensionSql, READ_MODEL_SCHEMA } from './readModelSchema.ts';

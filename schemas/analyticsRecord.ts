/**
 * The analytics record: what the consumer writes to Timestream for one event and consumer (DESIGN §5),
 * and what every reader reads back — the local read model (the SQLite view `invoice_events`), the
 * dashboards' SQL, the QuickSight datasets and the stuck-event monitor. Defined once here; the
 * Timestream mapping (`handlers/consume/mapToRecord.ts`), the local view's columns and the column
 * names of every query derive from it, so renaming or retyping a field is one edit.
 *
 * Identity = dimensions + time + measure name. `event_id` is a dimension so the identity is the
 * eventId: two different events of one invoice at the same instant stay two records, and a
 * re-delivery of one event hits the same identity. Time is `occurredAt` (business time), so charts
 * show when things happened, not when BEMS saw them.
 *
 * @example one record as WriteRecords receives it (abridged)
 *   { "Dimensions": [{ "Name": "stage", "Value": "posting", "DimensionValueType": "VARCHAR" }, …],
 *     "MeasureName": "invoice_event", "MeasureValueType": "MULTI",
 *     "MeasureValues": [{ "Name": "status", "Type": "VARCHAR", "Value": "posted" }, …],
 *     "Time": "1764322200000", "TimeUnit": "MILLISECONDS", "Version": 1 }
 */

/** Timestream's scalar types, as the record uses them. */
export type AnalyticsValueType = 'VARCHAR' | 'DOUBLE' | 'BIGINT' | 'BOOLEAN' | 'TIMESTAMP';

/** The multi-measure name of every BEMS record. */
export const ANALYTICS_MEASURE_NAME = 'invoice_event';

/**
 * Every write uses Version 1. A re-delivery of an event produces the same identity with a later
 * processed_at; Timestream rejects it with ExistingVersion and the consumer counts it as a duplicate
 * ("first write wins"), so a record never changes once written.
 */
export const ANALYTICS_RECORD_VERSION = 1;

/**
 * The name of each stage's first consumer unless the cell definition says otherwise. Views,
 * timelines and the stuck rule count only the first consumer's records; other consumers see
 * filtered copies of the same events.
 */
export const DEFAULT_PRIMARY_CONSUMER = 'recorder';

/** Dimensions, all VARCHAR, in the order the consumer writes them. */
export const ANALYTICS_DIMENSIONS = [
  'cell',
  'region',
  'stage',
  'consumer',
  'invoice_id',
  'event_id',
  'vendor_id',
  'currency',
] as const;
export type AnalyticsDimension = (typeof ANALYTICS_DIMENSIONS)[number];

/** Measures of the multi-measure record and their Timestream types, in the order the consumer writes them. */
export const ANALYTICS_MEASURES = {
  status: 'VARCHAR',
  /** A double for charts only; the exact amount is amount_minor / amount_text (STYLE §6). */
  amount: 'DOUBLE',
  amount_minor: 'BIGINT',
  amount_text: 'VARCHAR',
  vendor_name: 'VARCHAR',
  vendor_country: 'VARCHAR',
  invoice_date: 'VARCHAR',
  received_at: 'TIMESTAMP',
  processed_at: 'TIMESTAMP',
  latency_ms: 'BIGINT',
  due_at: 'TIMESTAMP',
  source_system: 'VARCHAR',
  replayed: 'BOOLEAN',
} as const satisfies Record<string, AnalyticsValueType>;
export type AnalyticsMeasure = keyof typeof ANALYTICS_MEASURES;
export const ANALYTICS_MEASURE_NAMES = Object.keys(ANALYTICS_MEASURES) as AnalyticsMeasure[];

/** A field of the record as a reader names it: its time, a dimension or a measure. */
export type AnalyticsField = 'time' | AnalyticsDimension | AnalyticsMeasure;

/** Timestream's type of a field (time is a TIMESTAMP, dimensions are VARCHAR). */
export function analyticsTypeOf(field: AnalyticsField): AnalyticsValueType {
  if (field === 'time') return 'TIMESTAMP';
  if ((ANALYTICS_DIMENSIONS as readonly string[]).includes(field)) return 'VARCHAR';
  return ANALYTICS_MEASURES[field as AnalyticsMeasure];
}

/** One record's values in Timestream's wire format: strings, epoch milliseconds for TIMESTAMP. */
export interface AnalyticsRecordValues {
  readonly timeMs: number;
  readonly dimensions: Readonly<Record<AnalyticsDimension, string>>;
  readonly measures: Readonly<Record<AnalyticsMeasure, string>>;
}

/** A WriteRecords record; structurally the SDK's `_Record` (schemas/ depends on no SDK). */
export interface AnalyticsWriteRecord {
  readonly Dimensions: { Name: string; Value: string; DimensionValueType: 'VARCHAR' }[];
  readonly MeasureName: string;
  readonly MeasureValueType: 'MULTI';
  readonly MeasureValues: { Name: string; Type: AnalyticsValueType; Value: string }[];
  readonly Time: string;
  readonly TimeUnit: 'MILLISECONDS';
  readonly Version: number;
}

/** The Timestream record of one event and consumer. */
export function toAnalyticsWriteRecord(values: AnalyticsRecordValues): AnalyticsWriteRecord {
  return {
    Dimensions: ANALYTICS_DIMENSIONS.map((name) => ({
      Name: name,
      Value: values.dimensions[name],
      DimensionValueType: 'VARCHAR',
    })),
    MeasureName: ANALYTICS_MEASURE_NAME,
    MeasureValueType: 'MULTI',
    MeasureValues: ANALYTICS_MEASURE_NAMES.map((name) => ({
      Name: name,
      Type: ANALYTICS_MEASURES[name],
      Value: values.measures[name],
    })),
    Time: String(values.timeMs),
    TimeUnit: 'MILLISECONDS',
    Version: ANALYTICS_RECORD_VERSION,
  };
}

/** Column names of the record's fields in one store. */
export type AnalyticsColumns = { readonly [F in AnalyticsField]: string };

function columnsBy(name: (field: AnalyticsField) => string): AnalyticsColumns {
  const fields: AnalyticsField[] = ['time', ...ANALYTICS_DIMENSIONS, ...ANALYTICS_MEASURE_NAMES];
  return Object.fromEntries(fields.map((field) => [field, name(field)])) as AnalyticsColumns;
}

/** The local read model: a SQLite view over the Timestream emulator's records, one row per analytics record. */
export const READ_MODEL_VIEW = 'invoice_events';

/** Columns of the Timestream table: each field under its own name, the record time as `time`. */
export const TIMESTREAM_COLUMNS: AnalyticsColumns = columnsBy((field) => field);

/**
 * Columns of the local read model (`invoice_events`): times are epoch milliseconds named
 * `<field>_ms` (`time_ms`, `received_at_ms`, …), every other field keeps its name.
 */
export const READ_MODEL_COLUMNS: AnalyticsColumns = columnsBy((field) =>
  analyticsTypeOf(field) === 'TIMESTAMP' ? `${field}_ms` : field,
);

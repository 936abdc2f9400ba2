/**
 * The analytics record: what the consumer writes to its store for one event and consumer (DESIGN §5),
 * as a Timestream multi-measure record or a lakehouse (Iceberg) row of the same fields, and what every
 * reader reads back: the local read model (the SQLite view `invoice_events`), the dashboards' SQL, the
 * QuickSight datasets and the stuck-event monitor. Defined once here; the Timestream mapping
 * (`handlers/consume/mapToRecord.ts`), the lakehouse row ({@link toAnalyticsRow}), the local view's
 * columns and the column names of every query derive from it, so renaming or retyping a field is one edit.
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

/**
 * Dimensions, all VARCHAR, in the order the consumer writes them: where the event was received
 * (cell, AWS account, Region: the server metadata, DESIGN §4), then what it is about.
 */
export const ANALYTICS_DIMENSIONS = [
  'cell',
  'account_id',
  'region',
  'stage',
  'consumer',
  'invoice_id',
  'event_id',
  'vendor_id',
  'currency',
] as const;
export type AnalyticsDimension = (typeof ANALYTICS_DIMENSIONS)[number];

/**
 * Dimensions an event may lack: `account_id` was added to the server metadata later, and an event
 * stamped before then (redriven or replayed) has none. Its record then has no such dimension
 * (Timestream refuses an empty value) and its row no such value: every reader sees NULL.
 */
export const OPTIONAL_ANALYTICS_DIMENSIONS = ['account_id'] as const satisfies readonly AnalyticsDimension[];
export type OptionalAnalyticsDimension = (typeof OPTIONAL_ANALYTICS_DIMENSIONS)[number];

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
  readonly dimensions: Readonly<Record<Exclude<AnalyticsDimension, OptionalAnalyticsDimension>, string>> &
    Readonly<Partial<Record<OptionalAnalyticsDimension, string>>>;
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
    Dimensions: ANALYTICS_DIMENSIONS.flatMap((name) => {
      const value = values.dimensions[name];
      return value === undefined ? [] : [{ Name: name, Value: value, DimensionValueType: 'VARCHAR' as const }];
    }),
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

/**
 * Where a cell keeps its analytics records (the cell definition's `analytics.store`):
 * - `timestream`: Timestream for LiveAnalytics, one multi-measure record per event and consumer
 *   ({@link toAnalyticsWriteRecord});
 * - `lakehouse`: Amazon Data Firehose (Direct PUT) into an Apache Iceberg table in an S3 table
 *   bucket, one JSON row per event and consumer ({@link toAnalyticsRow}).
 */
export const ANALYTICS_STORES = ['timestream', 'lakehouse'] as const;
export type AnalyticsStore = (typeof ANALYTICS_STORES)[number];

/**
 * Columns of the lakehouse (Iceberg) table, the one definition the consumer's Firehose sink, the
 * Iceberg table of the CDK stack, Athena's queries (`ATHENA_COLUMNS`, `schemas/athenaTable.ts`) and
 * the local read model over the Firehose emulator all use: each field under its own name, as in
 * Timestream (`time`, `received_at`, `processed_at`, `due_at`, …), so the Athena renderings of the
 * query catalogue share their column names with Timestream's.
 *
 * The TIMESTAMP fields are Iceberg `timestamp` columns, and Firehose converts a JSON number for a
 * `timestamp` column as epoch **microseconds** (its Iceberg documentation); so the row carries each
 * instant as an integer of microseconds ({@link epochMicros}) — the consumer's millisecond value
 * times 1,000, exact (an instant of this century is far inside Number's safe integer range).
 */
export const LAKEHOUSE_COLUMNS: AnalyticsColumns = columnsBy((field) => field);

/** Microseconds per millisecond: a lakehouse row's instants are epoch µs, everything else in BEMS epoch ms. */
export const MICROS_PER_MILLI = 1000;

/** An epoch-ms instant as the epoch-µs integer a lakehouse row carries for a `timestamp` column. */
export function epochMicros(epochMs: number): number {
  return epochMs * MICROS_PER_MILLI;
}

/**
 * The Iceberg table's unique key (Firehose `UniqueKeys`): a redelivered, redriven or replayed
 * record updates its row instead of adding one — the idempotency Timestream gets from the record's
 * identity and version (DESIGN §3).
 *
 * Why these two columns: `event_id` is the idempotency key end to end (a UUID the client chose; the
 * same eventId with other content is refused at ingest with 409), so it fixes every other field of
 * the event — cell, account, region, stage, invoice, vendor, currency and time. What it does not fix is which
 * consumer wrote the row: each consumer of a stage records its own copy of the same event, and those
 * copies must stay separate rows, as they are separate Timestream records (`consumer` is a dimension).
 * Nothing else belongs in the key: a field that varies between deliveries of one event
 * (`processed_at`, `latency_ms`, `replayed`) in the key would turn a redelivery into a second row.
 *
 * Unlike Timestream (first write wins: a re-write is rejected with ExistingVersion), the lakehouse
 * keeps the last write: the row of a redelivery replaces the earlier one with a later processed_at.
 */
export const ANALYTICS_UNIQUE_KEY = ['event_id', 'consumer'] as const satisfies readonly AnalyticsDimension[];

/** A JSON value of a lakehouse row: VARCHAR → string, DOUBLE/BIGINT → number, TIMESTAMP → epoch-µs number, BOOLEAN → boolean. */
export type AnalyticsRowValue = string | number | boolean;

/** One row of the lakehouse table, keyed by {@link LAKEHOUSE_COLUMNS}. */
export type AnalyticsRow = Readonly<Record<string, AnalyticsRowValue>>;

/**
 * The lakehouse row of one event and consumer: every field of the record under its
 * {@link LAKEHOUSE_COLUMNS} name, typed for JSON (the record's values are Timestream's strings),
 * instants as epoch microseconds.
 *
 * @example
 *   { "time": 1764322200000000, "cell": "euw1-a", "region": "eu-west-1", "stage": "posting",
 *     "consumer": "recorder", "invoice_id": "INV-1", "event_id": "7d1f…", "vendor_id": "V-1",
 *     "currency": "EUR", "status": "posted", "amount": 1250.5, "amount_minor": 125050,
 *     "amount_text": "1250.50", …, "received_at": 1764322201500000, "replayed": false }
 */
export function toAnalyticsRow(values: AnalyticsRecordValues): AnalyticsRow {
  const row: Record<string, AnalyticsRowValue> = { [LAKEHOUSE_COLUMNS.time]: epochMicros(values.timeMs) };
  for (const name of ANALYTICS_DIMENSIONS) {
    const value = values.dimensions[name];
    if (value !== undefined) row[LAKEHOUSE_COLUMNS[name]] = value; // absent: Firehose writes NULL
  }
  for (const name of ANALYTICS_MEASURE_NAMES) {
    row[LAKEHOUSE_COLUMNS[name]] = toRowValue(ANALYTICS_MEASURES[name], values.measures[name], name);
  }
  return row;
}

function toRowValue(type: AnalyticsValueType, value: string, field: string): AnalyticsRowValue {
  switch (type) {
    case 'VARCHAR':
      return value;
    case 'BOOLEAN':
      return value === 'true';
    default: {
      // BIGINT and TIMESTAMP values are integers within Number's exact range (amounts are capped
      // at MAX_SAFE_INTEGER minor units; a TIMESTAMP in µs too); a value outside it would be
      // silently rounded, so refuse it.
      const parsed = Number(value);
      const number = type === 'TIMESTAMP' ? epochMicros(parsed) : parsed;
      if (
        !Number.isFinite(number) ||
        (type !== 'DOUBLE' && !(Number.isSafeInteger(parsed) && Number.isSafeInteger(number)))
      ) {
        throw new RangeError(`${field}: "${value}" is not a valid ${type}`);
      }
      return number;
    }
  }
}

import {
  ANALYTICS_DIMENSIONS,
  ANALYTICS_MEASURE_NAMES,
  type AnalyticsField,
  type AnalyticsValueType,
  analyticsTypeOf,
} from '../../schemas/analyticsRecord.ts';
import { ATHENA_COLUMNS } from '../../schemas/athenaTable.ts';

/**
 * The lakehouse (Iceberg) table of a `lakehouse` cell, derived from the analytics record contract
 * (`schemas/analyticsRecord.ts`): one column per field of the record, in the record's order (time,
 * dimensions, measures), typed from its Timestream type.
 *
 * Column names and types: the table as Athena reads it (`ATHENA_COLUMNS`, `schemas/athenaTable.ts`):
 * every field under its snake_case name, each TIMESTAMP field an Iceberg `timestamp` (Firehose takes
 * it from the JSON row as epoch microseconds), so the query catalogue's Athena SQL reads `time`,
 * `due_at`, … exactly as Timestream's does, and Iceberg's `day` transform can partition on `time`.
 */

/** Iceberg primitive type of each Timestream type. */
const ICEBERG_TYPES = {
  VARCHAR: 'string',
  DOUBLE: 'double',
  BIGINT: 'long',
  BOOLEAN: 'boolean',
  TIMESTAMP: 'timestamp',
} as const satisfies Record<AnalyticsValueType, string>;

export interface LakehouseColumn {
  /**
   * Iceberg field id, for ever the column's identity (partition fields refer to it): the table's
   * first columns are 1.. in record order, a column added later takes the next free id.
   */
  readonly id: number;
  readonly name: string;
  readonly type: (typeof ICEBERG_TYPES)[AnalyticsValueType];
  /** Every row carries the record's identity and where/when it happened; measures may be empty. */
  readonly required: boolean;
  readonly field: AnalyticsField;
}

/** Fields every row has (the identity, its partition sources and the row's time); the rest may be null. */
const REQUIRED_FIELDS: ReadonlySet<AnalyticsField> = new Set(['time', 'stage', 'consumer', 'event_id', 'invoice_id']);

/**
 * Fields added to the contract after the table's first schema, oldest first. Iceberg knows a column
 * by its field id, not by name or position: renumbering the columns after an inserted one would make
 * a deployed table read old data under the wrong names. So the first schema's fields keep their ids
 * and each added field takes the next id, whatever its place in the record's order.
 */
const FIELDS_ADDED_LATER: readonly AnalyticsField[] = ['account_id'];

/** Field ids: the first schema's fields 1.. in record order, then the added ones. */
function fieldIds(fields: readonly AnalyticsField[]): ReadonlyMap<AnalyticsField, number> {
  const first = fields.filter((field) => !FIELDS_ADDED_LATER.includes(field));
  return new Map([...first, ...FIELDS_ADDED_LATER].map((field, i) => [field, i + 1]));
}

/** The table's columns, one per field of the analytics record, in the record's order. */
export function lakehouseColumns(): LakehouseColumn[] {
  const fields: AnalyticsField[] = ['time', ...ANALYTICS_DIMENSIONS, ...ANALYTICS_MEASURE_NAMES];
  const ids = fieldIds(fields);
  return fields.map((field) => ({
    id: ids.get(field)!,
    name: ATHENA_COLUMNS[field],
    type: ICEBERG_TYPES[analyticsTypeOf(field)],
    required: REQUIRED_FIELDS.has(field),
    field,
  }));
}

/** The column of a record field. */
export function lakehouseColumn(field: AnalyticsField): LakehouseColumn {
  return lakehouseColumns().find((c) => c.field === field)!;
}

/**
 * Partitioned by day of the event's time and by stage, because that is how every dashboard query
 * and the stuck rule filter: a time range ("last 90 days", "since the range start", "the last 14
 * days of volume") and often one stage (cohorts start at `ingestion`; the stuck rule asks per stage).
 * Athena then reads only the days and stages a query names. Day, not hour: at the design volume
 * (86 million events a day, four stages) a day-and-stage partition holds ~20 million rows, big
 * enough for well-sized Parquet files once S3 Tables compacts them; an hour would mean 24× more,
 * smaller files for no query that needs it. Not by invoice: invoice_id has millions of values.
 *
 * Iceberg's `day` transform of `time` (UTC days); Athena prunes on it from a predicate on `time`
 * itself (`time > now() - INTERVAL …`), which every Athena query of the catalogue has.
 *
 * The unique key (event_id, consumer) need not contain the partition columns: an eventId fixes the
 * event's stage and time, so a redelivered record lands in the partition of the row it replaces, and
 * the equality delete Firehose writes there finds it.
 */
export const LAKEHOUSE_PARTITIONS = [
  { field: 'time', name: 'event_day', transform: 'day' },
  { field: 'stage', name: 'stage', transform: 'identity' },
] as const satisfies readonly { field: AnalyticsField; name: string; transform: string }[];

/**
 * Firehose's unique keys: the record identity of one event as one consumer recorded it. A
 * redelivered, redriven or replayed record updates its row instead of adding one (the idempotency
 * Timestream gets from the record's identity and version). `consumer` is in it because each consumer
 * of a stage records its own copy of an event, as its own row.
 */
export const LAKEHOUSE_UNIQUE_KEYS = [ATHENA_COLUMNS.event_id, ATHENA_COLUMNS.consumer] as const;

import {
  type AnalyticsColumns,
  type AnalyticsField,
  type AnalyticsValueType,
  analyticsTypeOf,
  TIMESTREAM_COLUMNS,
} from './analyticsRecord.ts';

/**
 * The lakehouse's Iceberg table as Athena (Trino) queries see it: one row per analytics record, one
 * column per field of the contract under its snake_case name, `time` (and every other TIMESTAMP
 * field) as a `timestamp`. These are the names the query catalogue's Athena renderings use
 * (`dashboards/catalogue/`), and the columns the DuckDB tests create.
 *
 * RECONCILE: the lakehouse sink's row shape (`toAnalyticsRow()` in `analyticsRecord.ts`, being added
 * in parallel) is the authority on what Firehose writes. If it stores times as epoch-millisecond
 * `<field>_ms` longs instead of timestamps, change {@link ATHENA_COLUMNS} and
 * {@link athenaTimestamp} here — every Athena query reads its columns through them.
 */
export const ATHENA_COLUMNS: AnalyticsColumns = TIMESTREAM_COLUMNS;

/** Iceberg's type of each field of the contract (Glue / `CREATE TABLE` spelling). */
export type IcebergType = 'string' | 'double' | 'bigint' | 'boolean' | 'timestamp';

const ICEBERG_TYPES = {
  VARCHAR: 'string',
  DOUBLE: 'double',
  BIGINT: 'bigint',
  BOOLEAN: 'boolean',
  TIMESTAMP: 'timestamp',
} as const satisfies Record<AnalyticsValueType, IcebergType>;

export function icebergTypeOf(field: AnalyticsField): IcebergType {
  return ICEBERG_TYPES[analyticsTypeOf(field)];
}

/** A TIMESTAMP field as a Trino `timestamp` expression (the column itself while times are stored as timestamps). */
export function athenaTimestamp(field: AnalyticsField, alias?: string): string {
  return `${alias ? `${alias}.` : ''}${ATHENA_COLUMNS[field]}`;
}

/**
 * An instant as a Trino timestamp literal, `TIMESTAMP '2026-11-16 12:00:00.000'` (UTC): the one
 * spelling Athena and DuckDB both read the same way (Trino's `from_unixtime` does not exist in DuckDB).
 */
export function athenaTimestampLiteral(epochMs: number): string {
  const iso = new Date(Math.trunc(epochMs)).toISOString();
  return `TIMESTAMP '${iso.slice(0, 10)} ${iso.slice(11, 23)}'`;
}

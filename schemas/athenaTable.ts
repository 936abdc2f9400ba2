import {
  type AnalyticsColumns,
  type AnalyticsField,
  type AnalyticsValueType,
  analyticsTypeOf,
  LAKEHOUSE_COLUMNS,
} from './analyticsRecord.ts';

/**
 * The lakehouse's Iceberg table as Athena (Trino) queries see it: one row per analytics record, one
 * column per field of the contract under its snake_case name, `time` (and every other TIMESTAMP
 * field) as a `timestamp`. It is the table the consumer's Firehose sink writes
 * ({@link LAKEHOUSE_COLUMNS}: the same names, instants sent as epoch microseconds, which Firehose
 * turns into those `timestamp` values), so the query catalogue's Athena renderings
 * (`dashboards/catalogue/`) read exactly what the sink writes; the DuckDB tests
 * (`test/unit/dashboards/catalogue/`) load the sink's own rows into a table of these columns.
 */
export const ATHENA_COLUMNS: AnalyticsColumns = LAKEHOUSE_COLUMNS;

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

/**
 * An instant as a Trino timestamp literal, `TIMESTAMP '2026-11-16 12:00:00.000'` (UTC): the one
 * spelling Athena and DuckDB both read the same way (Trino's `from_unixtime` does not exist in DuckDB).
 */
export function athenaTimestampLiteral(epochMs: number): string {
  const iso = new Date(Math.trunc(epochMs)).toISOString();
  return `TIMESTAMP '${iso.slice(0, 10)} ${iso.slice(11, 23)}'`;
}

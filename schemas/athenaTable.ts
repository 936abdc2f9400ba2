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
 * in parallel) is the authority on what Firehose writes. The Athena renderings share their text with
 * Timestream's and name the fields as Timestream does (`time`, `due_at`, … as timestamps). If the
 * sink stores epoch-millisecond `<field>_ms` longs instead, either expose the table to Athena through
 * a view with these columns (`from_unixtime(time_ms / 1e3) AS time`, …), or give the Athena dialect
 * (`dashboards/catalogue/datasetDialects.ts`) its own time expressions; the DuckDB tests
 * (`test/unit/dashboards/catalogue/`) create the table from {@link ATHENA_COLUMNS} and will tell.
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

/**
 * An instant as a Trino timestamp literal, `TIMESTAMP '2026-11-16 12:00:00.000'` (UTC): the one
 * spelling Athena and DuckDB both read the same way (Trino's `from_unixtime` does not exist in DuckDB).
 */
export function athenaTimestampLiteral(epochMs: number): string {
  const iso = new Date(Math.trunc(epochMs)).toISOString();
  return `TIMESTAMP '${iso.slice(0, 10)} ${iso.slice(11, 23)}'`;
}

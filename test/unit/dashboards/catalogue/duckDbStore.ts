import { DuckDBInstance } from '@duckdb/node-api';
import { expect } from 'vitest';
import {
  ANALYTICS_DIMENSIONS,
  ANALYTICS_MEASURE_NAMES,
  type AnalyticsField,
} from '../../../../schemas/analyticsRecord.ts';
import { ATHENA_COLUMNS, type IcebergType, icebergTypeOf } from '../../../../schemas/athenaTable.ts';
import type { seedRecords, seedRows } from '../seededStore.ts';

/**
 * DuckDB holding the seeded analytics records twice: as the lakehouse's Iceberg table (one row per
 * record, `schemas/athenaTable.ts`), loaded from the very rows the consumer's Firehose sink sends
 * (`toAnalyticsRow`: instants as epoch µs, converted as Firehose does for a `timestamp` column), and
 * as Timestream's table (the same columns plus `measure_name`, from the Timestream records, with one
 * record of another measure that every query must leave out).
 */

type WriteRecord = ReturnType<typeof seedRecords>[number];
type LakehouseRow = ReturnType<typeof seedRows>[number];
export type Row = Record<string, unknown>;

export const ATHENA_TABLE = '"lake"."invoice_events"';
export const TIMESTREAM_DATABASE = 'bems-local';
export const TIMESTREAM_TABLE = 'invoice_events';

const DUCKDB_TYPES: Record<IcebergType, string> = {
  string: 'VARCHAR',
  double: 'DOUBLE',
  bigint: 'BIGINT',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
};

const FIELDS: AnalyticsField[] = ['time', ...ANALYTICS_DIMENSIONS, ...ANALYTICS_MEASURE_NAMES];

/** A Timestream wire value (a string; epoch ms for timestamps) as a DuckDB expression of the field's type. */
function castedValue(field: AnalyticsField, param: string): string {
  const type = icebergTypeOf(field);
  return type === 'timestamp' ? `epoch_ms(CAST(${param} AS BIGINT))` : `CAST(${param} AS ${DUCKDB_TYPES[type]})`;
}

/** A lakehouse row's JSON value as a DuckDB expression of the field's type (µs → timestamp, as Firehose converts it). */
function rowValue(field: AnalyticsField, param: string): string {
  const type = icebergTypeOf(field);
  return type === 'timestamp' ? `make_timestamp(CAST(${param} AS BIGINT))` : `CAST(${param} AS ${DUCKDB_TYPES[type]})`;
}

function rowValues(row: LakehouseRow): (string | number | boolean | null)[] {
  expect(Object.keys(row).sort()).toEqual(FIELDS.map((field) => ATHENA_COLUMNS[field]).sort());
  return FIELDS.map((field) => row[ATHENA_COLUMNS[field]] ?? null);
}

function fieldValues(record: WriteRecord): (string | null)[] {
  const named = new Map<string, string>([
    ...(record.Dimensions ?? []).map((d) => [d.Name!, d.Value!] as const),
    ...(record.MeasureValues ?? []).map((m) => [m.Name!, m.Value!] as const),
  ]);
  return FIELDS.map((field) => (field === 'time' ? record.Time! : (named.get(field) ?? null)));
}

export interface DuckDbStore {
  query(sql: string): Promise<Row[]>;
  close(): void;
}

export async function startDuckDbStore(
  records: readonly WriteRecord[],
  rows: readonly LakehouseRow[],
): Promise<DuckDbStore> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  // Athena's session time zone is UTC; DuckDB's follows the machine unless told.
  await connection.run("SET TimeZone = 'UTC'");
  const columns = FIELDS.map((field) => `"${ATHENA_COLUMNS[field]}" ${DUCKDB_TYPES[icebergTypeOf(field)]}`);
  await connection.run(`CREATE SCHEMA lake; CREATE TABLE ${ATHENA_TABLE} (${columns.join(', ')})`);
  const timestreamTable = `"${TIMESTREAM_DATABASE}"."${TIMESTREAM_TABLE}"`;
  await connection.run(
    `CREATE SCHEMA "${TIMESTREAM_DATABASE}"; CREATE TABLE ${timestreamTable} (measure_name VARCHAR, ${columns.join(', ')})`,
  );
  const values = FIELDS.map((field, i) => castedValue(field, `$${i + 1}`)).join(', ');
  const rowParams = FIELDS.map((field, i) => rowValue(field, `$${i + 1}`)).join(', ');
  for (const row of rows) await connection.run(`INSERT INTO ${ATHENA_TABLE} VALUES (${rowParams})`, rowValues(row));
  const n = FIELDS.length;
  for (const record of records) {
    const params = fieldValues(record);
    await connection.run(`INSERT INTO ${timestreamTable} VALUES ($${n + 1}, ${values})`, [
      ...params,
      record.MeasureName!,
    ]);
  }
  // Timestream's table also holds other measures (the monitor's probe): never counted.
  const probe = records[0]!;
  await connection.run(`INSERT INTO ${timestreamTable} VALUES ('probe', ${values})`, fieldValues(probe));
  return {
    query: async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJson() as Row[],
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** A DuckDB timestamp as JSON (`2026-11-16 01:00:00`, maybe with `.123` and `+00`) in epoch ms. */
export function epochMsOf(value: unknown): number {
  const text = String(value).replace(' ', 'T').replace(/\+00$/, '');
  return Date.parse(`${text}Z`);
}

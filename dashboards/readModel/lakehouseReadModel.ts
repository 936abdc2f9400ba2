import {
  ANALYTICS_DIMENSIONS,
  ANALYTICS_MEASURE_NAME,
  ANALYTICS_MEASURE_NAMES,
  ANALYTICS_MEASURES,
  type AnalyticsField,
  LAKEHOUSE_COLUMNS,
  MICROS_PER_MILLI,
  READ_MODEL_COLUMNS,
  READ_MODEL_VIEW,
} from '../../schemas/analyticsRecord.ts';
import { sqlString } from '../../schemas/readModelSql.ts';
import type { ReadModelSource } from './readModelSchema.ts';

/**
 * The local read model over the Firehose emulator's emulated Iceberg table: the same view
 * `invoice_events`, with the same columns (`READ_MODEL_COLUMNS`) and types, as over the Timestream
 * emulator, so the dashboards, the invoice timelines and the local monitor read either store
 * unchanged. Each row of `iceberg_rows` is one lakehouse row (`toAnalyticsRow`) as JSON in `data`,
 * under the lakehouse column names (`LAKEHOUSE_COLUMNS`), instants in epoch µs; the view turns
 * them into the read model's `<field>_ms` epoch milliseconds.
 *
 * Upserts differ from Timestream's: the stream's unique key (`ANALYTICS_UNIQUE_KEY`: event_id +
 * consumer) with the `update` operation makes a redelivered or replayed record REPLACE its row —
 * the last write wins (a replay's row says `replayed`, with its later processed_at) — where
 * Timestream keeps the first write and refuses the repeat (ExistingVersion). Either way there is
 * one row per event and consumer, which is what the duplicate checks count. `version` is 1, as
 * every BEMS write to Timestream; `written_at_ms` is when the emulator stored the row.
 */

/** A field of a lakehouse row (`data`), as SQL. */
function fieldSql(field: AnalyticsField): string {
  return `data ->> '$.${LAKEHOUSE_COLUMNS[field]}'`;
}

/** An instant of the row (epoch µs) as the read model's epoch ms. Integer division: the µs are whole ms × 1,000. */
function instantMsSql(field: AnalyticsField): string {
  return `(${fieldSql(field)}) / ${MICROS_PER_MILLI}`;
}

/** A measure of the row as SQL, in the type the read model gives it (as the Timestream view does). */
function measureSql(field: (typeof ANALYTICS_MEASURE_NAMES)[number]): string {
  switch (ANALYTICS_MEASURES[field]) {
    case 'VARCHAR':
      return fieldSql(field);
    case 'BIGINT':
      return `CAST(${fieldSql(field)} AS INTEGER)`;
    case 'TIMESTAMP':
      return instantMsSql(field);
    case 'DOUBLE':
      return `CAST(${fieldSql(field)} AS REAL)`;
    case 'BOOLEAN':
      return `CASE data -> '$.${LAKEHOUSE_COLUMNS[field]}' WHEN 'true' THEN 1 WHEN 'false' THEN 0 END`;
  }
}

const VIEW_COLUMNS = [
  'database_name',
  'table_name',
  ...ANALYTICS_DIMENSIONS.map((d) => `${fieldSql(d)} AS ${READ_MODEL_COLUMNS[d]}`),
  `${instantMsSql('time')} AS ${READ_MODEL_COLUMNS.time}`,
  ...ANALYTICS_MEASURE_NAMES.map((m) => `${measureSql(m)} AS ${READ_MODEL_COLUMNS[m]}`),
  '1 AS version',
  'written_at_ms',
];

/**
 * The DDL (the Firehose store's `readSchema`); idempotent, the view rebuilt at every open. The
 * indexes are on the expressions the view projects, as over Timestream's records: timelines look up
 * by invoice, dashboards aggregate windows by stage and consumer, duplicate checks look up by event.
 */
export const LAKEHOUSE_READ_MODEL_SCHEMA = `
CREATE INDEX IF NOT EXISTS invoice_events_by_invoice ON iceberg_rows (${fieldSql('invoice_id')}, ${instantMsSql('time')});
CREATE INDEX IF NOT EXISTS invoice_events_by_window ON iceberg_rows (${fieldSql('stage')}, ${fieldSql('consumer')}, ${instantMsSql('time')});
CREATE INDEX IF NOT EXISTS invoice_events_by_event ON iceberg_rows (${fieldSql('event_id')});
DROP VIEW IF EXISTS ${READ_MODEL_VIEW};
CREATE VIEW ${READ_MODEL_VIEW} AS
SELECT
  ${VIEW_COLUMNS.join(',\n  ')}
FROM iceberg_rows;
`;

/** The read model over the Firehose emulator's `iceberg_rows`. */
export const LAKEHOUSE_READ_MODEL: ReadModelSource = {
  table: 'iceberg_rows',
  dimension: (dimension) => fieldSql(dimension),
  timeMs: instantMsSql('time'),
  measureName: sqlString(ANALYTICS_MEASURE_NAME),
  schema: LAKEHOUSE_READ_MODEL_SCHEMA,
};

import {
  ANALYTICS_DIMENSIONS,
  ANALYTICS_MEASURE_NAME,
  ANALYTICS_MEASURE_NAMES,
  ANALYTICS_MEASURES,
  type AnalyticsDimension,
  type AnalyticsMeasure,
  READ_MODEL_COLUMNS,
  READ_MODEL_VIEW,
} from '../../schemas/analyticsRecord.ts';

/**
 * The local read model's schema: a view `invoice_events` with one row per analytics record and one
 * column per field (`READ_MODEL_COLUMNS`), and the indexes its queries need, all over the Timestream
 * emulator's generic `records` table (dimensions and measures as JSON). The local cell passes this
 * DDL as the store's `readSchema`; the emulator never reads it.
 *
 * The indexes are on the very expressions the view projects (`dimensions ->> '$.invoice_id'`), so a
 * query on the view's `invoice_id` uses them: timelines look up by invoice, dashboards aggregate
 * time windows by stage and consumer, duplicate checks look up by event.
 */

/**
 * Where the read model's records are, for the queries that read the store's own table rather than
 * the view (counts and duplicate checks over every record, through the same indexes): the table,
 * and each field the queries filter on as SQL over it.
 */
export interface ReadModelSource {
  /** The store's table of records. */
  readonly table: string;
  dimension(dimension: AnalyticsDimension): string;
  /** The record time, epoch ms. */
  readonly timeMs: string;
  /** The record's measure name (the lakehouse table holds one kind of record only: a constant). */
  readonly measureName: string;
  /** The store's DDL of the view `invoice_events` and its indexes (the store's `readSchema`). */
  readonly schema: string;
}

/** A dimension of a `records` row, as SQL. */
export function dimensionSql(dimension: AnalyticsDimension, alias?: string): string {
  return `${alias ? `${alias}.` : ''}dimensions ->> '$.${dimension}'`;
}

/** A measure of a `records` row as SQL, in the type the read model gives it. */
function measureSql(measure: AnalyticsMeasure): string {
  const text = `measures ->> '$.${measure}.value'`;
  switch (ANALYTICS_MEASURES[measure]) {
    case 'VARCHAR':
      return text;
    case 'BIGINT':
    case 'TIMESTAMP':
      return `CAST(${text} AS INTEGER)`;
    case 'DOUBLE':
      return `CAST(${text} AS REAL)`;
    case 'BOOLEAN':
      return `CASE ${text} WHEN 'true' THEN 1 WHEN 'false' THEN 0 END`;
  }
}

const VIEW_COLUMNS = [
  'database_name',
  'table_name',
  ...ANALYTICS_DIMENSIONS.map((d) => `${dimensionSql(d)} AS ${READ_MODEL_COLUMNS[d]}`),
  `time_ms AS ${READ_MODEL_COLUMNS.time}`,
  ...ANALYTICS_MEASURE_NAMES.map((m) => `${measureSql(m)} AS ${READ_MODEL_COLUMNS[m]}`),
  'version',
  'written_at_ms',
];

/** The read model's DDL over the Timestream emulator; idempotent, and the view is rebuilt so a changed definition applies. */
export const READ_MODEL_SCHEMA = `
CREATE INDEX IF NOT EXISTS invoice_events_by_invoice ON records (${dimensionSql('invoice_id')}, time_ms);
CREATE INDEX IF NOT EXISTS invoice_events_by_window ON records (${dimensionSql('stage')}, ${dimensionSql('consumer')}, time_ms);
CREATE INDEX IF NOT EXISTS invoice_events_by_event ON records (${dimensionSql('event_id')});
DROP VIEW IF EXISTS ${READ_MODEL_VIEW};
CREATE VIEW ${READ_MODEL_VIEW} AS
SELECT
  ${VIEW_COLUMNS.join(',\n  ')}
FROM records
WHERE measure_name = '${ANALYTICS_MEASURE_NAME}';
`;

/** The read model over the Timestream emulator's `records`. */
export const TIMESTREAM_READ_MODEL: ReadModelSource = {
  table: 'records',
  dimension: (dimension) => dimensionSql(dimension),
  timeMs: 'time_ms',
  measureName: 'measure_name',
  schema: READ_MODEL_SCHEMA,
};

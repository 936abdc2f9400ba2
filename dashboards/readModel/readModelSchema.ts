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

/** The read model's DDL; idempotent, and the view is rebuilt so a changed definition applies. */
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

import { ANALYTICS_MEASURE_NAME, type AnalyticsColumns } from './analyticsRecord.ts';
import { STAGES, type Stage } from './stages.ts';

/**
 * The SQL vocabulary both read models share — Timestream's table (the AWS monitor, QuickSight) and
 * the local SQLite view `invoice_events` (the local dashboards and monitor): literals, stage order,
 * "counted records" (each stage's first consumer) and the order that picks an invoice's latest
 * event. Column names come from the analytics record (`TIMESTREAM_COLUMNS` / `READ_MODEL_COLUMNS`).
 * Only constants from our own definitions are inlined, never request input.
 */

/** A SQL string literal; our constants never contain quotes, but a definition edit must not break SQL. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function sqlStringList(values: readonly string[]): string {
  return values.map(sqlString).join(', ');
}

/** A quoted identifier: Timestream database and table names may contain '-' (`bems-euw1-a`). */
export function sqlIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `"database"."table"` of a Timestream table. */
export function timestreamTable(database: string, table: string): string {
  return `${sqlIdentifier(database)}.${sqlIdentifier(table)}`;
}

/** Timestream records of the analytics record (the table may hold others, e.g. the monitor's probe). */
export function isAnalyticsRecord(measureNameColumn = 'measure_name'): string {
  return `${measureNameColumn} = ${sqlString(ANALYTICS_MEASURE_NAME)}`;
}

/** Position 1..4 of each stage: orders events of one invoice that share a timestamp. */
export const STAGE_ORDER: Readonly<Record<Stage, number>> = Object.fromEntries(
  STAGES.map((stage, i) => [stage, i + 1]),
) as Record<Stage, number>;

/** Stage position 1..4 as SQL (0 for a stage BEMS does not know). */
export function stageOrderCase(stageColumn = 'stage'): string {
  const whens = STAGES.map((stage) => `WHEN ${sqlString(stage)} THEN ${STAGE_ORDER[stage]}`).join(' ');
  return `CASE ${stageColumn} ${whens} ELSE 0 END`;
}

/**
 * Records of each stage's first consumer only. With one name for every stage (the usual case) this is
 * a plain equality, which lets SQLite use its (stage, consumer, time) index.
 */
export function primaryConsumerPredicate(
  primaryConsumers: Readonly<Record<Stage, string>>,
  stageColumn = 'stage',
  consumerColumn = 'consumer',
): string {
  const names = new Set(STAGES.map((stage) => primaryConsumers[stage]));
  if (names.size === 1) return `${consumerColumn} = ${sqlString([...names][0]!)}`;
  const whens = STAGES.map((stage) => `WHEN ${sqlString(stage)} THEN ${sqlString(primaryConsumers[stage])}`).join(' ');
  return `${consumerColumn} = (CASE ${stageColumn} ${whens} END)`;
}

/**
 * The keys that pick an invoice's latest event, most significant first, all descending: the record
 * time (occurredAt), then the stage's position (an invoice that moved on at the same instant is in the
 * later stage), then when BEMS received it, then the eventId.
 */
function latestEventKeys(columns: AnalyticsColumns, alias?: string): string[] {
  const ref = (column: string) => (alias ? `${alias}.${column}` : column);
  return [ref(columns.time), stageOrderCase(ref(columns.stage)), ref(columns.received_at), ref(columns.event_id)];
}

/** `ORDER BY` terms, newest first: row 1 of `PARTITION BY invoice_id` is the invoice's latest event. */
export function latestEventOrder(columns: AnalyticsColumns, alias?: string): string {
  return latestEventKeys(columns, alias)
    .map((key) => `${key} DESC`)
    .join(', ');
}

/**
 * "Event `later` comes after event `earlier`" by the keys of {@link latestEventOrder}, as a predicate
 * (for `NOT EXISTS` lookups through an index instead of ranking a whole window). A missing value
 * sorts lowest, as descending order puts NULLs last.
 */
export function isLaterEvent(columns: AnalyticsColumns, later: string, earlier: string): string {
  const pairs = latestEventKeys(columns, later).map((key, i) => [key, latestEventKeys(columns, earlier)[i]!]);
  return pairs.reduceRight(
    (rest, [l, e]) =>
      `(${l} > ${e} OR (${l} IS NOT NULL AND ${e} IS NULL)${rest ? ` OR (${l} IS ${e} AND ${rest})` : ''})`,
    '',
  );
}

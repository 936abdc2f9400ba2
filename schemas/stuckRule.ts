import { type AnalyticsColumns, READ_MODEL_COLUMNS, TIMESTREAM_COLUMNS } from './analyticsRecord.ts';
import { ATHENA_COLUMNS } from './athenaTable.ts';
import { isAnalyticsRecord, isLaterEvent, latestEventOrder, sqlString, sqlStringList } from './readModelSql.ts';
import { FINAL_STATUSES, STAGES, type Stage } from './stages.ts';

/**
 * The stuck-event rule, defined once and rendered into the three dialects that evaluate it: Timestream
 * SQL (the AWS monitor and QuickSight's "Stuck invoices" of a `timestream` cell), Athena (Trino) SQL
 * over the lakehouse's Iceberg table (the same two readers of a `lakehouse` cell) and SQLite over the
 * local read model (the local dashboards and the local monitor). Every rendering runs in a test
 * (test/unit/dashboards/catalogue/).
 *
 * An invoice is stuck in stage S when its latest counted event (each stage's first consumer;
 * latest by {@link latestEventOrder}) lies in the look-back window, is in S, has a status that is not
 * final for S (`FINAL_STATUSES`; a missing status is not final) and occurred before S's SLA cutoff.
 */

/** What the rule needs to know about one stage. */
export interface StageStuckRule {
  readonly stage: Stage;
  readonly slaSeconds: number;
  /** The consumer whose records count (the stage's first consumer, as on the dashboards). */
  readonly primaryConsumer: string;
}

/** The rule for every stage of a cell, from its first consumers and SLAs. */
export function stuckRulesOf(
  primaryConsumers: Readonly<Record<Stage, string>>,
  slaSecondsByStage: Readonly<Record<Stage, number>>,
): StageStuckRule[] {
  return STAGES.map((stage) => ({
    stage,
    slaSeconds: slaSecondsByStage[stage],
    primaryConsumer: primaryConsumers[stage],
  }));
}

/** `(stage = S AND time < cutoff AND status not final for S)` for one stage. */
function stuckInStage(columns: AnalyticsColumns, rule: StageStuckRule, cutoff: string, alias?: string): string {
  const ref = (column: string) => (alias ? `${alias}.${column}` : column);
  const finals = FINAL_STATUSES[rule.stage] as readonly string[];
  const status = ref(columns.status);
  const notFinal = finals.length ? ` AND (${status} IS NULL OR ${status} NOT IN (${sqlStringList(finals)}))` : '';
  return `(${ref(columns.stage)} = ${sqlString(rule.stage)} AND ${ref(columns.time)} < ${cutoff}${notFinal})`;
}

/**
 * The records an invoice's latest event is looked for among: each listed stage's first consumer; a
 * stage not listed counts with any consumer, so an invoice that moved on is still seen as moved on.
 */
function countedRecords(columns: AnalyticsColumns, stages: readonly StageStuckRule[], alias?: string): string {
  const ref = (column: string) => (alias ? `${alias}.${column}` : column);
  return [
    ...stages.map(
      (s) =>
        `(${ref(columns.stage)} = ${sqlString(s.stage)} AND ${ref(columns.consumer)} = ${sqlString(s.primaryConsumer)})`,
    ),
    `${ref(columns.stage)} NOT IN (${stages.map((s) => sqlString(s.stage)).join(', ')})`,
  ].join('\n         OR ');
}

export interface TimestreamStuckOptions {
  /** `"database"."table"`. */
  readonly table: string;
  /** Start of the look-back window, a Timestream expression (`from_milliseconds(…)`, `ago(14d)`). */
  readonly since: string;
  /** A stage's SLA cutoff as a Timestream expression (`from_milliseconds(…)`, `ago(900s)`). */
  readonly cutoff: (rule: StageStuckRule) => string;
  /** Columns of the latest event to keep (beyond stage, invoice_id and time). */
  readonly columns?: readonly string[];
}

/** The same options in Athena SQL: `since` and `cutoff` are Trino timestamp expressions. */
export type AthenaStuckOptions = TimestreamStuckOptions;

/**
 * The rule as two CTEs over a table with one row per record (Timestream, Athena): rank each invoice's
 * counted records newest first, keep rank 1 when it is stuck. `recordFilter` narrows the table to
 * analytics records (Timestream's table also holds other measures; the Iceberg table does not).
 */
function rankedStuckInvoices(
  c: AnalyticsColumns,
  recordFilter: string | undefined,
  stages: readonly StageStuckRule[],
  options: TimestreamStuckOptions,
): string {
  const kept = [...new Set([c.invoice_id, c.stage, c.status, c.time, ...(options.columns ?? [])])].join(', ');
  const rules = stages.map((s) => stuckInStage(c, s, options.cutoff(s))).join('\n         OR ');
  const where = [...(recordFilter ? [recordFilter] : []), `${c.time} >= ${options.since}`].join('\n    AND ');
  return `latest AS (
  SELECT ${kept},
    row_number() OVER (PARTITION BY ${c.invoice_id} ORDER BY ${latestEventOrder(c)}) AS latest_rank
  FROM ${options.table}
  WHERE ${where}
    AND (${countedRecords(c, stages)})
),
stuck AS (
  SELECT ${kept} FROM latest
  WHERE latest_rank = 1
    AND (${rules})
)`;
}

/**
 * The rule in Timestream SQL: two CTEs (`latest AS (…), stuck AS (…)`, without the `WITH`); `stuck`
 * holds one row per stuck invoice with `stage, invoice_id, time` and the requested columns.
 */
export function timestreamStuckInvoices(stages: readonly StageStuckRule[], options: TimestreamStuckOptions): string {
  return rankedStuckInvoices(TIMESTREAM_COLUMNS, isAnalyticsRecord(), stages, options);
}

/**
 * The rule in Athena SQL over the lakehouse's Iceberg table (`ATHENA_COLUMNS`, one row per record):
 * the same two CTEs as {@link timestreamStuckInvoices}, without Timestream's measure-name filter.
 */
export function athenaStuckInvoices(stages: readonly StageStuckRule[], options: AthenaStuckOptions): string {
  return rankedStuckInvoices(ATHENA_COLUMNS, undefined, stages, options);
}

export interface SqliteStuckOptions {
  /** The local read model's view (`invoice_events`). */
  readonly view: string;
  /** Start of the look-back window (epoch ms). */
  readonly fromMs: number;
  /** Now (epoch ms): each stage's cutoff is now − its SLA. */
  readonly nowMs: number;
  /** Restricts the rule to one Timestream database and table (the view holds every table's records). */
  readonly scope?: { readonly database: string; readonly table: string };
  /** Columns of the latest event to keep (beyond stage, invoice_id and time_ms). */
  readonly columns?: readonly string[];
}

/**
 * The rule over the local read model: `stuck AS (…)` (without the `WITH`), one SELECT per stage
 * joined by UNION ALL, so each uses the (stage, consumer, time) index for "this stage, older than its
 * SLA", then one lookup on the (invoice_id, time) index for "no later counted event of the invoice".
 * Ranking every record of the look-back window by invoice instead takes seconds on a store of 100k
 * records. The status (a JSON field) is read last, only for the few candidates left.
 */
export function sqliteStuckInvoices(
  stages: readonly StageStuckRule[],
  options: SqliteStuckOptions,
): { sql: string; params: (string | number)[] } {
  const c = READ_MODEL_COLUMNS;
  const kept = [...new Set([c.invoice_id, c.stage, c.time, ...(options.columns ?? [])])].map((col) => `r.${col}`);
  const scoped = (alias: string) => (options.scope ? `AND ${alias}.database_name = ? AND ${alias}.table_name = ?` : '');
  const scopeParams = options.scope ? [options.scope.database, options.scope.table] : [];
  const parts = stages.map((s) => ({
    sql: `SELECT ${kept.join(', ')} FROM ${options.view} r
        WHERE r.${c.stage} = ? AND r.${c.consumer} = ? AND r.${c.time} >= ? ${scoped('r')}
          AND NOT EXISTS (
            SELECT 1 FROM ${options.view} l
            WHERE l.${c.invoice_id} = r.${c.invoice_id} AND l.${c.time} >= r.${c.time}
              AND ${isLaterEvent(c, 'l', 'r')}
              ${options.scope ? 'AND l.database_name = r.database_name AND l.table_name = r.table_name' : ''}
              AND (${countedRecords(c, stages, 'l')})
          )
          AND ${stuckInStage(c, s, String(Math.trunc(options.nowMs - s.slaSeconds * 1000)), 'r')}`,
    params: [s.stage, s.primaryConsumer, options.fromMs, ...scopeParams],
  }));
  return {
    sql: `stuck AS MATERIALIZED (${parts.map((p) => p.sql).join('\nUNION ALL\n')})`,
    params: parts.flatMap((p) => p.params),
  };
}

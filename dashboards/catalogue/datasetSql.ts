import { minorUnitDigits } from '../../schemas/money.ts';
import { latestEventOrder, sqlString } from '../../schemas/readModelSql.ts';
import type { Stage } from '../../schemas/stages.ts';
import { type StageStuckRule, stuckRulesOf } from '../../schemas/stuckRule.ts';
import { agingBucketCase, invoiceStateCase } from '../sqlFragments.ts';
import { AGING_BUCKETS, ANOMALY_DETECTION, DAY_MS, STAGE_ENTRY_LOOKBACK_MS, STUCK } from '../views.ts';
import type { DatasetDialect } from './datasetDialects.ts';

/**
 * The SQL of the dashboards' datasets (the view definition's sources at their own grain, plus stuck
 * invoices and event volume), written once and rendered for Timestream and for Athena by a
 * {@link DatasetDialect}. QuickSight does the grouping (the visuals' field wells), so a dataset
 * returns rows, not aggregates. Their local twins are in `localSql.ts`; the catalogue
 * (`./queryCatalogue.ts`) lists all three renderings of each.
 */

export interface DatasetSqlOptions {
  readonly primaryConsumers: Readonly<Record<Stage, string>>;
  readonly slaSecondsByStage: Readonly<Record<Stage, number>>;
  /** How far back the direct-query datasets read; the dashboard's range control narrows it. @default 90 */
  readonly lookbackDays?: number;
  /** History the event-volume series (SPICE) keeps. @default 14 */
  readonly volumeHistoryDays?: number;
}

/** Minor-unit digits per currency as SQL: only the currencies that differ from 2 are listed. */
export function minorDigitsCase(column = 'currency'): string {
  const exceptions = Intl.supportedValuesOf('currency')
    .filter((code) => /^[A-Z]{3}$/.test(code))
    .map((code) => [code, minorUnitDigits(code)] as const)
    .filter(([, digits]) => digits !== 2);
  const whens = exceptions.map(([code, digits]) => `WHEN ${sqlString(code)} THEN ${digits}`).join(' ');
  return `CASE ${column} ${whens} ELSE 2 END`;
}

/** What every dataset's SQL is built from, computed once per dashboard and dialect. */
export interface DatasetContext {
  readonly dialect: DatasetDialect;
  readonly table: string;
  readonly lookbackDays: number;
  readonly volumeDays: number;
  /** Records the dashboards count: the analytics record, each stage's first consumer. */
  readonly counted: string;
  readonly eventColumns: string;
  readonly latestOrder: string;
  readonly agingOrder: string;
  readonly stuckRules: readonly StageStuckRule[];
  readonly entryLookbackDays: number;
  readonly stuckDays: number;
}

export function datasetContext(dialect: DatasetDialect, options: DatasetSqlOptions): DatasetContext {
  const lookbackDays = options.lookbackDays ?? 90;
  return {
    dialect,
    table: dialect.table,
    lookbackDays,
    volumeDays: options.volumeHistoryDays ?? 14,
    counted: dialect.counted(),
    eventColumns:
      'time AS occurred_at, processed_at, received_at, due_at, stage, status, currency, invoice_id, event_id, vendor_id, ' +
      `vendor_name, amount_minor, ${minorDigitsCase()} AS minor_digits, latency_ms`,
    latestOrder: latestEventOrder(dialect.columns),
    agingOrder: `CASE aging_bucket ${AGING_BUCKETS.map((b, i) => `WHEN ${sqlString(b.id)} THEN ${i + 1}`).join(' ')} END`,
    stuckRules: stuckRulesOf(options.primaryConsumers, options.slaSecondsByStage),
    entryLookbackDays: lookbackDays + STAGE_ENTRY_LOOKBACK_MS / DAY_MS,
    stuckDays: STUCK.lookbackMs / DAY_MS,
  };
}

/** Every counted event of the look-back window. */
export function eventsSql({ dialect, table, lookbackDays, counted, eventColumns }: DatasetContext): string {
  return `SELECT ${eventColumns} FROM ${table} WHERE ${counted} AND time > ${dialect.ago(lookbackDays, 'day')}`;
}

/** Each invoice's first event in each stage. */
export function stageEntriesSql(context: DatasetContext): string {
  const { dialect, table, lookbackDays, counted, eventColumns, entryLookbackDays } = context;
  // First event per (stage, invoice), searched further back than the window so an invoice that
  // entered a stage earlier is not counted again when its status changes inside the window.
  return (
    `SELECT ${eventColumns} FROM (SELECT *, row_number() OVER (PARTITION BY stage, invoice_id ORDER BY time, event_id) AS entry_rank ` +
    `FROM ${table} WHERE ${counted} AND time > ${dialect.ago(entryLookbackDays, 'day')}) WHERE entry_rank = 1 AND time > ${dialect.ago(lookbackDays, 'day')}`
  );
}

/** Each invoice's latest event, with its state and aging bucket as of now. */
export function invoicesSql({
  dialect,
  table,
  lookbackDays,
  counted,
  latestOrder,
  agingOrder,
}: DatasetContext): string {
  return (
    `SELECT *, ${agingOrder} AS aging_order FROM (SELECT time AS last_event_at, due_at, stage, status, currency, invoice_id, vendor_id, vendor_name, ` +
    `amount_minor, ${minorDigitsCase()} AS minor_digits, ${invoiceStateCase()} AS state, ` +
    `${agingBucketCase("date_diff('day', due_at, now())")} AS aging_bucket ` +
    `FROM (SELECT *, row_number() OVER (PARTITION BY invoice_id ORDER BY ${latestOrder}) AS latest_rank ` +
    `FROM ${table} WHERE ${counted} AND time > ${dialect.ago(lookbackDays, 'day')}) WHERE latest_rank = 1)`
  );
}

/** Every counted event of the invoices ingested in the window, with their ingestion time. */
export function cohortSql({ dialect, table, lookbackDays, counted }: DatasetContext): string {
  return (
    `SELECT e.stage AS stage, e.invoice_id AS invoice_id, e.currency AS currency, c.ingested_at AS ingested_at FROM ${table} e JOIN ` +
    `(SELECT invoice_id, min(time) AS ingested_at FROM ${table} WHERE ${counted} AND stage = 'ingestion' AND time > ${dialect.ago(lookbackDays, 'day')} GROUP BY invoice_id) c ` +
    `ON e.invoice_id = c.invoice_id WHERE ${dialect.counted('e')} ` +
    `AND e.time > ${dialect.ago(lookbackDays, 'day')}`
  );
}

/** The stuck rule of `schemas/stuckRule.ts`, as the monitor evaluates it, as of the query's now(). */
export function stuckSql({ dialect, stuckRules, stuckDays }: DatasetContext): string {
  return (
    `WITH ${dialect.stuckInvoices(stuckRules, {
      since: dialect.ago(stuckDays, 'day'),
      cutoff: (rule) => dialect.ago(rule.slaSeconds, 'second'),
      columns: ['vendor_name', 'currency', 'amount_minor'],
    })} ` +
    `SELECT invoice_id, stage, status, vendor_name, currency, amount_minor, ${minorDigitsCase()} AS minor_digits, time AS last_event_at, ` +
    "date_diff('minute', time, now()) AS stuck_minutes FROM stuck"
  );
}

/**
 * Events per interval and currency over the volume history, empty intervals included, with the local
 * dashboard's anomaly rule (`robustZScores.ts`) per currency — what the local view computes when
 * filtered to that currency: the baseline is the complete intervals with at least `quietBelowEvents`
 * events; each is scored `(events − median) / max(MAD / 0.6745, √median)`. Quiet intervals (empty
 * ones included) are `quiet`; the partial intervals at either end, and every interval while the
 * baseline is smaller than `minBaselineIntervals`, are `unjudged`.
 */
export function eventVolumeSql({ dialect, table, volumeDays, counted }: DatasetContext): string {
  const { madScale, threshold, quietBelowEvents, minBaselineIntervals } = ANOMALY_DETECTION;
  const since = dialect.ago(volumeDays, 'day');
  return (
    `WITH counts AS (SELECT ${dialect.bin('time')} AS interval_start, currency, count(*) AS events FROM ${table} ` +
    `WHERE ${counted} AND time > ${since} GROUP BY ${dialect.bin('time')}, currency), ` +
    'currencies AS (SELECT DISTINCT currency FROM counts), ' +
    `intervals AS (SELECT t.interval_start FROM UNNEST(sequence(${dialect.bin(since)}, ${dialect.bin('now()')}, ${dialect.step})) AS t(interval_start)), ` +
    // The first interval began before the history and the last one is still running: neither is complete.
    'filled AS (SELECT i.interval_start, k.currency, coalesce(c.events, 0) AS events, ' +
    `CASE WHEN i.interval_start > ${dialect.bin(since)} AND i.interval_start < ${dialect.bin('now()')} THEN 1 ELSE 0 END AS complete ` +
    'FROM intervals i CROSS JOIN currencies k LEFT JOIN counts c ON i.interval_start = c.interval_start AND k.currency = c.currency), ' +
    `active AS (SELECT currency, events FROM filled WHERE complete = 1 AND events >= ${quietBelowEvents}), ` +
    // LEFT JOINs keep a currency without a baseline (its median NULL, its baseline 0).
    'med AS (SELECT k.currency, approx_percentile(a.events, 0.5) AS median, count(a.events) AS baseline ' +
    'FROM currencies k LEFT JOIN active a ON a.currency = k.currency GROUP BY k.currency), ' +
    `spread AS (SELECT m.currency, greatest(approx_percentile(abs(a.events - m.median), 0.5) / ${madScale}, sqrt(max(m.median))) AS spread ` +
    'FROM med m LEFT JOIN active a ON a.currency = m.currency GROUP BY m.currency), ' +
    `judged AS (SELECT f.interval_start, f.currency, f.events, m.median, CASE WHEN f.complete = 0 THEN 'unjudged' ` +
    `WHEN f.events < ${quietBelowEvents} THEN 'quiet' WHEN m.baseline < ${minBaselineIntervals} THEN 'unjudged' ` +
    "ELSE 'scored' END AS judgement, (f.events - m.median) / s.spread AS z " +
    'FROM filled f JOIN med m ON m.currency = f.currency JOIN spread s ON s.currency = f.currency) ' +
    "SELECT interval_start, currency, events, median, CASE WHEN judgement = 'scored' THEN z END AS robust_z, " +
    `CASE WHEN judgement <> 'scored' THEN judgement WHEN abs(z) > ${threshold} THEN 'anomaly' ELSE 'normal' END AS volume_status FROM judged`
  );
}

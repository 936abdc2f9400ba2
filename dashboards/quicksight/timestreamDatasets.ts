import {
  type AnalyticsField,
  type AnalyticsValueType,
  analyticsTypeOf,
  TIMESTREAM_COLUMNS,
} from '../../schemas/analyticsRecord.ts';
import { minorUnitDigits } from '../../schemas/money.ts';
import {
  isAnalyticsRecord,
  latestEventOrder,
  primaryConsumerPredicate,
  sqlString,
  timestreamTable,
} from '../../schemas/readModelSql.ts';
import type { Stage } from '../../schemas/stages.ts';
import { type StageStuckRule, stuckRulesOf, timestreamStuckInvoices } from '../../schemas/stuckRule.ts';
import { agingBucketCase, DASHBOARD_FIELDS, invoiceStateCase } from '../sqlFragments.ts';
import { AGING_BUCKETS, ANOMALY_DETECTION, DAY_MS, STAGE_ENTRY_LOOKBACK_MS, STUCK } from '../views.ts';

/**
 * The view definition's sources as QuickSight custom-SQL datasets over Timestream. Each source of
 * `views.ts` becomes one dataset with the same meaning as its local SQL twin (`localSql.ts`); the
 * fragments that define states, aging, stage order and the stuck rule are shared. QuickSight does
 * the grouping (the visuals' field wells), so a dataset returns rows at the source's grain.
 */

export type QuickSightColumnType = 'STRING' | 'INTEGER' | 'DECIMAL' | 'DATETIME' | 'BIT';

export interface TimestreamDataset {
  /** Dataset identifier inside the dashboard definition, and the suffix of the DataSetId. */
  readonly id: DatasetId;
  readonly name: string;
  readonly sql: string;
  readonly columns: readonly { readonly name: string; readonly type: QuickSightColumnType }[];
  /** The time column the dashboard's "From" parameter filters on; none for "now" snapshots. */
  readonly timeColumn?: string;
  /**
   * SPICE for the ML insight (QuickSight's forecast computations run on imported data); direct query
   * everywhere else, so the dashboards stay within the two-minute visibility promise.
   */
  readonly importMode: 'DIRECT_QUERY' | 'SPICE';
}

export const DATASET_IDS = ['events', 'stage_entries', 'invoices', 'cohort', 'stuck', 'event_volume'] as const;
export type DatasetId = (typeof DATASET_IDS)[number];

export interface TimestreamDatasetOptions extends DatasetWindowOptions {
  readonly databaseName: string;
  readonly tableName: string;
}

/** What every dialect's datasets are built from, besides the table: counted records, SLAs, windows. */
export interface DatasetWindowOptions {
  readonly primaryConsumers: Readonly<Record<Stage, string>>;
  readonly slaSecondsByStage: Readonly<Record<Stage, number>>;
  /** How far back the direct-query datasets read; the dashboard's range control narrows it. @default 90 */
  readonly lookbackDays?: number;
  /** Interval of the event-volume series (anomaly detection and forecast). @default 15 */
  readonly volumeIntervalMinutes?: number;
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

type DatasetColumn = TimestreamDataset['columns'][number];

const QUICKSIGHT_TYPES = {
  VARCHAR: 'STRING',
  BIGINT: 'INTEGER',
  DOUBLE: 'DECIMAL',
  TIMESTAMP: 'DATETIME',
  BOOLEAN: 'BIT',
} as const satisfies Record<AnalyticsValueType, QuickSightColumnType>;

/** Dataset columns that are fields of the analytics record, typed from it. */
function fields(...names: AnalyticsField[]): DatasetColumn[] {
  return names.map((name) => ({ name: TIMESTREAM_COLUMNS[name], type: QUICKSIGHT_TYPES[analyticsTypeOf(name)] }));
}

/** A record field under another name (`time AS occurred_at`). */
function renamed(name: string, field: AnalyticsField): DatasetColumn {
  return { name, type: QUICKSIGHT_TYPES[analyticsTypeOf(field)] };
}

const MINOR_DIGITS: DatasetColumn = { name: 'minor_digits', type: 'INTEGER' };

const EVENT_COLUMNS: readonly DatasetColumn[] = [
  renamed('occurred_at', 'time'),
  ...fields(...DASHBOARD_FIELDS.filter((field) => field !== 'time' && field !== 'latency_ms')),
  MINOR_DIGITS,
  ...fields('latency_ms'),
];

/** What every dataset's SQL is built from, computed once per dashboard. */
interface DatasetContext {
  readonly options: TimestreamDatasetOptions;
  readonly table: string;
  readonly lookbackDays: number;
  readonly interval: string;
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

function datasetContext(options: TimestreamDatasetOptions): DatasetContext {
  const table = timestreamTable(options.databaseName, options.tableName);
  const lookbackDays = options.lookbackDays ?? 90;
  const interval = `${options.volumeIntervalMinutes ?? 15}m`;
  const volumeDays = options.volumeHistoryDays ?? 14;
  const counted = `${isAnalyticsRecord()} AND ${primaryConsumerPredicate(options.primaryConsumers)}`;
  const eventColumns =
    'time AS occurred_at, processed_at, received_at, due_at, stage, status, currency, invoice_id, event_id, vendor_id, ' +
    `vendor_name, amount_minor, ${minorDigitsCase()} AS minor_digits, latency_ms`;
  const latestOrder = latestEventOrder(TIMESTREAM_COLUMNS);
  const agingOrder = `CASE aging_bucket ${AGING_BUCKETS.map((b, i) => `WHEN ${sqlString(b.id)} THEN ${i + 1}`).join(' ')} END`;
  const stuckRules = stuckRulesOf(options.primaryConsumers, options.slaSecondsByStage);
  const entryLookbackDays = lookbackDays + STAGE_ENTRY_LOOKBACK_MS / DAY_MS;
  const stuckDays = STUCK.lookbackMs / DAY_MS;
  return {
    options,
    table,
    lookbackDays,
    interval,
    volumeDays,
    counted,
    eventColumns,
    latestOrder,
    agingOrder,
    stuckRules,
    entryLookbackDays,
    stuckDays,
  };
}

/** Each dataset: what QuickSight is told about it, and its SQL over the shared context. */
const DATASETS: Record<
  DatasetId,
  Omit<TimestreamDataset, 'id' | 'sql'> & { readonly sql: (context: DatasetContext) => string }
> = {
  events: {
    name: 'Invoice events',
    importMode: 'DIRECT_QUERY',
    timeColumn: 'occurred_at',
    columns: EVENT_COLUMNS,
    sql: eventsSql,
  },
  stage_entries: {
    name: 'Invoices entering each stage',
    importMode: 'DIRECT_QUERY',
    timeColumn: 'occurred_at',
    columns: EVENT_COLUMNS,
    sql: stageEntriesSql,
  },
  invoices: {
    name: 'Invoices (latest event)',
    importMode: 'DIRECT_QUERY',
    timeColumn: 'last_event_at',
    columns: [
      renamed('last_event_at', 'time'),
      ...fields('due_at', 'stage', 'status', 'currency', 'invoice_id', 'vendor_id', 'vendor_name', 'amount_minor'),
      MINOR_DIGITS,
      { name: 'state', type: 'STRING' },
      { name: 'aging_bucket', type: 'STRING' },
      { name: 'aging_order', type: 'INTEGER' },
    ],
    sql: invoicesSql,
  },
  cohort: {
    name: 'Conversion cohort',
    importMode: 'DIRECT_QUERY',
    timeColumn: 'ingested_at',
    columns: [...fields('stage', 'invoice_id'), renamed('ingested_at', 'time')],
    sql: cohortSql,
  },
  stuck: {
    name: 'Stuck invoices',
    importMode: 'DIRECT_QUERY',
    columns: [
      ...fields('invoice_id', 'stage', 'status', 'vendor_name', 'currency', 'amount_minor'),
      MINOR_DIGITS,
      renamed('last_event_at', 'time'),
      { name: 'stuck_minutes', type: 'INTEGER' },
    ],
    sql: stuckSql,
  },
  event_volume: {
    name: 'Event volume',
    importMode: 'SPICE',
    timeColumn: 'interval_start',
    columns: [
      { name: 'interval_start', type: 'DATETIME' },
      { name: 'events', type: 'INTEGER' },
      { name: 'median', type: 'DECIMAL' },
      { name: 'robust_z', type: 'DECIMAL' },
      { name: 'volume_status', type: 'STRING' },
    ],
    sql: eventVolumeSql,
  },
};

/** A dataset as QuickSight is told about it (name, import mode, columns), without its SQL: the same in every dialect. */
export type DatasetShape = Omit<TimestreamDataset, 'sql'>;

/** Every dataset's shape, in DATASET_IDS order; another dialect (Athena) gives each its own SQL. */
export function datasetShapes(): DatasetShape[] {
  return DATASET_IDS.map((id) => {
    const { sql: _sql, ...shape } = DATASETS[id];
    return { id, ...shape };
  });
}

export function timestreamDatasets(options: TimestreamDatasetOptions): TimestreamDataset[] {
  const context = datasetContext(options);
  return DATASET_IDS.map((id) => {
    const { sql, ...dataset } = DATASETS[id];
    return { id, ...dataset, sql: sql(context) };
  });
}

function eventsSql({ table, lookbackDays, counted, eventColumns }: DatasetContext): string {
  return `SELECT ${eventColumns} FROM ${table} WHERE ${counted} AND time > ago(${lookbackDays}d)`;
}

function stageEntriesSql({ table, lookbackDays, counted, eventColumns, entryLookbackDays }: DatasetContext): string {
  // First event per (stage, invoice), searched further back than the window so an invoice that
  // entered a stage earlier is not counted again when its status changes inside the window.
  return (
    `SELECT ${eventColumns} FROM (SELECT *, row_number() OVER (PARTITION BY stage, invoice_id ORDER BY time, event_id) AS entry_rank ` +
    `FROM ${table} WHERE ${counted} AND time > ago(${entryLookbackDays}d)) WHERE entry_rank = 1 AND time > ago(${lookbackDays}d)`
  );
}

function invoicesSql({ table, lookbackDays, counted, latestOrder, agingOrder }: DatasetContext): string {
  return (
    `SELECT *, ${agingOrder} AS aging_order FROM (SELECT time AS last_event_at, due_at, stage, status, currency, invoice_id, vendor_id, vendor_name, ` +
    `amount_minor, ${minorDigitsCase()} AS minor_digits, ${invoiceStateCase()} AS state, ` +
    `${agingBucketCase("date_diff('day', due_at, now())")} AS aging_bucket ` +
    `FROM (SELECT *, row_number() OVER (PARTITION BY invoice_id ORDER BY ${latestOrder}) AS latest_rank ` +
    `FROM ${table} WHERE ${counted} AND time > ago(${lookbackDays}d)) WHERE latest_rank = 1)`
  );
}

function cohortSql({ table, lookbackDays, counted, options }: DatasetContext): string {
  return (
    `SELECT e.stage AS stage, e.invoice_id AS invoice_id, c.ingested_at AS ingested_at FROM ${table} e JOIN ` +
    `(SELECT invoice_id, min(time) AS ingested_at FROM ${table} WHERE ${counted} AND stage = 'ingestion' AND time > ago(${lookbackDays}d) GROUP BY invoice_id) c ` +
    `ON e.invoice_id = c.invoice_id WHERE ${isAnalyticsRecord('e.measure_name')} AND ${primaryConsumerPredicate(options.primaryConsumers, 'e.stage', 'e.consumer')} ` +
    `AND e.time > ago(${lookbackDays}d)`
  );
}

function stuckSql({ table, stuckRules, stuckDays }: DatasetContext): string {
  // The stuck rule of `schemas/stuckRule.ts`, as the AWS monitor evaluates it, as of the query's now().
  return (
    `WITH ${timestreamStuckInvoices(stuckRules, {
      table,
      since: `ago(${stuckDays}d)`,
      cutoff: (rule) => `ago(${rule.slaSeconds}s)`,
      columns: ['vendor_name', 'currency', 'amount_minor'],
    })} ` +
    `SELECT invoice_id, stage, status, vendor_name, currency, amount_minor, ${minorDigitsCase()} AS minor_digits, time AS last_event_at, ` +
    "date_diff('minute', time, now()) AS stuck_minutes FROM stuck"
  );
}

function eventVolumeSql({ table, interval, volumeDays, counted }: DatasetContext): string {
  return volumeStatusSql(
    `counts AS (SELECT bin(time, ${interval}) AS interval_start, count(*) AS events FROM ${table} ` +
      `WHERE ${counted} AND time > ago(${volumeDays}d) GROUP BY bin(time, ${interval}))`,
    `intervals AS (SELECT t.interval_start FROM UNNEST(sequence(bin(ago(${volumeDays}d), ${interval}), bin(now(), ${interval}), ${interval})) AS t(interval_start))`,
  );
}

/**
 * The event-volume series from a `counts` CTE (events per interval) and an `intervals` CTE (every
 * interval of the window): every interval, empty ones included (a silent hour is an anomaly too),
 * with the same robust z-score the local dashboard computes: 0.6745 × (count − median) / MAD, mean
 * absolute deviation × 1.2533 when the MAD is 0. The same SQL in Timestream and Athena (Trino).
 */
export function volumeStatusSql(countsCte: string, intervalsCte: string): string {
  return (
    `WITH ${countsCte}, ${intervalsCte}, ` +
    'filled AS (SELECT i.interval_start, coalesce(c.events, 0) AS events FROM intervals i LEFT JOIN counts c ON i.interval_start = c.interval_start), ' +
    'med AS (SELECT approx_percentile(events, 0.5) AS median FROM filled), ' +
    'spread AS (SELECT approx_percentile(abs(f.events - m.median), 0.5) AS mad, avg(abs(f.events - m.median)) AS mean_abs_dev FROM filled f CROSS JOIN med m) ' +
    'SELECT f.interval_start, f.events, m.median, ' +
    `CASE WHEN s.mad > 0 THEN ${ANOMALY_DETECTION.madScale} * (f.events - m.median) / s.mad ` +
    `WHEN s.mean_abs_dev > 0 THEN (f.events - m.median) / (${ANOMALY_DETECTION.meanAbsoluteDeviationScale} * s.mean_abs_dev) ELSE 0.0 END AS robust_z, ` +
    `CASE WHEN abs(CASE WHEN s.mad > 0 THEN ${ANOMALY_DETECTION.madScale} * (f.events - m.median) / s.mad ` +
    `WHEN s.mean_abs_dev > 0 THEN (f.events - m.median) / (${ANOMALY_DETECTION.meanAbsoluteDeviationScale} * s.mean_abs_dev) ELSE 0.0 END) > ${ANOMALY_DETECTION.threshold} ` +
    "THEN 'anomaly' ELSE 'normal' END AS volume_status FROM filled f CROSS JOIN med m CROSS JOIN spread s"
  );
}

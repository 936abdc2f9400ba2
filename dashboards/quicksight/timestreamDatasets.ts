import {
  type AnalyticsField,
  type AnalyticsValueType,
  analyticsTypeOf,
  TIMESTREAM_COLUMNS,
} from '../../schemas/analyticsRecord.ts';
import type { Stage } from '../../schemas/stages.ts';
import { athenaDialect, type DatasetDialect, timestreamDialect } from '../catalogue/datasetDialects.ts';
import {
  cohortSql,
  type DatasetContext,
  datasetContext,
  eventsSql,
  eventVolumeSql,
  invoicesSql,
  minorDigitsCase,
  stageEntriesSql,
  stuckSql,
} from '../catalogue/datasetSql.ts';
import { DASHBOARD_FIELDS } from '../sqlFragments.ts';

export { minorDigitsCase };

/**
 * The view definition's sources as QuickSight custom-SQL datasets, over Timestream (a `timestream`
 * cell) or Athena (a `lakehouse` cell). Each source of `views.ts` becomes one dataset with the same
 * meaning as its local SQL twin (`localSql.ts`); the SQL is written once for both stores in
 * `../catalogue/datasetSql.ts`, and `../catalogue/` lists every rendering. QuickSight does the
 * grouping (the visuals' field wells), so a dataset returns rows at the source's grain.
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

/** What both stores' datasets are built from. */
export interface QuickSightDatasetOptions {
  readonly primaryConsumers: Readonly<Record<Stage, string>>;
  readonly slaSecondsByStage: Readonly<Record<Stage, number>>;
  /** How far back the direct-query datasets read; the dashboard's range control narrows it. @default 90 */
  readonly lookbackDays?: number;
  /** Interval of the event-volume series (anomaly detection and forecast). @default 15 */
  readonly volumeIntervalMinutes?: number;
  /** History the event-volume series (SPICE) keeps. @default 14 */
  readonly volumeHistoryDays?: number;
}

export interface TimestreamDatasetOptions extends QuickSightDatasetOptions {
  readonly databaseName: string;
  readonly tableName: string;
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
    columns: [...fields('stage', 'invoice_id', 'currency'), renamed('ingested_at', 'time')],
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
      ...fields('currency'),
      { name: 'events', type: 'INTEGER' },
      { name: 'median', type: 'DECIMAL' },
      { name: 'robust_z', type: 'DECIMAL' },
      { name: 'volume_status', type: 'STRING' },
    ],
    sql: eventVolumeSql,
  },
};

function datasetsIn(dialect: DatasetDialect, options: QuickSightDatasetOptions): TimestreamDataset[] {
  const context = datasetContext(dialect, options);
  return DATASET_IDS.map((id) => {
    const { sql, ...dataset } = DATASETS[id];
    return { id, ...dataset, sql: sql(context) };
  });
}

/** The datasets of a `timestream` cell: Timestream SQL over its database's table. */
export function timestreamDatasets(options: TimestreamDatasetOptions): TimestreamDataset[] {
  return datasetsIn(
    timestreamDialect({ ...options, volumeIntervalMinutes: options.volumeIntervalMinutes ?? 15 }),
    options,
  );
}

export interface AthenaDatasetOptions extends QuickSightDatasetOptions {
  /** The Iceberg table as Athena names it, quoted: `"catalog"."namespace"."table"`. */
  readonly table: string;
}

/**
 * The datasets of a `lakehouse` cell: the same datasets (ids, columns, import modes) in Athena SQL
 * over the Iceberg table (`schemas/athenaTable.ts`).
 */
export function athenaDatasets(options: AthenaDatasetOptions): TimestreamDataset[] {
  return datasetsIn(athenaDialect({ ...options, volumeIntervalMinutes: options.volumeIntervalMinutes ?? 15 }), options);
}

import { ANALYTICS_MEASURE_NAME, READ_MODEL_COLUMNS, TIMESTREAM_COLUMNS } from '../../schemas/analyticsRecord.ts';
import { latestEventOrder, primaryConsumerPredicate, sqlIdentifier, sqlString } from '../../schemas/readModelSql.ts';
import { stuckRulesOf, timestreamStuckInvoices } from '../../schemas/stuckRule.ts';
import { agingBucketCase, invoiceStateCase } from '../sqlFragments.ts';
import { AGING_BUCKETS, DAY_MS, STAGE_ENTRY_LOOKBACK_MS, STUCK } from '../views.ts';
import {
  type DatasetId,
  type DatasetWindowOptions,
  datasetShapes,
  minorDigitsCase,
  type TimestreamDataset,
  volumeStatusSql,
} from './timestreamDatasets.ts';

/**
 * The QuickSight datasets of a `lakehouse` cell: the same datasets as over Timestream (same ids,
 * names, columns and meaning, so the one dashboard definition serves both stores), each with its SQL
 * in Athena's dialect (Trino) over the cell's Iceberg table.
 *
 * The Iceberg table has the local read model's columns (`time_ms`, `received_at_ms`… epoch
 * milliseconds). Every dataset reads it through {@link recordsSince}: a projection that gives the
 * fields the Timestream names and types (`time`, `received_at`… as timestamps, `measure_name`) and
 * filters on the raw `time_ms` — a predicate on the partition source column, so Athena reads only the
 * days in the window (see `cells/constructs/lakehouseTable.ts`) — and on the counted records. The
 * SQL over that projection then shares the Timestream fragments (states, aging, latest event, the
 * stuck rule, the volume statistics); what differs is how "now minus N" and interval bins are written.
 *
 * One function per dataset ({@link ATHENA_SQL}); the query catalogue the "athena" helper is writing
 * can replace these bodies one by one.
 */

export interface AthenaDatasetOptions extends DatasetWindowOptions {
  /** Athena's catalog of the table bucket: `s3tablescatalog/<table bucket>` (may be a CDK token). */
  readonly catalog: string;
  /** The table bucket's namespace (Athena database). */
  readonly database: string;
  readonly table: string;
}

interface AthenaContext {
  readonly options: AthenaDatasetOptions;
  readonly table: string;
  readonly lookbackDays: number;
  readonly counted: string;
}

/** "Now" as a timestamp without time zone (UTC, Athena's session zone), the type of the projected times. */
const NOW = 'localtimestamp';

/** `now − days` as epoch milliseconds: compared with `time_ms` it prunes the day partitions. */
function epochMsDaysAgo(days: number): string {
  return `CAST(to_unixtime(current_timestamp - INTERVAL '${days}' DAY) * 1000 AS bigint)`;
}

/** An epoch-milliseconds column as a timestamp (QuickSight DATETIME). */
function timestampOf(column: string): string {
  return `CAST(from_unixtime(${column} / 1e3) AS timestamp)`;
}

/** The records of the last `days` days, with the Timestream column names and types, as a derived table `e`. */
function recordsSince({ table, counted }: AthenaContext, days: number): string {
  const c = READ_MODEL_COLUMNS;
  const t = TIMESTREAM_COLUMNS;
  const fields = (Object.keys(c) as (keyof typeof c)[]).map((field) =>
    c[field] === t[field] ? c[field] : `${timestampOf(c[field])} AS ${t[field]}`,
  );
  return (
    `(SELECT ${fields.join(', ')}, ${c.time}, ${sqlString(ANALYTICS_MEASURE_NAME)} AS measure_name FROM ${table} ` +
    `WHERE ${c.time} >= ${epochMsDaysAgo(days)} AND ${counted}) e`
  );
}

const EVENT_COLUMNS =
  'time AS occurred_at, processed_at, received_at, due_at, stage, status, currency, invoice_id, event_id, vendor_id, ' +
  `vendor_name, amount_minor, ${minorDigitsCase()} AS minor_digits, latency_ms`;

/** The SQL of each dataset. */
export const ATHENA_SQL: Record<DatasetId, (context: AthenaContext) => string> = {
  events: (ctx) => `SELECT ${EVENT_COLUMNS} FROM ${recordsSince(ctx, ctx.lookbackDays)}`,

  stage_entries: (ctx) => {
    // First event per (stage, invoice), searched further back than the window (as over Timestream).
    const entryDays = ctx.lookbackDays + STAGE_ENTRY_LOOKBACK_MS / DAY_MS;
    return (
      `SELECT ${EVENT_COLUMNS} FROM (SELECT *, row_number() OVER (PARTITION BY stage, invoice_id ORDER BY time, event_id) AS entry_rank ` +
      `FROM ${recordsSince(ctx, entryDays)}) r WHERE entry_rank = 1 AND time > ${NOW} - INTERVAL '${ctx.lookbackDays}' DAY`
    );
  },

  invoices: (ctx) => {
    const agingOrder = `CASE aging_bucket ${AGING_BUCKETS.map((b, i) => `WHEN ${sqlString(b.id)} THEN ${i + 1}`).join(' ')} END`;
    return (
      `SELECT *, ${agingOrder} AS aging_order FROM (SELECT time AS last_event_at, due_at, stage, status, currency, invoice_id, vendor_id, vendor_name, ` +
      `amount_minor, ${minorDigitsCase()} AS minor_digits, ${invoiceStateCase()} AS state, ` +
      `${agingBucketCase(`date_diff('day', due_at, ${NOW})`)} AS aging_bucket ` +
      `FROM (SELECT *, row_number() OVER (PARTITION BY invoice_id ORDER BY ${latestEventOrder(TIMESTREAM_COLUMNS)}) AS latest_rank ` +
      `FROM ${recordsSince(ctx, ctx.lookbackDays)}) r WHERE latest_rank = 1) i`
    );
  },

  cohort: (ctx) =>
    `SELECT e.stage AS stage, e.invoice_id AS invoice_id, c.ingested_at AS ingested_at FROM ${recordsSince(ctx, ctx.lookbackDays)} JOIN ` +
    `(SELECT invoice_id, min(time) AS ingested_at FROM ${recordsSince(ctx, ctx.lookbackDays)} WHERE stage = 'ingestion' GROUP BY invoice_id) c ` +
    'ON e.invoice_id = c.invoice_id',

  stuck: (ctx) => {
    const rules = stuckRulesOf(ctx.options.primaryConsumers, ctx.options.slaSecondsByStage);
    const stuckDays = STUCK.lookbackMs / DAY_MS;
    // The stuck rule of `schemas/stuckRule.ts` in the shape Timestream runs it; its SQL is also Trino's.
    return (
      `WITH ${timestreamStuckInvoices(rules, {
        table: recordsSince(ctx, stuckDays),
        since: `${NOW} - INTERVAL '${stuckDays}' DAY`,
        cutoff: (rule) => `${NOW} - INTERVAL '${rule.slaSeconds}' SECOND`,
        columns: ['vendor_name', 'currency', 'amount_minor'],
      })} ` +
      `SELECT invoice_id, stage, status, vendor_name, currency, amount_minor, ${minorDigitsCase()} AS minor_digits, time AS last_event_at, ` +
      `date_diff('minute', time, ${NOW}) AS stuck_minutes FROM stuck`
    );
  },

  event_volume: (ctx) => {
    const seconds = (ctx.options.volumeIntervalMinutes ?? 15) * 60;
    const days = ctx.options.volumeHistoryDays ?? 14;
    // Interval bins in epoch seconds: Trino has no Timestream `bin()`.
    const bin = (epochSeconds: string) =>
      `CAST(from_unixtime(floor(${epochSeconds} / ${seconds}) * ${seconds}) AS timestamp)`;
    const rowBin = bin(`${READ_MODEL_COLUMNS.time} / 1e3`);
    return volumeStatusSql(
      `counts AS (SELECT ${rowBin} AS interval_start, count(*) AS events FROM ${recordsSince(ctx, days)} GROUP BY ${rowBin})`,
      `intervals AS (SELECT t.interval_start FROM UNNEST(sequence(${bin(`to_unixtime(current_timestamp - INTERVAL '${days}' DAY)`)}, ` +
        `${bin('to_unixtime(current_timestamp)')}, INTERVAL '${seconds}' SECOND)) AS t(interval_start))`,
    );
  },
};

/** `"catalog"."database"."table"`: Athena's name of the cell's Iceberg table. */
export function athenaTable(catalog: string, database: string, table: string): string {
  return [catalog, database, table].map(sqlIdentifier).join('.');
}

export function athenaDatasets(options: AthenaDatasetOptions): TimestreamDataset[] {
  const context: AthenaContext = {
    options,
    table: athenaTable(options.catalog, options.database, options.table),
    lookbackDays: options.lookbackDays ?? 90,
    counted: primaryConsumerPredicate(options.primaryConsumers),
  };
  return datasetShapes().map((shape) => ({ ...shape, sql: ATHENA_SQL[shape.id](context) }));
}

import { READ_MODEL_COLUMNS, READ_MODEL_VIEW } from '../schemas/analyticsRecord.ts';
import { MAX_FUTURE_SKEW_MS } from '../schemas/invoiceEvent.ts';
import { END_TO_END_VISIBILITY } from '../schemas/metrics.ts';
import { latestEventOrder, primaryConsumerPredicate, sqlStringList } from '../schemas/readModelSql.ts';
import type { Stage } from '../schemas/stages.ts';
import { type StageStuckRule, sqliteStuckInvoices, stuckRulesOf } from '../schemas/stuckRule.ts';
import { invoiceTimelineSql } from './readModel/invoiceTimeline.ts';
import { agingBucketCase, DASHBOARD_FIELDS, invoiceStateCase } from './sqlFragments.ts';
import type { TimeRange } from './timeRange.ts';
import {
  DAY_MS,
  type DimensionId,
  type InvoiceState,
  LATENCY_PERCENTILES,
  type MeasureId,
  type SourceId,
  STAGE_ENTRY_LOOKBACK_MS,
  type TimeField,
  VISIBILITY_SLA_MS,
} from './views.ts';

/**
 * The view definition rendered as SQL over the local Timestream store's `invoice_events` view (SQLite).
 * Every statement reads records of each stage's first consumer only. Window bounds and ids travel as
 * bound parameters; the few inlined values (bucket sizes, SLAs, consumer names) are validated values
 * from our own definitions, never request input.
 */

export type SqlValue = string | number | null;

export interface SqlQuery {
  readonly sql: string;
  readonly params: SqlValue[];
}

/** What to aggregate: the same triple a panel declares. */
export interface AggregateSpec {
  readonly source: SourceId;
  readonly measure: Exclude<MeasureId, 'latency'>;
  readonly dimensions: readonly DimensionId[];
  readonly timeField?: TimeField | undefined;
  readonly states?: readonly InvoiceState[] | undefined;
}

/**
 * A row of {@link LocalSql.aggregate}: `d0..d2` in dimension order (NULL past the aggregate's own),
 * `n` rows/invoices, `minor` the exact sum (money only), `q` the aggregate's index in a batch.
 */
export interface AggregateRow {
  readonly q?: number;
  readonly [dimension: `d${number}`]: string | number | null;
  readonly n: number;
  readonly minor?: string | null;
  readonly vendor_name?: string | null;
}

/** A row of {@link LocalSql.latency}; `q` is the grouping's index in a batch. */
export interface LatencyRow {
  readonly q?: number;
  readonly k: string | number;
  readonly n: number;
  readonly within_sla: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
}

/** A row of {@link LocalSql.visibility}: one stage, `pNN` for each END_TO_END_VISIBILITY percentile. */
export interface VisibilityRow {
  readonly stage: string;
  readonly n: number;
  readonly within_target: number;
  readonly [percentile: `p${number}`]: number | null;
}

export interface StuckRow {
  readonly kind: 'count' | 'invoice';
  /** Stuck invoices of the stage (`count` rows only). */
  readonly n: number | null;
  readonly invoice_id: string;
  readonly stage: string;
  readonly status: string;
  readonly vendor_id: string;
  readonly vendor_name: string | null;
  readonly currency: string;
  readonly minor: string;
  readonly time_ms: number;
}

export interface LocalSqlConfig {
  /** First consumer per stage: the only records the dashboards count. */
  readonly primaryConsumers: Readonly<Record<Stage, string>>;
  /** Stuck-invoice SLA per stage, in seconds (the cell definition's `slaSeconds`). */
  readonly slaSecondsByStage: Readonly<Record<Stage, number>>;
}

const TABLE = READ_MODEL_VIEW;
/** Panels group by at most three dimensions (x axis, series, currency); see `viewDefinitionProblems`. */
const MAX_DIMENSIONS = 3;
/** The columns of `invoice_events` a dashboard reads (everything but the store's own bookkeeping). */
const ALL_COLUMNS = DASHBOARD_FIELDS.map((field) => READ_MODEL_COLUMNS[field]);
/** What "latest event per invoice" orders by, and the state it derives. */
const LATEST_COLUMNS = ['invoice_id', 'time_ms', 'stage', 'received_at_ms', 'event_id', 'status'] as const;

/** The columns an aggregate reads: its dimensions, its measure, its time field and its state filter. */
function columnsFor(spec: AggregateSpec): string[] {
  const columns = new Set<string>();
  for (const dimension of spec.dimensions) {
    if (dimension === 'time') columns.add(timeColumn(spec.timeField));
    else if (dimension === 'vendor') columns.add('vendor_id').add('vendor_name');
    else if (dimension === 'dueWeek' || dimension === 'dueMonth' || dimension === 'aging') columns.add('due_at_ms');
    else if (dimension === 'state') columns.add('stage').add('status');
    else columns.add(dimension);
  }
  if (spec.measure === 'invoices') columns.add('invoice_id');
  if (spec.measure === 'value') columns.add('amount_minor');
  return [...columns];
}

function int(value: number, what: string): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be a safe integer, got ${value}`);
  return String(value);
}

function timeColumn(timeField: TimeField | undefined): string {
  return timeField === 'processed' ? 'processed_at_ms' : 'time_ms';
}

export class LocalSql {
  private readonly primary: string;
  private readonly latestOrder = latestEventOrder(READ_MODEL_COLUMNS);
  private readonly stuckRules: readonly StageStuckRule[];

  constructor(private readonly config: LocalSqlConfig) {
    this.primary = primaryConsumerPredicate(config.primaryConsumers);
    this.stuckRules = stuckRulesOf(config.primaryConsumers, config.slaSecondsByStage);
  }

  /**
   * The first-consumer predicate on a table alias, for correlated subqueries that must probe by invoice.
   * The unary `+` keeps SQLite from using the (stage, consumer, time) index there, which would scan a
   * whole month of the stage for every outer row instead of the few events of one invoice.
   */
  private primaryOf(alias: string): string {
    return primaryConsumerPredicate(this.config.primaryConsumers, `+${alias}.stage`, `+${alias}.consumer`);
  }

  /**
   * The rows a source stands for, as a SELECT usable in a CTE, with only `columns` (plus what its
   * window ordering needs). Narrow projections matter: a window function materializes every column it
   * carries, and each BEMS column of the local store is read out of the record's JSON.
   */
  source(
    source: SourceId,
    range: TimeRange,
    timeField?: TimeField,
    columns: readonly string[] = ALL_COLUMNS,
  ): SqlQuery {
    const pick = (...ordering: string[]) => [...new Set([...columns, ...ordering])].join(', ');
    const filter = currencyFilter(range);
    switch (source) {
      case 'events': {
        if (timeField === 'processed') {
          // processed_at has no index. Two exact bounds let SQLite skip most rows cheaply: a record is
          // written after it is processed (written_at ≥ processed_at ≥ from), and an event cannot occur
          // more than the contract's future skew after it was received, hence before it was processed
          // (time < to + skew, on the time index).
          return {
            sql:
              `SELECT ${pick('processed_at_ms')} FROM ${TABLE} WHERE time_ms < ? AND written_at_ms >= ? AND ${this.primary} ` +
              `AND processed_at_ms >= ? AND processed_at_ms < ?${filter.sql}`,
            params: [range.toMs + MAX_FUTURE_SKEW_MS, range.fromMs, range.fromMs, range.toMs, ...filter.params],
          };
        }
        return {
          sql: `SELECT ${pick('time_ms')} FROM ${TABLE} WHERE ${this.primary} AND time_ms >= ? AND time_ms < ?${filter.sql}`,
          params: [range.fromMs, range.toMs, ...filter.params],
        };
      }
      case 'stageEntries':
        // An invoice's first event in a stage, when it lies in the window: no earlier event of the same
        // invoice and stage in the month before (probed through the store's invoice index, so only the
        // window is scanned). Status changes inside a stage do not count the invoice again.
        return {
          sql:
            `SELECT ${pick('stage', 'invoice_id', 'time_ms', 'event_id')} FROM ${TABLE} e WHERE ${this.primary} AND time_ms >= ? AND time_ms < ?${filter.sql} ` +
            `AND NOT EXISTS (SELECT 1 FROM ${TABLE} p WHERE p.invoice_id = e.invoice_id AND +p.stage = e.stage AND ${this.primaryOf('p')} ` +
            'AND p.time_ms >= ? AND (p.time_ms < e.time_ms OR (p.time_ms = e.time_ms AND p.event_id < e.event_id)))',
          params: [range.fromMs, range.toMs, ...filter.params, range.fromMs - STAGE_ENTRY_LOOKBACK_MS],
        };
      case 'invoices':
        // The filter applies to each invoice's latest event: an invoice is in the currency it has now.
        return {
          sql:
            `SELECT *, ${invoiceStateCase()} AS state FROM (SELECT ${pick(...LATEST_COLUMNS, ...filter.columns)}, ROW_NUMBER() OVER (PARTITION BY invoice_id ORDER BY ${this.latestOrder}) AS latest_rank ` +
            `FROM ${TABLE} WHERE ${this.primary} AND time_ms >= ? AND time_ms < ?) WHERE latest_rank = 1${filter.sql}`,
          params: [range.fromMs, range.toMs, ...filter.params],
        };
      case 'cohort':
        // A cohort invoice's later stages cannot plausibly precede its ingestion by more than the
        // stage-entry lookback; the bound keeps the scan to the window instead of all history.
        return {
          sql:
            `SELECT ${pick('invoice_id')} FROM ${TABLE} WHERE ${this.primary} AND time_ms >= ? AND time_ms < ? AND invoice_id IN ` +
            `(SELECT invoice_id FROM ${TABLE} WHERE ${this.primary} AND stage = 'ingestion' AND time_ms >= ? AND time_ms < ?${filter.sql})`,
          params: [range.fromMs - STAGE_ENTRY_LOOKBACK_MS, range.toMs, range.fromMs, range.toMs, ...filter.params],
        };
    }
  }

  /** A dimension as a SQL expression over the source's columns. */
  dimension(dimension: DimensionId, range: TimeRange, timeField?: TimeField): string {
    switch (dimension) {
      case 'time': {
        const bucket = int(range.bucketMs, 'bucket');
        return `(CAST(${timeColumn(timeField)} / ${bucket} AS INTEGER) * ${bucket})`;
      }
      case 'vendor':
        return 'vendor_id';
      case 'dueWeek':
        // Monday-start weeks in UTC: day 0 of the epoch was a Thursday, hence the shift by 3 days.
        return `((CAST(due_at_ms / ${DAY_MS} AS INTEGER) + 3) / 7 * 7 - 3) * ${DAY_MS}`;
      case 'dueMonth':
        return `strftime('%Y-%m', CAST(due_at_ms / 1000 AS INTEGER), 'unixepoch')`;
      case 'aging':
        // Days past due as of the window's end; integer division truncates, and everything ≤ 0 is "not yet due".
        return agingBucketCase(`CAST((${int(range.toMs, 'to')} - due_at_ms) / ${DAY_MS} AS INTEGER)`);
      case 'stage':
      case 'currency':
      case 'status':
      case 'state':
        return dimension;
    }
  }

  /** `SELECT d0.., measure FROM source GROUP BY d0..` for one panel or KPI. */
  aggregate(spec: AggregateSpec, range: TimeRange): SqlQuery {
    return this.aggregateBatch([spec], range);
  }

  /**
   * Several aggregates over one source and range in one statement: the source is read (and its window
   * functions run) once, materialized, and each aggregate is a `UNION ALL` part tagged `q` = its index.
   * Every part has the same columns (`d0..d2` padded with NULL), so one row shape serves all.
   */
  aggregateBatch(specs: readonly AggregateSpec[], range: TimeRange): SqlQuery {
    const first = specs[0];
    if (!first) throw new RangeError('aggregateBatch needs at least one aggregate');
    for (const spec of specs) {
      if (spec.source !== first.source || (spec.timeField ?? 'occurred') !== (first.timeField ?? 'occurred'))
        throw new RangeError('aggregateBatch: every aggregate must read the same source with the same time field');
      if (spec.dimensions.length > MAX_DIMENSIONS) throw new RangeError(`at most ${MAX_DIMENSIONS} dimensions`);
    }
    const columns = [...new Set(specs.flatMap(columnsFor))];
    const source = this.source(first.source, range, first.timeField, columns);
    const parts = specs.map((spec, q) => {
      const dims = Array.from({ length: MAX_DIMENSIONS }, (_, i) => {
        const dimension = spec.dimensions[i];
        return `${dimension ? this.dimension(dimension, range, spec.timeField) : 'NULL'} AS d${i}`;
      });
      const vendor = spec.dimensions.includes('vendor') ? 'MAX(vendor_name)' : 'NULL';
      const where = spec.states?.length ? ` WHERE state IN (${sqlStringList(spec.states)})` : '';
      const groupBy = spec.dimensions.length ? ` GROUP BY ${spec.dimensions.map((_, i) => `d${i}`).join(', ')}` : '';
      return `SELECT * FROM (SELECT ${q} AS q, ${dims.join(', ')}, ${measureSql(spec.measure)}, ${vendor} AS vendor_name FROM src${where}${groupBy})`;
    });
    return {
      sql: `WITH src AS ${specs.length > 1 ? 'MATERIALIZED ' : ''}(${source.sql}) ${parts.join(' UNION ALL ')}`,
      params: source.params,
    };
  }

  /**
   * Nearest-rank percentiles of `latency_ms` per key (a processing-time bucket, a stage, or everything):
   * the p-th percentile is the smallest value with at least p % of the values at or below it, i.e. the
   * value at rank ⌈p·n/100⌉ — `rn * 100 >= p * n` compares exactly in integers.
   */
  latency(by: 'time' | 'stage' | 'all', range: TimeRange): SqlQuery {
    return this.latencyBatch([by], range);
  }

  /** Several latency groupings over one range in one statement (`q` = index in `bys`), reading the source once. */
  latencyBatch(bys: readonly ('time' | 'stage' | 'all')[], range: TimeRange): SqlQuery {
    const source = this.source('events', range, 'processed', ['stage', 'latency_ms', 'processed_at_ms']);
    const percentiles = LATENCY_PERCENTILES.map(
      (p) => `MIN(CASE WHEN rn * 100 >= ${p} * n THEN latency_ms END) AS p${p}`,
    ).join(', ');
    const parts = bys.map((by, q) => {
      const key = by === 'time' ? this.dimension('time', range, 'processed') : by === 'stage' ? 'stage' : "'all'";
      const ranked =
        `SELECT ${key} AS k, latency_ms, ROW_NUMBER() OVER (PARTITION BY ${key} ORDER BY latency_ms) AS rn, ` +
        `COUNT(*) OVER (PARTITION BY ${key}) AS n FROM src WHERE latency_ms IS NOT NULL`;
      return (
        `SELECT * FROM (SELECT ${q} AS q, k, MAX(n) AS n, SUM(CASE WHEN latency_ms <= ${VISIBILITY_SLA_MS} THEN 1 ELSE 0 END) AS within_sla, ` +
        `${percentiles} FROM (${ranked}) GROUP BY k)`
      );
    });
    return {
      sql: `WITH src AS ${bys.length > 1 ? 'MATERIALIZED ' : ''}(${source.sql}) ${parts.join(' UNION ALL ')}`,
      params: source.params,
    };
  }

  /**
   * END_TO_END_VISIBILITY per stage over the records processed in `range`: nearest-rank percentiles
   * (as {@link latency}) of `written_at_ms - received_at_ms` (clamped at 0 like the metric), and how
   * many were within `targetMs`. Replayed records are left out, as the consumer leaves them out of
   * `EndToEndLatency`.
   */
  visibility(range: TimeRange, targetMs: number): SqlQuery {
    const source = this.source('events', range, 'processed', ['stage', 'received_at_ms', 'written_at_ms', 'replayed']);
    const percentiles = END_TO_END_VISIBILITY.percentiles
      .map((p) => `MIN(CASE WHEN rn * 100 >= ${p} * n THEN ms END) AS p${p}`)
      .join(', ');
    const ms = 'MAX(0, written_at_ms - received_at_ms)';
    const ranked =
      `SELECT stage, ${ms} AS ms, ROW_NUMBER() OVER (PARTITION BY stage ORDER BY ${ms}) AS rn, ` +
      'COUNT(*) OVER (PARTITION BY stage) AS n FROM src WHERE replayed = 0 AND received_at_ms IS NOT NULL';
    return {
      sql:
        `WITH src AS (${source.sql}) SELECT stage, MAX(n) AS n, ` +
        `SUM(CASE WHEN ms <= ${int(targetMs, 'visibility target')} THEN 1 ELSE 0 END) AS within_target, ${percentiles} ` +
        `FROM (${ranked}) GROUP BY stage`,
      params: source.params,
    };
  }

  /**
   * Stuck invoices as of `asOfMs` (the rule of `schemas/stuckRule.ts`) in one statement: a `count`
   * row per stage with `n`, then up to `limit` `invoice` rows, longest stuck first.
   */
  stuck(asOfMs: number, lookbackMs: number, limit: number, currency?: string): SqlQuery {
    const stuck = sqliteStuckInvoices(this.stuckRules, {
      view: TABLE,
      fromMs: asOfMs - lookbackMs,
      nowMs: asOfMs,
      columns: ['status', 'vendor_id', 'vendor_name', 'currency', 'amount_minor'],
    });
    // The rule is the monitor's (every currency); the viewer's filter narrows what it found.
    const filter = currency ? { sql: ' WHERE currency = ?', params: [currency] } : { sql: '', params: [] };
    return {
      sql:
        `WITH ${stuck.sql} ` +
        `SELECT * FROM (SELECT 'count' AS kind, stage, COUNT(*) AS n, NULL AS invoice_id, NULL AS status, NULL AS vendor_id, NULL AS vendor_name, ` +
        `NULL AS currency, NULL AS minor, NULL AS time_ms FROM stuck${filter.sql} GROUP BY stage) ` +
        `UNION ALL SELECT * FROM (SELECT 'invoice' AS kind, stage, NULL AS n, invoice_id, status, vendor_id, vendor_name, currency, ` +
        `CAST(amount_minor AS TEXT) AS minor, time_ms FROM stuck${filter.sql} ORDER BY time_ms, invoice_id LIMIT ?)`,
      params: [...stuck.params, ...filter.params, ...filter.params, limit],
    };
  }

  /** Every counted event of one invoice, in the order it happened (the read model's timeline). */
  timeline(invoiceId: string): SqlQuery {
    return invoiceTimelineSql(invoiceId, this.config.primaryConsumers);
  }
}

/** The viewer's currency filter as a predicate to append to a source's WHERE, with the column it reads. */
function currencyFilter(range: TimeRange): { sql: string; params: SqlValue[]; columns: string[] } {
  return range.currency
    ? { sql: ' AND currency = ?', params: [range.currency], columns: ['currency'] }
    : { sql: '', params: [], columns: [] };
}

/** Every aggregate part returns `n` and `minor` (NULL unless money), so batched parts line up. */
function measureSql(measure: AggregateSpec['measure']): string {
  switch (measure) {
    case 'events':
      return 'COUNT(*) AS n, NULL AS minor';
    case 'invoices':
      return 'COUNT(DISTINCT invoice_id) AS n, NULL AS minor';
    case 'value':
      // SQLite sums integers exactly (and raises on overflow rather than rounding); TEXT keeps the result
      // exact on its way into JavaScript, where it becomes a bigint.
      return 'COUNT(*) AS n, CAST(SUM(amount_minor) AS TEXT) AS minor';
  }
}

import { STAGES, type Stage } from '../schemas/stages.ts';
import {
  agingBucketCase,
  finalStatusPredicate,
  invoiceStateCase,
  primaryConsumerPredicate,
  sqlString,
  sqlStringList,
  stageOrderCase,
} from './sqlFragments.ts';
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

/** A row of {@link LocalSql.aggregate}: `d0..dn` in dimension order, `n` rows/invoices, `minor` the exact sum. */
export interface AggregateRow {
  readonly [dimension: `d${number}`]: string | number | null;
  readonly n: number;
  readonly minor?: string | null;
  readonly vendor_name?: string | null;
}

/** A row of {@link LocalSql.latency}. */
export interface LatencyRow {
  readonly k: string | number;
  readonly n: number;
  readonly within_sla: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
}

export interface StuckRow {
  readonly invoice_id: string;
  readonly stage: string;
  readonly status: string;
  readonly vendor_id: string;
  readonly vendor_name: string | null;
  readonly currency: string;
  readonly minor: string;
  readonly time_ms: number;
}

export interface TimelineRow {
  readonly event_id: string;
  readonly stage: string;
  readonly status: string;
  readonly time_ms: number;
  readonly received_at_ms: number | null;
  readonly processed_at_ms: number | null;
  readonly latency_ms: number | null;
  readonly minor: string;
  readonly currency: string;
  readonly vendor_id: string;
  readonly vendor_name: string | null;
  readonly due_at_ms: number | null;
  readonly source_system: string | null;
  readonly replayed: unknown;
}

export interface LocalSqlConfig {
  /** First consumer per stage: the only records the dashboards count. */
  readonly primaryConsumers: Readonly<Record<Stage, string>>;
  /** Stuck-invoice SLA per stage, in seconds (the cell definition's `slaSeconds`). */
  readonly slaSecondsByStage: Readonly<Record<Stage, number>>;
}

const TABLE = 'invoice_events';

function int(value: number, what: string): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be a safe integer, got ${value}`);
  return String(value);
}

function timeColumn(timeField: TimeField | undefined): string {
  return timeField === 'processed' ? 'processed_at_ms' : 'time_ms';
}

export class LocalSql {
  private readonly primary: string;
  private readonly latestOrder = `time_ms DESC, ${stageOrderCase()} DESC, received_at_ms DESC, event_id DESC`;

  constructor(private readonly config: LocalSqlConfig) {
    this.primary = primaryConsumerPredicate(config.primaryConsumers);
  }

  /** The rows a source stands for, as a SELECT usable in a CTE. */
  source(source: SourceId, range: TimeRange, timeField?: TimeField): SqlQuery {
    switch (source) {
      case 'events': {
        const t = timeColumn(timeField);
        return {
          sql: `SELECT * FROM ${TABLE} WHERE ${this.primary} AND ${t} >= ? AND ${t} < ?`,
          params: [range.fromMs, range.toMs],
        };
      }
      case 'stageEntries':
        // The first event per stage is searched a month back so an invoice that entered a stage before the
        // window (and changed status inside it) is not counted as entering again.
        return {
          sql:
            'SELECT * FROM (SELECT e.*, ROW_NUMBER() OVER (PARTITION BY stage, invoice_id ORDER BY time_ms, event_id) AS entry_rank ' +
            `FROM ${TABLE} e WHERE ${this.primary} AND time_ms >= ? AND time_ms < ?) WHERE entry_rank = 1 AND time_ms >= ?`,
          params: [range.fromMs - STAGE_ENTRY_LOOKBACK_MS, range.toMs, range.fromMs],
        };
      case 'invoices':
        return {
          sql:
            `SELECT *, ${invoiceStateCase()} AS state FROM (SELECT e.*, ROW_NUMBER() OVER (PARTITION BY invoice_id ORDER BY ${this.latestOrder}) AS latest_rank ` +
            `FROM ${TABLE} e WHERE ${this.primary} AND time_ms >= ? AND time_ms < ?) WHERE latest_rank = 1`,
          params: [range.fromMs, range.toMs],
        };
      case 'cohort':
        return {
          sql:
            `SELECT * FROM ${TABLE} WHERE ${this.primary} AND time_ms < ? AND invoice_id IN ` +
            `(SELECT invoice_id FROM ${TABLE} WHERE ${this.primary} AND stage = 'ingestion' AND time_ms >= ? AND time_ms < ?)`,
          params: [range.toMs, range.fromMs, range.toMs],
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
    const source = this.source(spec.source, range, spec.timeField);
    const dims = spec.dimensions.map((d, i) => `${this.dimension(d, range, spec.timeField)} AS d${i}`);
    const extra = spec.dimensions.includes('vendor') ? ['MAX(vendor_name) AS vendor_name'] : [];
    const where = spec.states?.length ? ` WHERE state IN (${sqlStringList(spec.states)})` : '';
    const groupBy = spec.dimensions.length ? ` GROUP BY ${spec.dimensions.map((_, i) => `d${i}`).join(', ')}` : '';
    return {
      sql: `WITH src AS (${source.sql}) SELECT ${[...dims, measureSql(spec.measure), ...extra].join(', ')} FROM src${where}${groupBy}`,
      params: source.params,
    };
  }

  /**
   * Nearest-rank percentiles of `latency_ms` per key (a processing-time bucket, a stage, or everything):
   * the p-th percentile is the smallest value with at least p % of the values at or below it, i.e. the
   * value at rank ⌈p·n/100⌉ — `rn * 100 >= p * n` compares exactly in integers.
   */
  latency(by: 'time' | 'stage' | 'all', range: TimeRange): SqlQuery {
    const source = this.source('events', range, 'processed');
    const key = by === 'time' ? this.dimension('time', range, 'processed') : by === 'stage' ? 'stage' : "'all'";
    const percentiles = LATENCY_PERCENTILES.map(
      (p) => `MIN(CASE WHEN rn * 100 >= ${p} * n THEN latency_ms END) AS p${p}`,
    ).join(', ');
    return {
      sql:
        `WITH src AS (${source.sql}), ranked AS (SELECT ${key} AS k, latency_ms, ` +
        `ROW_NUMBER() OVER (PARTITION BY ${key} ORDER BY latency_ms) AS rn, COUNT(*) OVER (PARTITION BY ${key}) AS n ` +
        'FROM src WHERE latency_ms IS NOT NULL) ' +
        `SELECT k, MAX(n) AS n, SUM(CASE WHEN latency_ms <= ${VISIBILITY_SLA_MS} THEN 1 ELSE 0 END) AS within_sla, ${percentiles} ` +
        'FROM ranked GROUP BY k',
      params: source.params,
    };
  }

  /** Stuck invoices per stage as of `asOfMs`. */
  stuckCounts(asOfMs: number, lookbackMs: number): SqlQuery {
    const cte = this.stuckCte(asOfMs, lookbackMs);
    return { sql: `${cte.sql} SELECT stage, COUNT(*) AS n FROM stuck GROUP BY stage`, params: cte.params };
  }

  /** The longest-stuck invoices first. */
  stuckList(asOfMs: number, lookbackMs: number, limit: number): SqlQuery {
    const cte = this.stuckCte(asOfMs, lookbackMs);
    return {
      sql:
        `${cte.sql} SELECT invoice_id, stage, status, vendor_id, vendor_name, currency, ` +
        'CAST(amount_minor AS TEXT) AS minor, time_ms FROM stuck ORDER BY time_ms, invoice_id LIMIT ?',
      params: [...cte.params, limit],
    };
  }

  /** Every counted event of one invoice, in the order it happened. */
  timeline(invoiceId: string): SqlQuery {
    return {
      sql:
        'SELECT event_id, stage, status, time_ms, received_at_ms, processed_at_ms, latency_ms, ' +
        'CAST(amount_minor AS TEXT) AS minor, currency, vendor_id, vendor_name, due_at_ms, source_system, replayed ' +
        `FROM ${TABLE} WHERE ${this.primary} AND invoice_id = ? ORDER BY time_ms, ${stageOrderCase()}, received_at_ms, event_id`,
      params: [invoiceId],
    };
  }

  /** Latest event per invoice in `[asOf − lookback, asOf)` that is not final and older than its stage SLA. */
  private stuckCte(asOfMs: number, lookbackMs: number): SqlQuery {
    const slaMs = STAGES.map(
      (stage) => `WHEN ${sqlString(stage)} THEN ${int(this.config.slaSecondsByStage[stage] * 1000, 'sla')}`,
    ).join(' ');
    return {
      sql:
        `WITH latest AS (SELECT * FROM (SELECT e.*, ROW_NUMBER() OVER (PARTITION BY invoice_id ORDER BY ${this.latestOrder}) AS latest_rank ` +
        `FROM ${TABLE} e WHERE ${this.primary} AND time_ms >= ? AND time_ms < ?) WHERE latest_rank = 1), ` +
        `stuck AS (SELECT * FROM latest WHERE NOT ${finalStatusPredicate()} AND time_ms < ? - (CASE stage ${slaMs} END))`,
      params: [asOfMs - lookbackMs, asOfMs, asOfMs],
    };
  }
}

function measureSql(measure: AggregateSpec['measure']): string {
  switch (measure) {
    case 'events':
      return 'COUNT(*) AS n';
    case 'invoices':
      return 'COUNT(DISTINCT invoice_id) AS n';
    case 'value':
      // SQLite sums integers exactly (and raises on overflow rather than rounding); TEXT keeps the result
      // exact on its way into JavaScript, where it becomes a bigint.
      return 'COUNT(*) AS n, CAST(SUM(amount_minor) AS TEXT) AS minor';
  }
}

import type { Stage } from '../schemas/stages.ts';
import type {
  AggregateRow,
  AggregateSpec,
  LatencyRow,
  LocalSql,
  SqlQuery,
  SqlValue,
  StuckRow,
  VisibilityRow,
} from './localSql.ts';
import type { QueueDepth } from './queueDepths.ts';
import { TurnBatcher } from './TurnBatcher.ts';
import type { TimeRange } from './timeRange.ts';
import { STUCK } from './views.ts';

/** The read side of the local Timestream store (`TimestreamStore.query`); async stores work too. */
export interface DashboardStore {
  query<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): T[] | Promise<T[]>;
}

export type LatencyGrouping = 'time' | 'stage' | 'all';

/** Queue depths, or null when the cell has none or they could not be read (with the reason). */
export interface QueueDepthsResult {
  readonly depths: readonly QueueDepth[] | null;
  readonly note?: string;
}

interface AggregateRequest {
  readonly spec: AggregateSpec;
  readonly range: TimeRange;
}

interface LatencyRequest {
  readonly by: LatencyGrouping;
  readonly range: TimeRange;
}

/**
 * What the panels read: the store through `LocalSql`, with the aggregates and latency rows requested in
 * one turn of the event loop batched into as few statements as possible, and the live queue depths.
 */
export class StoreReader {
  private readonly aggregates = new TurnBatcher<AggregateRequest, AggregateRow>({
    keyOf: ({ spec, range }) =>
      [spec.source, spec.timeField ?? 'occurred', range.fromMs, range.toMs, range.bucketMs, range.currency].join('|'),
    run: async (group) => {
      // Identical aggregates (the same KPI on two views, say) are computed once.
      const unique = [...new Map(group.map((r) => [JSON.stringify(r.spec), r.spec])).values()];
      const rows = await this.run<AggregateRow>(this.sql.aggregateBatch(unique, group[0]!.range));
      return group.map((request) => {
        const q = unique.findIndex((spec) => JSON.stringify(spec) === JSON.stringify(request.spec));
        return rows.filter((row) => row.q === q);
      });
    },
  });

  private readonly latency = new TurnBatcher<LatencyRequest, LatencyRow>({
    keyOf: ({ range }) => [range.fromMs, range.toMs, range.bucketMs, range.currency].join('|'),
    run: async (group) => {
      const bys = [...new Set(group.map((r) => r.by))];
      const rows = await this.run<LatencyRow>(this.sql.latencyBatch(bys, group[0]!.range));
      return group.map((request) => rows.filter((row) => row.q === bys.indexOf(request.by)));
    },
  });

  constructor(
    private readonly store: DashboardStore,
    private readonly sql: LocalSql,
    /** Stuck SLA per stage in seconds. */
    readonly slaSecondsByStage: Readonly<Record<Stage, number>>,
    private readonly queueDepthSource?: () => Promise<readonly QueueDepth[]>,
  ) {}

  /**
   * One aggregate (the building block of every chart and KPI). Requests made in the same turn of the
   * event loop are batched: those over the same source, time field and range become one statement, so a
   * view reads each source once instead of once per panel.
   */
  aggregate(spec: AggregateSpec, range: TimeRange): Promise<AggregateRow[]> {
    return this.aggregates.request({ spec, range });
  }

  /** Latency percentiles by processing-time bucket, stage or overall; batched per range like `aggregate`. */
  latencyRows(by: LatencyGrouping, range: TimeRange): Promise<LatencyRow[]> {
    return this.latency.request({ by, range });
  }

  /** END_TO_END_VISIBILITY per stage over `range`, against `targetMs`. */
  visibilityRows(range: TimeRange, targetMs: number): Promise<VisibilityRow[]> {
    return this.run<VisibilityRow>(this.sql.visibility(range, targetMs));
  }

  /** Per-stage counts and the longest-stuck invoices as of `asOfMs`, of one currency or all. */
  stuckRows(asOfMs: number, currency?: string): Promise<StuckRow[]> {
    return this.run<StuckRow>(this.sql.stuck(asOfMs, STUCK.lookbackMs, STUCK.maxListed, currency));
  }

  timelineRows(invoiceId: string): Promise<Record<string, unknown>[]> {
    return this.run<Record<string, unknown>>(this.sql.timeline(invoiceId));
  }

  /** Live queue depths; failures are reported in the panel, never fail the view. */
  async queueDepths(): Promise<QueueDepthsResult> {
    if (!this.queueDepthSource) return { depths: null, note: 'Queue depths are not available from this cell.' };
    try {
      return { depths: await this.queueDepthSource() };
    } catch (error) {
      // Queue depths are live, best-effort data: the rest of the view stays useful when they fail.
      const why = error instanceof Error ? error.message : String(error);
      return { depths: null, note: `Queue depths are unavailable: ${why}` };
    }
  }

  private async run<T>(query: SqlQuery): Promise<T[]> {
    return await this.store.query<T>(query.sql, query.params);
  }
}

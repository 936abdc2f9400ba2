import { DEFAULT_PRIMARY_CONSUMER } from '../schemas/analyticsRecord.ts';
import { fromMinorUnits } from '../schemas/money.ts';
import { STAGES, type Stage } from '../schemas/stages.ts';
import { InvoiceNotFoundError } from './errors.ts';
import {
  type AggregateRow,
  type AggregateSpec,
  type LatencyRow,
  LocalSql,
  type SqlQuery,
  type SqlValue,
  type StuckRow,
} from './localSql.ts';
import type { QueueDepth } from './queueDepths.ts';
import { timelineEventBase, toInvoiceEventRecord } from './readModel/invoiceTimeline.ts';
import { robustZScores } from './robustZScores.ts';
import { CASH_FLOW_STATES, shapeCashFlow } from './shapeCashFlow.ts';
import { currenciesOf, keyOf, STAGE_LABELS, shapeSeries, unitOf } from './shapeSeries.ts';
import { bucketLabel, bucketStarts, type TimeRange } from './timeRange.ts';
import type {
  AnomalyPanelData,
  InvoiceTimeline,
  KpiItem,
  KpiPanelData,
  PanelData,
  SeriesPanelData,
  StuckPanelData,
  TablePanelData,
  ViewData,
} from './viewData.ts';
import {
  ANOMALY_DETECTION,
  type CashFlowPanel,
  comparisonLabel,
  comparisonShiftMs,
  type KpiDef,
  type KpiPanel,
  LATENCY_PERCENTILES,
  type LatencyPanel,
  type MeasureKpi,
  type Panel,
  STUCK,
  VENDOR_TABLE_ROWS,
  VIEWS,
  VISIBILITY_SLA_MS,
  type ViewId,
} from './views.ts';

/** The read side of the local Timestream store (`TimestreamStore.query`); async stores work too. */
export interface DashboardStore {
  query<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): T[] | Promise<T[]>;
}

export interface DashboardQueriesOptions {
  /** First consumer per stage. @default DEFAULT_PRIMARY_CONSUMER for every stage */
  readonly primaryConsumers?: Partial<Record<Stage, string>>;
  /** Stuck SLA per stage in seconds (the cell definition's `slaSeconds`). @default 900 for every stage */
  readonly slaSecondsByStage?: Partial<Record<Stage, number>>;
  /** Current queue depths for the operations view; absent → the panel says it has no source. */
  readonly queueDepths?: () => Promise<readonly QueueDepth[]>;
  /** @default Date.now */
  readonly now?: () => number;
}

const DEFAULT_SLA_SECONDS = 900;

interface PendingAggregate {
  readonly spec: AggregateSpec;
  readonly range: TimeRange;
  readonly resolve: (rows: AggregateRow[]) => void;
  readonly reject: (error: unknown) => void;
}

/** Results computed once per view and shared by the panels and the headline KPIs (as promises: all run at once). */
interface ViewContext {
  stuck?: Promise<StuckPanelData>;
  anomalies?: Promise<AnomalyPanelData>;
  /** Queue depths, or null when the cell has none or they could not be read (with the reason). */
  queues?: Promise<{ readonly depths: readonly QueueDepth[] | null; readonly note?: string }>;
  /** Whole-range latency rows per range start (current and comparison period). */
  latencyAll?: Map<number, Promise<LatencyRow | undefined>>;
}

interface PendingLatency {
  readonly by: 'time' | 'stage' | 'all';
  readonly range: TimeRange;
  readonly resolve: (rows: LatencyRow[]) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The dashboards' query layer over the local store: each panel of {@link VIEWS} becomes one or two SQL
 * statements (`LocalSql`), and the rows are shaped into the JSON the page draws. Money is summed as
 * integer minor units in SQL and formatted with `fromMinorUnits`; no float ever holds an amount.
 */
export class DashboardQueries {
  private readonly sql: LocalSql;
  private readonly pendingAggregates: PendingAggregate[] = [];
  private readonly pendingLatency: PendingLatency[] = [];
  private readonly slaSecondsByStage: Record<Stage, number>;
  private readonly now: () => number;

  constructor(
    private readonly store: DashboardStore,
    private readonly options: DashboardQueriesOptions = {},
  ) {
    this.slaSecondsByStage = Object.fromEntries(
      STAGES.map((s) => [s, options.slaSecondsByStage?.[s] ?? DEFAULT_SLA_SECONDS]),
    ) as Record<Stage, number>;
    this.sql = new LocalSql({
      primaryConsumers: Object.fromEntries(
        STAGES.map((s) => [s, options.primaryConsumers?.[s] ?? DEFAULT_PRIMARY_CONSUMER]),
      ) as Record<Stage, string>,
      slaSecondsByStage: this.slaSecondsByStage,
    });
    this.now = options.now ?? Date.now;
  }

  /** Every panel of one view over `range`. */
  async view(viewId: ViewId, range: TimeRange): Promise<ViewData> {
    const view = VIEWS[viewId];
    const context: ViewContext = {};
    // Panels run concurrently so their aggregates over the same source land in one batched statement
    // (see `aggregate`). Headline KPIs reuse what other panels computed (stuck, anomalies, queues), so
    // they start once those are done.
    const others = view.panels.filter((p): p is Exclude<Panel, KpiPanel> => p.kind !== 'kpis');
    const kpiPanels = view.panels.filter((p): p is KpiPanel => p.kind === 'kpis');
    // Invoices per currency, from the plain event scan (no per-invoice window function needed to rank).
    const currencyRows = this.aggregate({ source: 'events', measure: 'invoices', dimensions: ['currency'] }, range);
    // Everything starts in this turn of the event loop, so aggregates over one source and range share a
    // statement (see `aggregate`). Starting the panels first registers the shared results (stuck,
    // anomalies, queues) in `context` before the KPIs that reuse them look.
    const computed = others.map((panel) => this.panel(panel, range, context));
    const kpis = kpiPanels.map((panel) => this.kpis(panel, range, context));
    const [panelData, kpiData] = await Promise.all([Promise.all(computed), Promise.all(kpis)]);
    const panels: Record<string, PanelData> = {};
    others.forEach((panel, i) => {
      panels[panel.id] = panelData[i]!;
    });
    kpiPanels.forEach((panel, i) => {
      panels[panel.id] = kpiData[i]!;
    });
    const currencies = currenciesOf(await currencyRows, 0);
    return {
      view: viewId,
      generatedAt: new Date(this.now()).toISOString(),
      range: {
        from: new Date(range.fromMs).toISOString(),
        to: new Date(range.toMs).toISOString(),
        fromMs: range.fromMs,
        toMs: range.toMs,
        bucket: range.bucket,
        bucketMs: range.bucketMs,
      },
      currencies,
      panels: Object.fromEntries(view.panels.map((p) => [p.id, panels[p.id]!])),
    };
  }

  /** Every counted event of one invoice, oldest first. */
  async timeline(invoiceId: string): Promise<InvoiceTimeline> {
    const rows = await this.run<Record<string, unknown>>(this.sql.timeline(invoiceId));
    if (rows.length === 0) throw new InvoiceNotFoundError(invoiceId);
    return {
      invoiceId,
      events: rows.map(toInvoiceEventRecord).map((record) => ({
        ...timelineEventBase(record),
        status: record.status as string,
        amount: fromMinorUnits(BigInt(record.amountMinor as string), record.currency),
        vendorName: record.vendorName ?? record.vendorId,
        dueDate: record.dueAtMs === null ? null : new Date(record.dueAtMs).toISOString().slice(0, 10),
        sourceSystem: record.sourceSystem,
      })),
    };
  }

  /**
   * One aggregate (the building block of every chart and KPI). Requests made in the same turn of the
   * event loop are batched: those over the same source, time field and range become one statement, so a
   * view reads each source once instead of once per panel.
   */
  aggregate(spec: AggregateSpec, range: TimeRange): Promise<AggregateRow[]> {
    return new Promise((resolve, reject) => {
      this.pendingAggregates.push({ spec, range, resolve, reject });
      if (this.pendingAggregates.length === 1) setImmediate(() => void this.flushAggregates());
    });
  }

  private async flushAggregates(): Promise<void> {
    const requests = this.pendingAggregates.splice(0);
    const groups = new Map<string, PendingAggregate[]>();
    for (const request of requests) {
      const { spec, range } = request;
      const key = [spec.source, spec.timeField ?? 'occurred', range.fromMs, range.toMs, range.bucketMs].join('|');
      groups.set(key, [...(groups.get(key) ?? []), request]);
    }
    await Promise.all(
      [...groups.values()].map(async (group) => {
        // Identical aggregates (the same KPI on two views, say) are computed once.
        const unique = [...new Map(group.map((r) => [JSON.stringify(r.spec), r.spec])).values()];
        try {
          const rows = await this.run<AggregateRow>(this.sql.aggregateBatch(unique, group[0]!.range));
          for (const request of group) {
            const q = unique.findIndex((spec) => JSON.stringify(spec) === JSON.stringify(request.spec));
            request.resolve(rows.filter((row) => row.q === q));
          }
        } catch (error) {
          for (const request of group) request.reject(error);
        }
      }),
    );
  }

  /** Latency percentiles by processing-time bucket, stage or overall; batched per range like `aggregate`. */
  latencyRows(by: 'time' | 'stage' | 'all', range: TimeRange): Promise<LatencyRow[]> {
    return new Promise((resolve, reject) => {
      this.pendingLatency.push({ by, range, resolve, reject });
      if (this.pendingLatency.length === 1) setImmediate(() => void this.flushLatency());
    });
  }

  private async flushLatency(): Promise<void> {
    const requests = this.pendingLatency.splice(0);
    const groups = new Map<string, PendingLatency[]>();
    for (const request of requests) {
      const key = [request.range.fromMs, request.range.toMs, request.range.bucketMs].join('|');
      groups.set(key, [...(groups.get(key) ?? []), request]);
    }
    await Promise.all(
      [...groups.values()].map(async (group) => {
        const bys = [...new Set(group.map((r) => r.by))];
        try {
          const rows = await this.run<LatencyRow>(this.sql.latencyBatch(bys, group[0]!.range));
          for (const request of group) request.resolve(rows.filter((row) => row.q === bys.indexOf(request.by)));
        } catch (error) {
          for (const request of group) request.reject(error);
        }
      }),
    );
  }

  private async run<T>(query: SqlQuery): Promise<T[]> {
    return await this.store.query<T>(query.sql, query.params);
  }

  private async panel(panel: Exclude<Panel, KpiPanel>, range: TimeRange, context: ViewContext): Promise<PanelData> {
    switch (panel.kind) {
      case 'chart':
        return shapeSeries(panel, await this.aggregate(panel, range), range);
      case 'latency':
        return this.latency(panel, range);
      case 'anomalies':
        context.anomalies = this.anomalies(range);
        return context.anomalies;
      case 'stuck':
        context.stuck = this.stuck(range.toMs);
        return context.stuck;
      case 'queues':
        context.queues = this.queueDepths();
        return this.queues(await context.queues);
      case 'cashFlow':
        return this.cashFlow(panel, range);
      case 'vendorTable':
        return this.vendorTable(range);
    }
  }

  private async latency(panel: LatencyPanel, range: TimeRange): Promise<SeriesPanelData | TablePanelData> {
    const rows = await this.latencyRows(panel.by, range);
    if (panel.by === 'time') {
      const byKey = new Map(rows.map((row) => [keyOf('time', row.k), row]));
      const keys = bucketStarts(range).map((ms) => new Date(ms).toISOString());
      return {
        kind: 'series',
        chart: 'line',
        unit: 'ms',
        xDimension: 'time',
        threshold: { label: `SLA ${VISIBILITY_SLA_MS / 60_000} min`, value: VISIBILITY_SLA_MS },
        groups: [
          {
            currency: null,
            keys,
            labels: keys.map((key) => bucketLabel(Date.parse(key), range.bucketMs)),
            series: LATENCY_PERCENTILES.map((p) => ({
              key: `p${p}`,
              label: `p${p}`,
              values: keys.map((key) => byKey.get(key)?.[`p${p}`] ?? null),
            })),
          },
        ],
      };
    }
    const byStage = new Map(rows.map((row) => [String(row.k), row]));
    return {
      kind: 'table',
      columns: [
        { key: 'stage', label: 'Stage', format: 'text' },
        { key: 'events', label: 'Events', format: 'count' },
        ...LATENCY_PERCENTILES.map((p) => ({ key: `p${p}`, label: `p${p}`, format: 'ms' as const })),
        { key: 'withinSla', label: 'Within SLA', format: 'percent' },
      ],
      rows: STAGES.map((stage) => {
        const row = byStage.get(stage);
        return {
          stage: STAGE_LABELS[stage]!,
          events: row?.n ?? 0,
          ...Object.fromEntries(LATENCY_PERCENTILES.map((p) => [`p${p}`, row?.[`p${p}`] ?? null])),
          withinSla: row ? percent(row.within_sla, row.n) : null,
        };
      }),
    };
  }

  private async anomalies(range: TimeRange): Promise<AnomalyPanelData> {
    const rows = await this.aggregate({ source: 'events', measure: 'events', dimensions: ['time'] }, range);
    const counts = new Map(rows.map((row) => [keyOf('time', row.d0), row.n]));
    const starts = bucketStarts(range);
    const keys = starts.map((ms) => new Date(ms).toISOString());
    const values = keys.map((key) => counts.get(key) ?? 0);
    // A partial interval at either end of the range would look like a drop in volume; it gets no score.
    const complete = starts.map((ms) => ms >= range.fromMs && ms + range.bucketMs <= range.toMs);
    const scored = robustZScores(values.filter((_, i) => complete[i]));
    let next = 0;
    const zScores = complete.map((isComplete) => (isComplete ? scored.zScores[next++]! : null));
    const labels = keys.map((key) => bucketLabel(Date.parse(key), range.bucketMs));
    return {
      kind: 'anomalies',
      keys,
      labels,
      counts: values,
      zScores,
      median: scored.median,
      spread: scored.spread,
      threshold: ANOMALY_DETECTION.threshold,
      anomalies: keys.flatMap((key, i) => {
        const z = zScores[i];
        return z !== null && z !== undefined && Math.abs(z) > ANOMALY_DETECTION.threshold
          ? [{ key, label: labels[i]!, count: values[i]!, zScore: z }]
          : [];
      }),
    };
  }

  private async stuck(asOfMs: number): Promise<StuckPanelData> {
    const rows = await this.run<StuckRow>(this.sql.stuck(asOfMs, STUCK.lookbackMs, STUCK.maxListed));
    const byStage = new Map(rows.filter((row) => row.kind === 'count').map((row) => [row.stage, row.n ?? 0]));
    const list = rows.filter((row) => row.kind === 'invoice');
    return {
      kind: 'stuck',
      asOf: new Date(asOfMs).toISOString(),
      total: [...byStage.values()].reduce((sum, n) => sum + n, 0),
      byStage: STAGES.map((stage) => ({
        stage,
        count: byStage.get(stage) ?? 0,
        slaSeconds: this.slaSecondsByStage[stage],
      })),
      invoices: list.map((row) => ({
        invoiceId: row.invoice_id,
        stage: row.stage,
        status: row.status,
        vendorId: row.vendor_id,
        vendorName: row.vendor_name ?? row.vendor_id,
        currency: row.currency,
        amount: fromMinorUnits(BigInt(row.minor), row.currency),
        lastEventAt: new Date(row.time_ms).toISOString(),
        ageMs: asOfMs - row.time_ms,
      })),
    };
  }

  /** Live queue depths; failures are reported in the panel, never fail the view. */
  private async queueDepths(): Promise<{ depths: readonly QueueDepth[] | null; note?: string }> {
    if (!this.options.queueDepths) return { depths: null, note: 'Queue depths are not available from this cell.' };
    try {
      return { depths: await this.options.queueDepths() };
    } catch (error) {
      // Queue depths are live, best-effort data: the rest of the view stays useful when they fail.
      const why = error instanceof Error ? error.message : String(error);
      return { depths: null, note: `Queue depths are unavailable: ${why}` };
    }
  }

  private queues(result: { depths: readonly QueueDepth[] | null; note?: string }): TablePanelData {
    const columns: TablePanelData['columns'] = [
      { key: 'queue', label: 'Queue', format: 'text' },
      { key: 'waiting', label: 'Waiting', format: 'count' },
      { key: 'inFlight', label: 'In flight', format: 'count' },
      { key: 'dlq', label: 'DLQ', format: 'count' },
      { key: 'oldest', label: 'Oldest', format: 'duration' },
    ];
    if (!result.depths) return { kind: 'table', columns, rows: [], ...(result.note ? { note: result.note } : {}) };
    return {
      kind: 'table',
      columns,
      rows: result.depths.map((q) => ({
        queue: q.label,
        waiting: q.waiting,
        inFlight: q.inFlight,
        dlq: q.dlq,
        oldest: q.oldestAgeSeconds === null ? null : q.oldestAgeSeconds * 1000,
      })),
    };
  }

  private async cashFlow(panel: CashFlowPanel, range: TimeRange): Promise<SeriesPanelData> {
    const rows = await this.aggregate(
      {
        source: 'invoices',
        measure: 'value',
        dimensions: [panel.period === 'week' ? 'dueWeek' : 'dueMonth', 'state', 'currency'],
        states: CASH_FLOW_STATES,
      },
      range,
    );
    return shapeCashFlow(panel.period, rows, range.toMs);
  }

  private async vendorTable(range: TimeRange): Promise<TablePanelData> {
    const rows = await this.aggregate(
      { source: 'invoices', measure: 'value', dimensions: ['vendor', 'currency', 'state'], states: ['open', 'posted'] },
      range,
    );
    interface VendorTotals {
      vendorId: string;
      vendorName: string;
      currency: string;
      invoices: number;
      open: bigint;
      posted: bigint;
    }
    const totals = new Map<string, VendorTotals>();
    for (const row of rows) {
      const vendorId = String(row.d0);
      const currency = String(row.d1);
      const key = `${vendorId}\u0000${currency}`;
      const total = totals.get(key) ?? {
        vendorId,
        vendorName: row.vendor_name ?? vendorId,
        currency,
        invoices: 0,
        open: 0n,
        posted: 0n,
      };
      total.invoices += row.n;
      if (row.d2 === 'open') total.open += BigInt(row.minor ?? '0');
      else total.posted += BigInt(row.minor ?? '0');
      totals.set(key, total);
    }
    const currencyOrder = currenciesOf(rows, 1);
    const sorted = currencyOrder.flatMap((currency) =>
      [...totals.values()]
        .filter((t) => t.currency === currency)
        .sort((a, b) => {
          const diff = b.open + b.posted - (a.open + a.posted);
          return diff === 0n ? a.vendorName.localeCompare(b.vendorName) : diff > 0n ? 1 : -1;
        })
        .slice(0, VENDOR_TABLE_ROWS),
    );
    return {
      kind: 'table',
      columns: [
        { key: 'vendor', label: 'Vendor', format: 'text' },
        { key: 'vendorId', label: 'Vendor ID', format: 'text' },
        { key: 'currency', label: 'Currency', format: 'text' },
        { key: 'invoices', label: 'Invoices', format: 'count' },
        { key: 'unposted', label: 'Unposted', format: 'money' },
        { key: 'posted', label: 'Posted', format: 'money' },
        { key: 'total', label: 'Total payable', format: 'money' },
      ],
      rows: sorted.map((t) => ({
        vendor: t.vendorName,
        vendorId: t.vendorId,
        currency: t.currency,
        invoices: t.invoices,
        unposted: fromMinorUnits(t.open, t.currency),
        posted: fromMinorUnits(t.posted, t.currency),
        total: fromMinorUnits(t.open + t.posted, t.currency),
      })),
    };
  }

  private async kpis(panel: KpiPanel, range: TimeRange, context: ViewContext): Promise<KpiPanelData> {
    const shift = comparisonShiftMs(range.toMs - range.fromMs);
    const previous: TimeRange = { ...range, fromMs: range.fromMs - shift, toMs: range.toMs - shift };
    const items = (await Promise.all(panel.items.map((def) => this.kpi(def, range, previous, context)))).flat();
    return {
      kind: 'kpis',
      comparison: {
        label: comparisonLabel(range.toMs - range.fromMs),
        from: new Date(previous.fromMs).toISOString(),
        to: new Date(previous.toMs).toISOString(),
      },
      items,
    };
  }

  private async kpi(def: KpiDef, range: TimeRange, previous: TimeRange, context: ViewContext): Promise<KpiItem[]> {
    const base = { id: def.id, label: def.label, currency: null };
    switch (def.kind) {
      case 'measure':
        return this.measureKpi(def, range, previous);
      case 'latency': {
        const now = await this.latencyAll(range, context);
        const before = await this.latencyAll(previous, context);
        const value = now?.[`p${def.percentile}`] ?? null;
        const prev = before?.[`p${def.percentile}`] ?? null;
        return [
          {
            ...base,
            unit: 'ms',
            value: value === null ? null : String(value),
            previous: prev === null ? null : String(prev),
            changePct: value === null || prev === null ? null : change(value, prev),
            higherIsBetter: false,
            alert: value !== null && value > VISIBILITY_SLA_MS,
          },
        ];
      }
      case 'withinSla': {
        const now = await this.latencyAll(range, context);
        const before = await this.latencyAll(previous, context);
        const value = now ? percent(now.within_sla, now.n) : null;
        const prev = before ? percent(before.within_sla, before.n) : null;
        return [
          {
            ...base,
            unit: 'percent',
            value: value === null ? null : value.toFixed(1),
            previous: prev === null ? null : prev.toFixed(1),
            changePct: null,
            higherIsBetter: true,
            // The mission promises every event within the SLA, so anything below 100 % is worth a look.
            alert: value !== null && value < 100,
          },
        ];
      }
      case 'stuck': {
        const stuck = await (context.stuck ?? this.stuck(range.toMs));
        return [
          {
            ...base,
            unit: 'invoices',
            value: String(stuck.total),
            previous: null,
            changePct: null,
            higherIsBetter: false,
            alert: stuck.total > 0,
          },
        ];
      }
      case 'dlq': {
        const { depths } = await (context.queues ?? this.queueDepths());
        const value = depths ? String(depths.reduce((sum, q) => sum + q.dlq, 0)) : null;
        return [
          {
            ...base,
            unit: 'messages',
            value,
            previous: null,
            changePct: null,
            higherIsBetter: false,
            alert: value !== null && value !== '0',
          },
        ];
      }
      case 'anomalies': {
        const anomalies = await (context.anomalies ?? this.anomalies(range));
        return [
          {
            ...base,
            unit: 'events',
            value: String(anomalies.anomalies.length),
            previous: null,
            changePct: null,
            higherIsBetter: false,
            alert: anomalies.anomalies.length > 0,
          },
        ];
      }
    }
  }

  /** The p50/p95/p99 KPIs and the SLA share read the same whole-range latency row: compute it once. */
  private latencyAll(range: TimeRange, context: ViewContext): Promise<LatencyRow | undefined> {
    context.latencyAll ??= new Map();
    let row = context.latencyAll.get(range.fromMs);
    if (!row) {
      row = this.latencyRows('all', range).then((rows) => rows[0]);
      context.latencyAll.set(range.fromMs, row);
    }
    return row;
  }

  private async measureKpi(def: MeasureKpi, range: TimeRange, previous: TimeRange): Promise<KpiItem[]> {
    const spec: AggregateSpec = {
      source: def.source,
      measure: def.measure,
      dimensions: def.perCurrency ? ['currency'] : [],
      timeField: def.timeField,
      states: def.states,
    };
    const [now, before] = await Promise.all([this.aggregate(spec, range), this.aggregate(spec, previous)]);
    const higherIsBetter = def.higherIsBetter ?? null;
    if (!def.perCurrency) {
      const value = now[0]?.n ?? 0;
      const prev = before[0]?.n ?? 0;
      return [
        {
          id: def.id,
          label: def.label,
          unit: unitOf(def.measure),
          currency: null,
          value: String(value),
          previous: String(prev),
          changePct: prev === 0 ? null : change(value, prev),
          higherIsBetter,
          alert: false,
        },
      ];
    }
    const beforeByCurrency = new Map(before.map((row) => [String(row.d0), BigInt(row.minor ?? '0')]));
    return currenciesOf(now, 0).map((currency) => {
      const value = BigInt(now.find((row) => row.d0 === currency)?.minor ?? '0');
      const prev = beforeByCurrency.get(currency) ?? 0n;
      return {
        id: `${def.id}:${currency}`,
        label: `${def.label} (${currency})`,
        unit: 'money',
        currency,
        value: fromMinorUnits(value, currency),
        previous: fromMinorUnits(prev, currency),
        // A percentage of change is display-only; the amounts themselves stay exact.
        changePct: prev === 0n ? null : change(Number(value), Number(prev)),
        higherIsBetter,
        alert: false,
      };
    });
  }
}

function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10;
}

function change(value: number, previous: number): number {
  return Math.round(((value - previous) / previous) * 1000) / 10;
}

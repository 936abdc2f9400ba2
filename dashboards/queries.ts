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
  type TimelineRow,
} from './localSql.ts';
import type { QueueDepth } from './queueDepths.ts';
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
  /** First consumer per stage. @default 'recorder' for every stage */
  readonly primaryConsumers?: Partial<Record<Stage, string>>;
  /** Stuck SLA per stage in seconds (the cell definition's `slaSeconds`). @default 900 for every stage */
  readonly slaSecondsByStage?: Partial<Record<Stage, number>>;
  /** Current queue depths for the operations view; absent → the panel says it has no source. */
  readonly queueDepths?: () => Promise<readonly QueueDepth[]>;
  /** @default Date.now */
  readonly now?: () => number;
}

const DEFAULT_SLA_SECONDS = 900;

/** Values computed once per view and reused by the headline KPIs. */
interface ViewContext {
  stuck?: StuckPanelData;
  anomalies?: AnomalyPanelData;
  queues?: readonly QueueDepth[] | null;
}

/**
 * The dashboards' query layer over the local store: each panel of {@link VIEWS} becomes one or two SQL
 * statements (`LocalSql`), and the rows are shaped into the JSON the page draws. Money is summed as
 * integer minor units in SQL and formatted with `fromMinorUnits`; no float ever holds an amount.
 */
export class DashboardQueries {
  private readonly sql: LocalSql;
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
        STAGES.map((s) => [s, options.primaryConsumers?.[s] ?? 'recorder']),
      ) as Record<Stage, string>,
      slaSecondsByStage: this.slaSecondsByStage,
    });
    this.now = options.now ?? Date.now;
  }

  /** Every panel of one view over `range`. */
  async view(viewId: ViewId, range: TimeRange): Promise<ViewData> {
    const view = VIEWS[viewId];
    const context: ViewContext = {};
    const panels: Record<string, PanelData> = {};
    // Headline KPIs reuse what other panels computed (stuck, anomalies, queues), so they go last.
    for (const panel of view.panels.filter((p) => p.kind !== 'kpis')) {
      panels[panel.id] = await this.panel(panel, range, context);
    }
    for (const panel of view.panels.filter((p): p is KpiPanel => p.kind === 'kpis')) {
      panels[panel.id] = await this.kpis(panel, range, context);
    }
    const currencyRows = await this.aggregate(
      { source: 'invoices', measure: 'invoices', dimensions: ['currency'] },
      range,
    );
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
      currencies: currenciesOf(currencyRows, 0),
      panels: Object.fromEntries(view.panels.map((p) => [p.id, panels[p.id]!])),
    };
  }

  /** Every counted event of one invoice, oldest first. */
  async timeline(invoiceId: string): Promise<InvoiceTimeline> {
    const rows = await this.run<TimelineRow>(this.sql.timeline(invoiceId));
    if (rows.length === 0) throw new InvoiceNotFoundError(invoiceId);
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      invoiceId,
      events: rows.map((row) => ({
        eventId: row.event_id,
        stage: row.stage,
        status: row.status,
        occurredAt: new Date(row.time_ms).toISOString(),
        receivedAt: iso(row.received_at_ms),
        processedAt: iso(row.processed_at_ms),
        latencyMs: row.latency_ms,
        amount: fromMinorUnits(BigInt(row.minor), row.currency),
        currency: row.currency,
        vendorId: row.vendor_id,
        vendorName: row.vendor_name ?? row.vendor_id,
        dueDate: row.due_at_ms === null ? null : new Date(row.due_at_ms).toISOString().slice(0, 10),
        sourceSystem: row.source_system,
        replayed: row.replayed === 1 || row.replayed === true || row.replayed === 'true',
      })),
    };
  }

  /** One aggregate (the building block of every chart and KPI); public so tests can check it directly. */
  aggregate(spec: AggregateSpec, range: TimeRange): Promise<AggregateRow[]> {
    return this.run<AggregateRow>(this.sql.aggregate(spec, range));
  }

  latencyRows(by: 'time' | 'stage' | 'all', range: TimeRange): Promise<LatencyRow[]> {
    return this.run<LatencyRow>(this.sql.latency(by, range));
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
        context.anomalies = await this.anomalies(range);
        return context.anomalies;
      case 'stuck':
        context.stuck = await this.stuck(range.toMs);
        return context.stuck;
      case 'queues':
        return this.queues(context);
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
    const counts = await this.run<{ stage: string; n: number }>(this.sql.stuckCounts(asOfMs, STUCK.lookbackMs));
    const list = await this.run<StuckRow>(this.sql.stuckList(asOfMs, STUCK.lookbackMs, STUCK.maxListed));
    const byStage = new Map(counts.map((row) => [row.stage, row.n]));
    return {
      kind: 'stuck',
      asOf: new Date(asOfMs).toISOString(),
      total: counts.reduce((sum, row) => sum + row.n, 0),
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

  private async queues(context: ViewContext): Promise<TablePanelData> {
    const columns: TablePanelData['columns'] = [
      { key: 'queue', label: 'Queue', format: 'text' },
      { key: 'waiting', label: 'Waiting', format: 'count' },
      { key: 'inFlight', label: 'In flight', format: 'count' },
      { key: 'dlq', label: 'DLQ', format: 'count' },
      { key: 'oldest', label: 'Oldest', format: 'duration' },
    ];
    if (!this.options.queueDepths) {
      context.queues = null;
      return { kind: 'table', columns, rows: [], note: 'Queue depths are not available from this cell.' };
    }
    try {
      const depths = await this.options.queueDepths();
      context.queues = depths;
      return {
        kind: 'table',
        columns,
        rows: depths.map((q) => ({
          queue: q.label,
          waiting: q.waiting,
          inFlight: q.inFlight,
          dlq: q.dlq,
          oldest: q.oldestAgeSeconds === null ? null : q.oldestAgeSeconds * 1000,
        })),
      };
    } catch (error) {
      // Queue depths are live, best-effort data: the rest of the view stays useful when they fail.
      context.queues = null;
      const why = error instanceof Error ? error.message : String(error);
      return { kind: 'table', columns, rows: [], note: `Queue depths are unavailable: ${why}` };
    }
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
    const items: KpiItem[] = [];
    for (const def of panel.items) items.push(...(await this.kpi(def, range, previous, context)));
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
        const [now] = await this.latencyRows('all', range);
        const [before] = await this.latencyRows('all', previous);
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
        const [now] = await this.latencyRows('all', range);
        const [before] = await this.latencyRows('all', previous);
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
        const stuck = context.stuck ?? (await this.stuck(range.toMs));
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
        const queues = context.queues;
        const value = queues ? String(queues.reduce((sum, q) => sum + q.dlq, 0)) : null;
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
        const anomalies = context.anomalies ?? (await this.anomalies(range));
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

  private async measureKpi(def: MeasureKpi, range: TimeRange, previous: TimeRange): Promise<KpiItem[]> {
    const spec: AggregateSpec = {
      source: def.source,
      measure: def.measure,
      dimensions: def.perCurrency ? ['currency'] : [],
      timeField: def.timeField,
      states: def.states,
    };
    const now = await this.aggregate(spec, range);
    const before = await this.aggregate(spec, previous);
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

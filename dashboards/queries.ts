import { DEFAULT_PRIMARY_CONSUMER } from '../schemas/analyticsRecord.ts';
import { fromMinorUnits } from '../schemas/money.ts';
import { STAGES, type Stage } from '../schemas/stages.ts';
import { InvoiceNotFoundError } from './errors.ts';
import { type AggregateRow, type AggregateSpec, type LatencyRow, LocalSql } from './localSql.ts';
import { anomalyPanel } from './panels/anomalyPanel.ts';
import { cashFlowPanel } from './panels/cashFlowPanel.ts';
import { kpiPanel } from './panels/kpiPanel.ts';
import { latencyPanel } from './panels/latencyPanel.ts';
import { queuesPanel } from './panels/queuesPanel.ts';
import { stuckPanel } from './panels/stuckPanel.ts';
import type { ViewContext } from './panels/ViewContext.ts';
import { vendorTablePanel } from './panels/vendorTablePanel.ts';
import { visibilityPanel } from './panels/visibilityPanel.ts';
import type { QueueDepth } from './queueDepths.ts';
import { timelineEventBase, toInvoiceEventRecord } from './readModel/invoiceTimeline.ts';
import { type DashboardStore, type LatencyGrouping, StoreReader } from './StoreReader.ts';
import { currenciesOf, shapeSeries } from './shapeSeries.ts';
import { allCurrencies, type TimeRange } from './timeRange.ts';
import type { InvoiceTimeline, PanelData, ViewData } from './viewData.ts';
import { VIEWS } from './viewDefinitions/index.ts';
import { type KpiPanel, type Panel, VISIBILITY_SLA_MS, type ViewId } from './views.ts';

export type { DashboardStore } from './StoreReader.ts';

export interface DashboardQueriesOptions {
  /** First consumer per stage. @default DEFAULT_PRIMARY_CONSUMER for every stage */
  readonly primaryConsumers?: Partial<Record<Stage, string>>;
  /** Stuck SLA per stage in seconds (the cell definition's `slaSeconds`). @default 900 for every stage */
  readonly slaSecondsByStage?: Partial<Record<Stage, number>>;
  /** The cell definition's `visibilityTargetSeconds` (the end-to-end panel's target). @default 120 */
  readonly visibilityTargetSeconds?: number;
  /** Current queue depths for the operations view; absent → the panel says it has no source. */
  readonly queueDepths?: () => Promise<readonly QueueDepth[]>;
  /** @default Date.now */
  readonly now?: () => number;
}

const DEFAULT_SLA_SECONDS = 900;

/**
 * The dashboards' query layer over the local store: each panel of {@link VIEWS} becomes one or two SQL
 * statements (`LocalSql`, batched by `StoreReader`), and the rows are shaped into the JSON the page draws
 * by the builder of its kind (`panels/`). Money is summed as integer minor units in SQL and formatted
 * with `fromMinorUnits`; no float ever holds an amount.
 */
export class DashboardQueries {
  private readonly reader: StoreReader;
  private readonly now: () => number;
  private readonly visibilityTargetMs: number;

  constructor(store: DashboardStore, options: DashboardQueriesOptions = {}) {
    const slaSecondsByStage = Object.fromEntries(
      STAGES.map((s) => [s, options.slaSecondsByStage?.[s] ?? DEFAULT_SLA_SECONDS]),
    ) as Record<Stage, number>;
    const sql = new LocalSql({
      primaryConsumers: Object.fromEntries(
        STAGES.map((s) => [s, options.primaryConsumers?.[s] ?? DEFAULT_PRIMARY_CONSUMER]),
      ) as Record<Stage, string>,
      slaSecondsByStage,
    });
    this.reader = new StoreReader(store, sql, slaSecondsByStage, options.queueDepths);
    this.now = options.now ?? Date.now;
    this.visibilityTargetMs = (options.visibilityTargetSeconds ?? VISIBILITY_SLA_MS / 1000) * 1000;
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
    // The currency selector lists every currency of the range, whichever one the view is filtered by.
    const currencyRows = this.reader.aggregate(
      { source: 'events', measure: 'invoices', dimensions: ['currency'] },
      allCurrencies(range),
    );
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
      currency: range.currency ?? null,
      currencies,
      panels: Object.fromEntries(view.panels.map((p) => [p.id, panels[p.id]!])),
    };
  }

  /** Every counted event of one invoice, oldest first. */
  async timeline(invoiceId: string): Promise<InvoiceTimeline> {
    const rows = await this.reader.timelineRows(invoiceId);
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

  /** One aggregate, batched with the others requested in the same turn of the event loop (see `StoreReader`). */
  aggregate(spec: AggregateSpec, range: TimeRange): Promise<AggregateRow[]> {
    return this.reader.aggregate(spec, range);
  }

  /** Latency percentiles by processing-time bucket, stage or overall; batched per range like `aggregate`. */
  latencyRows(by: LatencyGrouping, range: TimeRange): Promise<LatencyRow[]> {
    return this.reader.latencyRows(by, range);
  }

  private kpis(panel: KpiPanel, range: TimeRange, context: ViewContext): Promise<PanelData> {
    return kpiPanel(panel, range, this.reader, context);
  }

  /** The panels whose results the headline KPIs reuse register them in `context`. */
  private async panel(panel: Exclude<Panel, KpiPanel>, range: TimeRange, context: ViewContext): Promise<PanelData> {
    switch (panel.kind) {
      case 'chart':
        return shapeSeries(panel, await this.reader.aggregate(panel, range), range);
      case 'latency':
        return latencyPanel(panel, range, this.reader);
      case 'visibility':
        return visibilityPanel(range, this.reader, this.visibilityTargetMs);
      case 'anomalies':
        context.anomalies = anomalyPanel(range, this.reader);
        return context.anomalies;
      case 'stuck':
        context.stuck = stuckPanel(range, this.reader);
        return context.stuck;
      case 'queues':
        context.queues = this.reader.queueDepths();
        return queuesPanel(await context.queues);
      case 'cashFlow':
        return cashFlowPanel(panel, range, this.reader);
      case 'vendorTable':
        return vendorTablePanel(range, this.reader);
    }
  }
}

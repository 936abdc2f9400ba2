import type { ChartType, DimensionId, ViewId } from './views.ts';

/**
 * The JSON the query endpoints return (`/api/views/:view`, `/api/invoices/:id/timeline`). The page draws
 * exactly these numbers and the browser test compares the page with them, so money is carried as exact
 * decimal strings (`exact`) next to the plain numbers a chart needs (`values`).
 */

export type Unit = 'events' | 'invoices' | 'money' | 'ms' | 'percent' | 'messages';

export interface RangeInfo {
  readonly from: string;
  readonly to: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly bucket: string;
  readonly bucketMs: number;
}

export interface Series {
  readonly key: string;
  readonly label: string;
  /** Chart values (money as a JS number, for drawing only). `null` = no data in that interval. */
  readonly values: (number | null)[];
  /** Money only: the exact decimal of every value, summed from integer minor units. */
  readonly exact?: string[];
}

/** One chart's data for one currency (money charts) or for all rows (`currency: null`). */
export interface SeriesGroup {
  readonly currency: string | null;
  readonly keys: string[];
  readonly labels: string[];
  readonly series: Series[];
}

export interface SeriesPanelData {
  readonly kind: 'series';
  readonly chart: ChartType;
  readonly unit: Unit;
  readonly xDimension: DimensionId;
  readonly groups: SeriesGroup[];
  /** A horizontal reference line (the latency SLA). */
  readonly threshold?: { readonly label: string; readonly value: number };
}

export interface KpiItem {
  readonly id: string;
  readonly label: string;
  /** The SLA the figure is measured against ("Visibility SLA · 2 min"); absent when none. */
  readonly badge?: string;
  /** What the figure counts, in one sentence (see `kpiDefinitions.ts`). */
  readonly definition: string;
  readonly unit: Unit;
  readonly currency: string | null;
  /** Exact value as text: an integer, a decimal amount, or a percentage with one decimal; null = no data. */
  readonly value: string | null;
  readonly previous: string | null;
  /** Change against `previous` in percent (one decimal); null when there is nothing to compare. */
  readonly changePct: number | null;
  /** Whether a rise is good (events) or bad (latency, DLQ): the page colours the change accordingly. */
  readonly higherIsBetter: boolean | null;
  /** Needs attention (stuck invoices, DLQ messages, anomalies, latency beyond the SLA). */
  readonly alert: boolean;
}

export interface KpiPanelData {
  readonly kind: 'kpis';
  readonly comparison: { readonly label: string; readonly from: string; readonly to: string };
  readonly items: KpiItem[];
}

export type CellValue = string | number | boolean | null;

export interface TableColumn {
  readonly key: string;
  readonly label: string;
  readonly format: 'text' | 'count' | 'money' | 'ms' | 'percent' | 'datetime' | 'duration';
}

export interface TablePanelData {
  readonly kind: 'table';
  readonly columns: TableColumn[];
  readonly rows: Record<string, CellValue>[];
  /** Shown instead of an empty table (e.g. why queue depths are unavailable). */
  readonly note?: string;
  /** Set when the currency filter cannot apply to this table: what it covers instead. */
  readonly scope?: string;
}

export interface StuckInvoice {
  readonly invoiceId: string;
  readonly stage: string;
  readonly status: string;
  readonly vendorId: string;
  readonly vendorName: string;
  readonly currency: string;
  readonly amount: string;
  readonly lastEventAt: string;
  readonly ageMs: number;
}

export interface StuckPanelData {
  readonly kind: 'stuck';
  readonly asOf: string;
  readonly total: number;
  readonly byStage: { readonly stage: string; readonly count: number; readonly slaSeconds: number }[];
  /** Oldest first, at most `STUCK.maxListed`. */
  readonly invoices: StuckInvoice[];
}

export interface AnomalyPanelData {
  readonly kind: 'anomalies';
  readonly keys: string[];
  readonly labels: string[];
  readonly counts: number[];
  /** Robust z-score per interval; null for quiet, partial or unjudged intervals. */
  readonly zScores: (number | null)[];
  /** `quiet`: below the quiet threshold (empty included); `unjudged`: partial interval or too small a baseline. */
  readonly verdicts: ('anomaly' | 'normal' | 'quiet' | 'unjudged')[];
  /** Median of the active intervals (the baseline). */
  readonly median: number;
  /** The scale the z-scores divide by: max(MAD / 0.6745, √median). */
  readonly spread: number;
  readonly threshold: number;
  /** Active intervals in the baseline, and how many the rule needs before it flags anything. */
  readonly baselineIntervals: number;
  readonly minBaselineIntervals: number;
  readonly quietBelowEvents: number;
  /** The rule in one sentence, shown on the panel. */
  readonly method: string;
  readonly anomalies: {
    readonly key: string;
    readonly label: string;
    readonly count: number;
    readonly zScore: number;
  }[];
}

export type PanelData = SeriesPanelData | KpiPanelData | TablePanelData | StuckPanelData | AnomalyPanelData;

export interface ViewData {
  readonly view: ViewId;
  readonly generatedAt: string;
  readonly range: RangeInfo;
  /** The currency every panel is filtered by (`?currency=`); null = every currency. */
  readonly currency: string | null;
  /** Currencies of the range (unfiltered), most invoices first: the page's currency selector. */
  readonly currencies: string[];
  readonly panels: Record<string, PanelData>;
}

export interface TimelineEvent {
  readonly eventId: string;
  readonly stage: string;
  readonly status: string;
  readonly occurredAt: string;
  readonly receivedAt: string | null;
  readonly processedAt: string | null;
  readonly latencyMs: number | null;
  readonly amount: string;
  readonly currency: string;
  readonly vendorId: string;
  readonly vendorName: string;
  readonly dueDate: string | null;
  readonly sourceSystem: string | null;
  readonly replayed: boolean;
}

export interface InvoiceTimeline {
  readonly invoiceId: string;
  readonly events: TimelineEvent[];
}

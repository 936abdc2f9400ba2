import { FINAL_STATUSES, STAGES, type Stage } from '../schemas/stages.ts';

/**
 * The vocabulary of the BEMS dashboards: time windows, the business rules behind the numbers, and the
 * panel types the views (`viewDefinitions/`) are written in: which metrics, grouped how, over which windows.
 *
 * Both renderers are built from the views: the local dashboard (`queries.ts` turns a panel into SQL over
 * the local Timestream store, `assets/dashboard.js` draws it) and QuickSight (`quicksight/` turns the same
 * panels into datasets and visuals). A panel names a *source* (which records, one row per what), a
 * *measure* and the *dimensions* it is grouped by; each renderer knows how to express those three in its
 * own dialect, so adding a panel to a view shows it in both places.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const DAY_MS = 24 * HOUR;
const WEEK = 7 * DAY_MS;

/** Mission requirement: every event visible on the dashboards within two minutes (received → recorded). */
export const VISIBILITY_SLA_MS = 2 * MINUTE;
export const LATENCY_PERCENTILES = [50, 95, 99] as const;
export type LatencyPercentile = (typeof LATENCY_PERCENTILES)[number];

/** Time buckets the charts group by (`bucket=` on the query endpoints). */
export const BUCKETS = {
  '1m': MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '1h': HOUR,
  '6h': 6 * HOUR,
  '1d': DAY_MS,
} as const;
export type BucketId = keyof typeof BUCKETS;
export const BUCKET_IDS = Object.keys(BUCKETS) as BucketId[];

/** Sixty points fill a half-width laptop chart without turning sparse traffic into spikes; the auto bucket aims below. */
export const TARGET_POINTS = 60;
/** Hard cap so a tiny bucket over a long range cannot make the server build millions of points. */
export const MAX_POINTS = 2000;

/** Smallest bucket that keeps a chart of `rangeMs` at or below {@link TARGET_POINTS} points (24 h → hourly). */
export function defaultBucket(rangeMs: number): BucketId {
  return BUCKET_IDS.find((id) => rangeMs / BUCKETS[id] <= TARGET_POINTS) ?? '1d';
}

export const RANGE_PRESETS = [
  { id: '1h', label: 'Last hour', ms: HOUR },
  { id: '6h', label: 'Last 6 hours', ms: 6 * HOUR },
  { id: '24h', label: 'Last 24 hours', ms: DAY_MS },
  { id: '7d', label: 'Last 7 days', ms: WEEK },
  { id: '30d', label: 'Last 30 days', ms: 30 * DAY_MS },
  { id: '90d', label: 'Last 90 days', ms: 90 * DAY_MS },
] as const;
export type RangePresetId = (typeof RANGE_PRESETS)[number]['id'];
export const DEFAULT_RANGE: RangePresetId = '24h';
/** Longest range a query accepts: a year of month-end surges is what finance compares against. */
export const MAX_RANGE_MS = 366 * DAY_MS;

/** Auto-refresh choices in seconds (0 = off). 30 s keeps well inside the two-minute visibility promise. */
export const REFRESH_INTERVALS_S = [0, 15, 30, 60, 300] as const;
export const DEFAULT_REFRESH_S = 30;

/**
 * "Today vs the same period before": the window is compared with the same window shifted back by a day
 * (ranges up to a day: the same hours yesterday), by a week (ranges up to a week: the same days last week),
 * and otherwise by its own length (the period immediately before).
 */
export function comparisonShiftMs(rangeMs: number): number {
  if (rangeMs <= DAY_MS) return DAY_MS;
  if (rangeMs <= WEEK) return WEEK;
  return rangeMs;
}

export function comparisonLabel(rangeMs: number): string {
  if (rangeMs <= DAY_MS) return 'vs same period yesterday';
  if (rangeMs <= WEEK) return 'vs same period last week';
  return 'vs previous period';
}

/**
 * Where an invoice stands, from its latest event: `posted`, `closed` (rejected or reversed: no cash will
 * flow) or `open` (still moving through the stages; a failed posting is open, it will be retried).
 */
export const INVOICE_STATES = ['open', 'posted', 'closed'] as const;
export type InvoiceState = (typeof INVOICE_STATES)[number];
export const POSTED_STATUS = { stage: 'posting', status: 'posted' } as const satisfies { stage: Stage; status: string };
export const CLOSED_STATUSES = {
  ingestion: ['rejected'],
  reconciliation: [],
  authorization: ['rejected'],
  posting: ['reversed'],
} as const satisfies Record<Stage, readonly string[]>;

/** Stuck = latest event older than its stage SLA and not final (FINAL_STATUSES, the monitor's rule). */
export const STUCK = {
  finalStatuses: FINAL_STATUSES,
  /** How far back an invoice can have gone quiet and still be listed: the DLQ retention, 14 days. */
  lookbackMs: 14 * DAY_MS,
  /** Rows in the drill-down list; the per-stage counts always cover every stuck invoice. */
  maxListed: 100,
} as const;

/** Aging of unposted invoices by days past their due date (standard accounts-payable buckets). */
export const AGING_BUCKETS = [
  { id: 'not-due', label: 'Not yet due', maxDaysPastDue: 0 },
  { id: '1-30', label: '1–30 days overdue', maxDaysPastDue: 30 },
  { id: '31-60', label: '31–60 days overdue', maxDaysPastDue: 60 },
  { id: '61-90', label: '61–90 days overdue', maxDaysPastDue: 90 },
  { id: '90+', label: 'Over 90 days overdue', maxDaysPastDue: null },
] as const;
export type AgingBucketId = (typeof AGING_BUCKETS)[number]['id'];

/** Cash-flow projection horizon; amounts due earlier are "Overdue", later ones "Later". */
export const CASH_FLOW = { weeks: 12, months: 6 } as const;

/**
 * Anomalies in event volume: a robust z-score of each complete interval's count against the median of
 * the *active* intervals, `(count − median) / max(MAD / 0.6745, √median)`. Robust: one month-end spike
 * does not hide the next one the way a mean/standard-deviation rule would. Empty and quiet intervals
 * (fewer than `quietBelowEvents` events: nights, weekends, a cell nobody sends to) are neither part of
 * the baseline nor flagged, so the first activity after a quiet spell is judged against the cell's
 * usual activity, not against silence. The √median floor is the Poisson noise of a count: when most
 * intervals share one count (MAD 0), a count one or two above it is noise, not an anomaly. With fewer
 * than `minBaselineIntervals` active intervals the rule says nothing.
 */
export const ANOMALY_DETECTION = {
  threshold: 3.5,
  madScale: 0.6745,
  /** Intervals with fewer events are quiet: not judged, not part of the baseline. */
  quietBelowEvents: 3,
  /** Fewer active intervals than this say nothing about "normal". */
  minBaselineIntervals: 8,
} as const;

/** Value per stage counts an invoice once per stage: its first event there, looked for this far back. */
export const STAGE_ENTRY_LOOKBACK_MS = 30 * DAY_MS;
/** Top vendors on the executive view; the finance table lists more. */
export const TOP_VENDORS = 10;
export const VENDOR_TABLE_ROWS = 50;

/** Stage order, used to break ties between events of one invoice with the same timestamp. */
export const STAGE_ORDER: Record<Stage, number> = Object.fromEntries(STAGES.map((s, i) => [s, i + 1])) as Record<
  Stage,
  number
>;

// ---------------------------------------------------------------------------------------------------------
// Sources, measures and dimensions: the vocabulary panels are written in.
// ---------------------------------------------------------------------------------------------------------

/**
 * - `events`: every recorded event in the window (one row per event).
 * - `stageEntries`: an invoice's first event in each stage, when that first event lies in the window
 *   (one row per invoice and stage: value flowing into a stage without counting status changes twice).
 * - `invoices`: the latest event of each invoice active in the window (one row per invoice, as of the
 *   window's end), with its `state`.
 * - `cohort`: all events (up to the window's end) of invoices that had an ingestion event in the window;
 *   counting its invoices per stage is the conversion funnel.
 */
export const SOURCES = ['events', 'stageEntries', 'invoices', 'cohort'] as const;
export type SourceId = (typeof SOURCES)[number];

/** `value` sums `amount_minor` (exact integers) and needs `currency` among the dimensions. */
export const MEASURES = ['events', 'invoices', 'value', 'latency'] as const;
export type MeasureId = (typeof MEASURES)[number];

export const DIMENSIONS = [
  'time',
  'stage',
  'currency',
  'vendor',
  'status',
  'state',
  'dueWeek',
  'dueMonth',
  'aging',
] as const;
export type DimensionId = (typeof DIMENSIONS)[number];

/** `occurred`: when the business event happened; `processed`: when BEMS recorded it (throughput, latency). */
export type TimeField = 'occurred' | 'processed';

export type ChartType = 'line' | 'stackedBar' | 'bar' | 'horizontalBar' | 'funnel';

interface PanelBase {
  /** Stable id: JSON key of the query endpoint, DOM id, QuickSight visual id suffix. */
  readonly id: string;
  readonly title: string;
  /** One sentence a reader needs to trust the number: what is counted and how. */
  readonly description: string;
  /** Grid width on the local page (of 12 columns). */
  readonly width: 4 | 6 | 8 | 12;
}

/** A measure grouped by dimensions, drawn as a chart. `dimensions[0]` is the x axis, `[1]` the series. */
export interface ChartPanel extends PanelBase {
  readonly kind: 'chart';
  readonly chart: ChartType;
  readonly source: SourceId;
  readonly measure: Exclude<MeasureId, 'latency'>;
  readonly dimensions: readonly DimensionId[];
  readonly timeField?: TimeField;
  readonly states?: readonly InvoiceState[];
  /** Keep the top N x-axis categories by measure (per currency for money). */
  readonly limit?: number;
}

/** Headline numbers, each compared with the same period before (texts: `kpiDefinitions.ts`). */
export interface KpiPanel extends PanelBase {
  readonly kind: 'kpis';
  readonly items: readonly KpiDef[];
}

/** A measure over a source, compared with the same period before. */
export interface MeasureKpi {
  readonly kind: 'measure';
  readonly id: string;
  readonly label: string;
  readonly source: SourceId;
  readonly measure: Exclude<MeasureId, 'latency'>;
  /** What is counted, in one sentence (the card's tooltip, the QuickSight KPI's subtitle). */
  readonly definition: string;
  readonly states?: readonly InvoiceState[];
  readonly timeField?: TimeField;
  /** Money KPIs show one figure per currency (no FX conversion in BEMS). */
  readonly perCurrency?: boolean;
  /** Colours the change: true = a rise is good, false = a rise is bad. @default null (neutral) */
  readonly higherIsBetter?: boolean;
}

/** Operations KPIs computed by the panels of the same name. */
export type KpiDef =
  | MeasureKpi
  | { readonly kind: 'latency'; readonly id: string; readonly label: string; readonly percentile: LatencyPercentile }
  | { readonly kind: 'withinSla'; readonly id: string; readonly label: string }
  | { readonly kind: 'stuck'; readonly id: string; readonly label: string }
  | { readonly kind: 'dlq'; readonly id: string; readonly label: string }
  | { readonly kind: 'anomalies'; readonly id: string; readonly label: string };

/** Latency percentiles received → recorded against the visibility SLA, over time and per stage. */
export interface LatencyPanel extends PanelBase {
  readonly kind: 'latency';
  readonly by: 'time' | 'stage';
}

/**
 * END_TO_END_VISIBILITY (`schemas/metrics.ts`) per stage, from the read model: `written_at_ms` (the
 * store accepted the row) minus `received_at_ms` (the API accepted the event), replays left out — the
 * figure the cell's CloudWatch dashboard draws from `EndToEndLatency`.
 */
export interface VisibilityPanel extends PanelBase {
  readonly kind: 'visibility';
}

export interface QueuesPanel extends PanelBase {
  readonly kind: 'queues';
}

export interface StuckPanel extends PanelBase {
  readonly kind: 'stuck';
}

export interface AnomalyPanel extends PanelBase {
  readonly kind: 'anomalies';
}

/** Amounts due per week or month from payment terms (open and posted invoices; nothing tracks payment). */
export interface CashFlowPanel extends PanelBase {
  readonly kind: 'cashFlow';
  readonly period: 'week' | 'month';
}

/** Value per vendor and currency, split by invoice state. */
export interface VendorTablePanel extends PanelBase {
  readonly kind: 'vendorTable';
}

export type Panel =
  | ChartPanel
  | KpiPanel
  | LatencyPanel
  | VisibilityPanel
  | QueuesPanel
  | StuckPanel
  | AnomalyPanel
  | CashFlowPanel
  | VendorTablePanel;

export interface ViewDef {
  readonly id: ViewId;
  readonly title: string;
  readonly audience: string;
  readonly panels: readonly Panel[];
}

export const VIEW_IDS = ['executive', 'operations', 'finance'] as const;
export type ViewId = (typeof VIEW_IDS)[number];

export function isViewId(value: string): value is ViewId {
  return (VIEW_IDS as readonly string[]).includes(value);
}

import { fromMinorUnits } from '../schemas/money.ts';
import { STAGES } from '../schemas/stages.ts';
import type { AggregateRow } from './localSql.ts';
import { bucketLabel, bucketStarts, type TimeRange } from './timeRange.ts';
import type { Series, SeriesGroup, SeriesPanelData, Unit } from './viewData.ts';
import {
  AGING_BUCKETS,
  type ChartType,
  type DimensionId,
  INVOICE_STATES,
  type InvoiceState,
  type MeasureId,
} from './views.ts';

/**
 * Turns aggregate rows into chart data: x-axis keys in the order a reader expects (time, stage order,
 * aging order, or largest first), one series per value of the second dimension, one group per currency
 * for money. Missing combinations are filled with zero so every series has a value for every key.
 */

export interface SeriesShape {
  readonly chart: ChartType;
  readonly measure: Exclude<MeasureId, 'latency'>;
  readonly dimensions: readonly DimensionId[];
  readonly states?: readonly InvoiceState[] | undefined;
  readonly limit?: number | undefined;
}

export const STAGE_LABELS: Record<string, string> = Object.fromEntries(
  STAGES.map((s) => [s, s.charAt(0).toUpperCase() + s.slice(1)]),
);
export const STATE_LABELS: Record<InvoiceState, string> = {
  open: 'Unposted',
  posted: 'Posted',
  closed: 'Rejected or reversed',
};
const AGING_LABELS: Record<string, string> = Object.fromEntries(AGING_BUCKETS.map((b) => [b.id, b.label]));
const MEASURE_LABELS: Record<SeriesShape['measure'], string> = {
  events: 'Events',
  invoices: 'Invoices',
  value: 'Value',
};

export function unitOf(measure: MeasureId): Unit {
  if (measure === 'value') return 'money';
  if (measure === 'latency') return 'ms';
  return measure;
}

/** A dimension value as a string key; time buckets become ISO instants. */
export function keyOf(dimension: DimensionId, value: unknown): string {
  if (dimension === 'time' && typeof value === 'number') return new Date(value).toISOString();
  return value === null || value === undefined ? '' : String(value);
}

function minorOf(row: AggregateRow): bigint {
  return BigInt(row.minor ?? '0');
}

/** Rows ranked by their measure (money exactly), largest first, ties by key. */
function rankedKeys(rows: readonly AggregateRow[], index: number, dimension: DimensionId, money: boolean): string[] {
  const totals = new Map<string, { n: number; minor: bigint }>();
  for (const row of rows) {
    const key = keyOf(dimension, row[`d${index}`]);
    const total = totals.get(key) ?? { n: 0, minor: 0n };
    total.n += row.n;
    total.minor += money ? minorOf(row) : 0n;
    totals.set(key, total);
  }
  return [...totals.entries()]
    .sort(([ka, a], [kb, b]) => {
      if (money && a.minor !== b.minor) return a.minor > b.minor ? -1 : 1;
      return b.n - a.n || ka.localeCompare(kb);
    })
    .map(([key]) => key);
}

function fixedKeys(dimension: DimensionId, range: TimeRange, states?: readonly InvoiceState[]): string[] | undefined {
  switch (dimension) {
    case 'time':
      return bucketStarts(range).map((ms) => new Date(ms).toISOString());
    case 'stage':
      return [...STAGES];
    case 'aging':
      return AGING_BUCKETS.map((b) => b.id);
    case 'state':
      return INVOICE_STATES.filter((s) => !states || states.includes(s));
    default:
      return undefined;
  }
}

function labelOf(dimension: DimensionId, key: string, range: TimeRange, vendorNames: Map<string, string>): string {
  switch (dimension) {
    case 'time':
      return bucketLabel(Date.parse(key), range.bucketMs);
    case 'stage':
      return STAGE_LABELS[key] ?? key;
    case 'aging':
      return AGING_LABELS[key] ?? key;
    case 'state':
      return STATE_LABELS[key as InvoiceState] ?? key;
    case 'vendor':
      return vendorNames.get(key) ?? key;
    default:
      return key;
  }
}

/** Currencies of the rows, most rows first (then by code): the order of the money groups. */
export function currenciesOf(rows: readonly AggregateRow[], index: number): string[] {
  return rankedKeys(rows, index, 'currency', false);
}

export function shapeSeries(shape: SeriesShape, rows: readonly AggregateRow[], range: TimeRange): SeriesPanelData {
  const money = shape.measure === 'value';
  const currencyIndex = money ? shape.dimensions.indexOf('currency') : -1;
  const axes = shape.dimensions
    .map((dimension, index) => ({ dimension, index }))
    .filter((a) => a.index !== currencyIndex);
  const x = axes[0]!;
  const s = axes[1];
  const vendorNames = new Map<string, string>();
  for (const row of rows) {
    if (row.vendor_name) {
      const vendorIndex = shape.dimensions.indexOf('vendor');
      vendorNames.set(keyOf('vendor', row[`d${vendorIndex}`]), row.vendor_name);
    }
  }
  const seriesKeys = s
    ? (fixedKeys(s.dimension, range, shape.states) ?? rankedKeys(rows, s.index, s.dimension, money))
    : ['total'];
  const currencies: (string | null)[] = money ? currenciesOf(rows, currencyIndex) : [null];

  const groups: SeriesGroup[] = currencies.map((currency) => {
    const groupRows =
      currency === null ? rows : rows.filter((r) => keyOf('currency', r[`d${currencyIndex}`]) === currency);
    let keys = fixedKeys(x.dimension, range, shape.states) ?? rankedKeys(groupRows, x.index, x.dimension, money);
    if (shape.limit !== undefined) keys = keys.slice(0, shape.limit);
    const cells = new Map<string, AggregateRow>();
    for (const row of groupRows) {
      const seriesKey = s ? keyOf(s.dimension, row[`d${s.index}`]) : 'total';
      cells.set(`${keyOf(x.dimension, row[`d${x.index}`])}\u0000${seriesKey}`, row);
    }
    const series: Series[] = seriesKeys.map((seriesKey) => {
      const label = s ? labelOf(s.dimension, seriesKey, range, vendorNames) : MEASURE_LABELS[shape.measure];
      const found = keys.map((key) => cells.get(`${key}\u0000${seriesKey}`));
      if (!money) return { key: seriesKey, label, values: found.map((row) => row?.n ?? 0) };
      const exact = found.map((row) => fromMinorUnits(row ? minorOf(row) : 0n, currency!));
      return { key: seriesKey, label, values: exact.map(Number), exact };
    });
    return { currency, keys, labels: keys.map((key) => labelOf(x.dimension, key, range, vendorNames)), series };
  });

  return { kind: 'series', chart: shape.chart, unit: unitOf(shape.measure), xDimension: x.dimension, groups };
}

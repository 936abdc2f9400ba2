import { fromMinorUnits } from '../schemas/money.ts';
import type { AggregateRow } from './localSql.ts';
import { currenciesOf, keyOf, STATE_LABELS } from './shapeSeries.ts';
import type { SeriesGroup, SeriesPanelData } from './viewData.ts';
import { CASH_FLOW, DAY_MS, type InvoiceState } from './views.ts';

/**
 * The cash-flow projection: amounts due per week (Monday start, UTC) or calendar month, from the current
 * period on, with everything due earlier gathered as "Overdue" and everything beyond the horizon as
 * "Later", so the bars always add up to the total payable. Rows come from
 * `aggregate({ source: 'invoices', measure: 'value', dimensions: [dueWeek|dueMonth, state, currency] })`.
 */

export const CASH_FLOW_STATES: readonly InvoiceState[] = ['open', 'posted'];

/** Monday 00:00 UTC of the week containing `ms` (the same arithmetic as the SQL dimension). */
export function weekStartMs(ms: number): number {
  const day = Math.floor(ms / DAY_MS);
  return (Math.floor((day + 3) / 7) * 7 - 3) * DAY_MS;
}

function monthKey(ms: number, plusMonths = 0): string {
  const date = new Date(ms);
  const shifted = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + plusMonths, 1));
  return shifted.toISOString().slice(0, 7);
}

interface Period {
  readonly keys: string[];
  readonly labels: string[];
  /** Projection key of a row's period value (week start ms, or "YYYY-MM"). */
  readonly keyFor: (value: string | number | null) => string;
}

function periods(period: 'week' | 'month', asOfMs: number): Period {
  if (period === 'week') {
    const first = weekStartMs(asOfMs);
    const starts = Array.from({ length: CASH_FLOW.weeks }, (_, i) => first + i * 7 * DAY_MS);
    const end = first + CASH_FLOW.weeks * 7 * DAY_MS;
    return {
      keys: ['overdue', ...starts.map((ms) => new Date(ms).toISOString().slice(0, 10)), 'later'],
      // Weeks by their Monday in ISO 8601, so no reader takes 12-06 for June.
      labels: [
        'Overdue',
        ...starts.map((ms, i) => {
          const monday = new Date(ms).toISOString().slice(0, 10);
          return i === 0 ? `This week (${monday})` : `Week of ${monday}`;
        }),
        'Later',
      ],
      keyFor: (value) => {
        const ms = Number(value);
        if (ms < first) return 'overdue';
        if (ms >= end) return 'later';
        return new Date(ms).toISOString().slice(0, 10);
      },
    };
  }
  const months = Array.from({ length: CASH_FLOW.months }, (_, i) => monthKey(asOfMs, i));
  return {
    keys: ['overdue', ...months, 'later'],
    labels: ['Overdue', ...months, 'Later'],
    keyFor: (value) => {
      const month = String(value);
      if (month < months[0]!) return 'overdue';
      if (month > months.at(-1)!) return 'later';
      return month;
    },
  };
}

export function shapeCashFlow(
  period: 'week' | 'month',
  rows: readonly AggregateRow[],
  asOfMs: number,
): SeriesPanelData {
  const p = periods(period, asOfMs);
  const groups: SeriesGroup[] = currenciesOf(rows, 2).map((currency) => {
    const sums = new Map<string, bigint>();
    for (const row of rows) {
      if (keyOf('currency', row.d2) !== currency) continue;
      const cell = `${p.keyFor(row.d0 ?? null)}\u0000${row.d1}`;
      sums.set(cell, (sums.get(cell) ?? 0n) + BigInt(row.minor ?? '0'));
    }
    const series = CASH_FLOW_STATES.map((state) => {
      const exact = p.keys.map((key) => fromMinorUnits(sums.get(`${key}\u0000${state}`) ?? 0n, currency));
      return { key: state, label: STATE_LABELS[state], values: exact.map(Number), exact };
    });
    return { currency, keys: p.keys, labels: p.labels, series };
  });
  return {
    kind: 'series',
    chart: 'stackedBar',
    unit: 'money',
    xDimension: period === 'week' ? 'dueWeek' : 'dueMonth',
    groups,
  };
}

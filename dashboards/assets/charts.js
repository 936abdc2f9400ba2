/* Chart.js (loaded as a classic script before the modules, `window.Chart`): colours, options, instances. */
import { groupDigits, valueScale, zoneLabel } from './format.js';

export const STAGE_COLOURS = {
  ingestion: '#2563eb',
  reconciliation: '#7c3aed',
  authorization: '#d97706',
  posting: '#059669',
};
export const PALETTE = [
  '#2563eb',
  '#059669',
  '#d97706',
  '#7c3aed',
  '#db2777',
  '#0891b2',
  '#65a30d',
  '#dc2626',
  '#475569',
];
const KEY_COLOURS = {
  ...STAGE_COLOURS,
  open: '#f59e0b',
  posted: '#10b981',
  p50: '#0ea5e9',
  p95: '#6366f1',
  p99: '#a21caf',
  total: '#2563eb',
};
export const BAD = '#dc2626';

export const charts = new Map();

export function colourFor(key, index) {
  return KEY_COLOURS[key] ?? PALETTE[index % PALETTE.length];
}

/** What a value axis measures, for its title; the scale's unit follows in parentheses. */
const VALUE_TITLES = { events: 'Events', invoices: 'Invoices', messages: 'Messages', percent: '%', ms: 'Latency' };

/**
 * Chart.js options for a panel. The value axis has one unit for all its ticks and tooltips, chosen
 * from `maxValue` (the largest value drawn: `maxShown`), and names it in its title; a time axis
 * states its time zone in its title and in every tooltip.
 */
export function baseOptions(
  unit,
  {
    stacked = false,
    horizontal = false,
    legend = true,
    skipLabels = true,
    timeAxis = false,
    currency = null,
    maxValue = 0,
  } = {},
) {
  const valueId = horizontal ? 'x' : 'y';
  const scale = valueScale(maxValue, unit);
  const what = unit === 'money' ? (currency ?? 'Amount') : (VALUE_TITLES[unit] ?? unit);
  const valueAxis = {
    beginAtZero: true,
    stacked,
    ticks: { callback: (value) => scale.format(Number(value)), maxTicksLimit: 6 },
    grid: { color: '#eef2f7' },
    title: { display: true, text: scale.unit ? `${what} (${scale.unit})` : what },
  };
  const categoryAxis = {
    stacked,
    grid: { display: false },
    // Time axes thin out their labels; categories (stages, aging buckets, vendors) show every one.
    ticks: { autoSkip: skipLabels, maxRotation: skipLabels ? 0 : 45, autoSkipPadding: 12 },
    title: { display: timeAxis, text: `Time (${zoneLabel()})` },
  };
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    indexAxis: horizontal ? 'y' : 'x',
    interaction: { mode: 'index', intersect: false },
    scales: horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
    plugins: {
      legend: { display: legend, position: 'bottom', labels: { boxWidth: 10, boxHeight: 10, usePointStyle: true } },
      tooltip: {
        callbacks: {
          title: (items) => (items[0] ? `${items[0].label}${timeAxis ? ` ${zoneLabel()}` : ''}` : ''),
          label: (ctx) => {
            const raw = ctx.parsed[valueId];
            if (unit === 'ms') return ` ${ctx.dataset.label}: ${raw === null ? '—' : scale.format(raw)}`;
            const text = ctx.dataset.bemsExact?.[ctx.dataIndex] ?? String(raw ?? '—');
            return ` ${ctx.dataset.label}: ${groupDigits(text)}${unit === 'money' && currency ? ` ${currency}` : ''}`;
          },
        },
      },
    },
  };
}

export function upsertChart(canvas, config) {
  const existing = charts.get(canvas.id);
  if (existing && existing.config.type === config.type) {
    existing.data = config.data;
    existing.options = config.options;
    existing.update('none');
    return existing;
  }
  existing?.destroy();
  const chart = new window.Chart(canvas, config);
  charts.set(canvas.id, chart);
  return chart;
}

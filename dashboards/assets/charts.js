/* Chart.js (loaded as a classic script before the modules, `window.Chart`): colours, options, instances. */
import { compactTick, groupDigits } from './format.js';

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

export function baseOptions(unit, { stacked = false, horizontal = false, legend = true, skipLabels = true } = {}) {
  const valueAxis = {
    beginAtZero: true,
    stacked,
    ticks: { callback: (value) => compactTick(Number(value), unit), maxTicksLimit: 6 },
    grid: { color: '#eef2f7' },
    title: { display: unit === 'ms', text: 'latency' },
  };
  const categoryAxis = {
    stacked,
    grid: { display: false },
    // Time axes thin out their labels; categories (stages, aging buckets, vendors) show every one.
    ticks: { autoSkip: skipLabels, maxRotation: skipLabels ? 0 : 45, autoSkipPadding: 12 },
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
          label: (ctx) => {
            const exact = ctx.dataset.bemsExact?.[ctx.dataIndex];
            const raw = exact ?? String(ctx.parsed[horizontal ? 'x' : 'y'] ?? '—');
            const suffix = unit === 'ms' ? ' ms' : '';
            return ` ${ctx.dataset.label}: ${groupDigits(raw)}${suffix}`;
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

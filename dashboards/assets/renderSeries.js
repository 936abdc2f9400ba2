/* Series panels (lines, bars, the funnel) as Chart.js charts, money in the selected currency. */
import { BAD, baseOptions, charts, colourFor, upsertChart } from './charts.js';
import { showEmpty } from './dom.js';
import { controls } from './pageState.js';

export function renderSeries(panel, data) {
  const canvas = panel.querySelector('canvas');
  const box = canvas.parentElement;
  const group =
    data.groups.find((g) => g.currency === null) ?? data.groups.find((g) => g.currency === controls.currency.value);
  panel.dataset.currency = group?.currency ?? '';
  if (!group) {
    charts.get(canvas.id)?.destroy();
    charts.delete(canvas.id);
    const currency = controls.currency.value;
    showEmpty(box, data.groups.length ? `No ${currency} amounts in this range` : 'No data in this range');
    return;
  }
  showEmpty(box, group.keys.length ? '' : 'No data in this range');
  const line = data.chart === 'line';
  const horizontal = data.chart === 'horizontalBar' || data.chart === 'funnel';
  const stacked = data.chart === 'stackedBar';
  const datasets = group.series.map((s, i) => {
    const colour = colourFor(s.key, i);
    return {
      label: s.label,
      data: s.values,
      bemsKey: s.key,
      bemsExact: s.exact,
      borderColor: colour,
      backgroundColor: line ? `${colour}22` : colour,
      borderWidth: line ? 2 : 0,
      borderRadius: line ? 0 : 3,
      pointRadius: line ? (group.keys.length > 48 ? 0 : 2) : 0,
      // Monotone curves never overshoot: a count or an amount must not dip below zero between points.
      cubicInterpolationMode: 'monotone',
      spanGaps: false,
      maxBarThickness: 42,
    };
  });
  if (data.threshold) {
    datasets.push({
      type: 'line',
      label: data.threshold.label,
      data: group.keys.map(() => data.threshold.value),
      bemsRole: 'threshold',
      borderColor: BAD,
      borderDash: [6, 4],
      borderWidth: 1.5,
      pointRadius: 0,
      fill: false,
    });
  }
  if (data.chart === 'funnel') {
    const first = group.series[0]?.values[0] || 0;
    datasets[0].backgroundColor = group.keys.map((k, i) => colourFor(k, i));
    datasets[0].bemsPercents = group.series[0].values.map((v) => (first ? Math.round((v / first) * 1000) / 10 : 0));
  }
  const options = baseOptions(data.unit, {
    stacked,
    horizontal,
    legend: group.series.length > 1 || !!data.threshold,
    skipLabels: data.xDimension === 'time',
  });
  if (data.chart === 'funnel') {
    options.plugins.tooltip.callbacks.afterLabel = (ctx) => ` ${ctx.dataset.bemsPercents[ctx.dataIndex]} % of ingested`;
  }
  upsertChart(canvas, { type: line ? 'line' : 'bar', data: { labels: group.labels, datasets }, options });
}

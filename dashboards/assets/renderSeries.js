/* Series panels (lines, bars, the funnel) as Chart.js charts, money in the selected currency. */
import { BAD, baseOptions, charts, colourFor, upsertChart } from './charts.js';
import { showEmpty } from './dom.js';
import { emptyText } from './emptyStates.js';
import { formatInstant, maxShown } from './format.js';

/** The group drawn: the only one of a count chart, or the filtered currency's of a money chart. */
function groupOf(data, currency) {
  return data.groups.find((g) => g.currency === null) ?? data.groups.find((g) => g.currency === currency);
}

function dropChart(canvas) {
  charts.get(canvas.id)?.destroy();
  charts.delete(canvas.id);
}

/** Time axes are labelled in the viewer's time zone from the bucket instants (the keys). */
export function timeLabels(group, range) {
  return group.keys.map((key) => formatInstant(key, { dateOnly: range.bucketMs >= 86_400_000 }));
}

function datasetsOf(group, data) {
  const line = data.chart === 'line';
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
  return datasets;
}

export function renderSeries(panel, data, context) {
  const canvas = panel.querySelector('canvas');
  const box = canvas.parentElement;
  const group = groupOf(data, context.currency);
  panel.dataset.currency = group?.currency ?? '';
  const what = data.unit === 'money' || data.unit === 'invoices' ? 'invoices' : 'events';
  if (!group) {
    dropChart(canvas);
    const reason = data.unit === 'money' && !context.currency && data.groups.length ? 'chooseCurrency' : 'noData';
    showEmpty(box, emptyText(reason, { currency: context.currency, what }));
    return;
  }
  const values = group.series.flatMap((s) => s.values);
  const empty = group.keys.length === 0 || values.every((v) => !v);
  showEmpty(box, empty ? emptyText('noData', { currency: context.currency, what }) : '');
  const stacked = data.chart === 'stackedBar';
  const horizontal = data.chart === 'horizontalBar' || data.chart === 'funnel';
  const timeAxis = data.xDimension === 'time';
  const options = baseOptions(data.unit, {
    stacked,
    horizontal,
    legend: group.series.length > 1 || !!data.threshold,
    skipLabels: timeAxis,
    timeAxis,
    currency: group.currency,
    maxValue: Math.max(
      maxShown(
        group.series.map((s) => s.values),
        stacked,
      ),
      data.threshold?.value ?? 0,
    ),
  });
  if (data.chart === 'funnel') {
    options.plugins.tooltip.callbacks.afterLabel = (ctx) => ` ${ctx.dataset.bemsPercents[ctx.dataIndex]} % of ingested`;
  }
  const labels = timeAxis ? timeLabels(group, context.range) : group.labels;
  upsertChart(canvas, {
    type: data.chart === 'line' ? 'line' : 'bar',
    data: { labels, datasets: datasetsOf(group, data) },
    options,
  });
}

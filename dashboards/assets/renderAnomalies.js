/* Event volume per interval with the flagged intervals, and their list. */
import { BAD, baseOptions, upsertChart } from './charts.js';
import { el } from './dom.js';

export function renderAnomalies(panel, data) {
  const canvas = panel.querySelector('canvas');
  const flagged = new Set(data.anomalies.map((a) => a.key));
  const options = baseOptions('events', { legend: true });
  options.plugins.tooltip.callbacks.afterLabel = (ctx) =>
    ctx.datasetIndex === 0 && data.zScores[ctx.dataIndex] !== null ? ` z = ${data.zScores[ctx.dataIndex]}` : '';
  upsertChart(canvas, {
    type: 'bar',
    data: {
      labels: data.labels,
      datasets: [
        {
          label: 'Events',
          data: data.counts,
          backgroundColor: data.keys.map((k) => (flagged.has(k) ? BAD : '#93c5fd')),
          borderRadius: 2,
          maxBarThickness: 28,
        },
        {
          type: 'line',
          label: 'Median',
          data: data.keys.map(() => data.median),
          bemsRole: 'reference',
          borderColor: '#475569',
          borderDash: [4, 4],
          borderWidth: 1,
          pointRadius: 0,
        },
      ],
    },
    options,
  });
  const list = panel.querySelector('.anomaly-list');
  list.replaceChildren(
    ...(data.anomalies.length
      ? data.anomalies.map((a) =>
          el('li', { 'data-key': a.key, text: `${a.label} UTC: ${a.count} events (z ${a.zScore})` }),
        )
      : [el('li', { className: 'none', text: 'No anomalies in this range' })]),
  );
}

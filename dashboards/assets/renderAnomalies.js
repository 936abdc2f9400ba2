/* Event volume per interval with the flagged intervals, and their list. */
import { BAD, baseOptions, upsertChart } from './charts.js';
import { el, showEmpty } from './dom.js';
import { emptyText, notEnoughActivity } from './emptyStates.js';
import { formatInstant, maxShown, zoneLabel } from './format.js';

/** Bar colour per verdict: quiet and unjudged intervals are greyed out, they are not part of the rule. */
const VERDICT_COLOURS = { anomaly: BAD, normal: '#93c5fd', quiet: '#e2e8f0', unjudged: '#cbd5e1' };

export function renderAnomalies(panel, data, context) {
  const canvas = panel.querySelector('canvas');
  const options = baseOptions('events', {
    legend: true,
    timeAxis: true,
    maxValue: maxShown([data.counts], false),
  });
  options.plugins.tooltip.callbacks.afterLabel = (ctx) => {
    if (ctx.datasetIndex !== 0) return '';
    const z = data.zScores[ctx.dataIndex];
    return z === null ? ` ${data.verdicts[ctx.dataIndex]} (not scored)` : ` z = ${z} (${data.verdicts[ctx.dataIndex]})`;
  };
  const labels = data.keys.map((key) => formatInstant(key, { dateOnly: context.range.bucketMs >= 86_400_000 }));
  upsertChart(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: [
        {
          label: 'Events',
          data: data.counts,
          backgroundColor: data.verdicts.map((v) => VERDICT_COLOURS[v]),
          bemsVerdicts: data.verdicts,
          borderRadius: 2,
          maxBarThickness: 28,
        },
        {
          type: 'line',
          label: 'Median of active intervals',
          data: data.keys.map(() => (data.baselineIntervals ? data.median : null)),
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
  const box = canvas.parentElement;
  const noEvents = data.counts.every((n) => n === 0);
  showEmpty(box, noEvents ? emptyText('noData', { currency: context.currency }) : '');
  const list = panel.querySelector('.anomaly-list');
  let none = 'No anomalies in this range';
  if (!noEvents && data.baselineIntervals < data.minBaselineIntervals) none = notEnoughActivity(data);
  list.replaceChildren(
    ...(data.anomalies.length
      ? data.anomalies.map((a) =>
          el('li', {
            'data-key': a.key,
            text: `${formatInstant(a.key)} ${zoneLabel()}: ${a.count} events (z ${a.zScore})`,
          }),
        )
      : [el('li', { className: 'none', text: none })]),
  );
}

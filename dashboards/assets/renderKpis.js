/* The headline strip: one card per KPI, with its change against the comparison period. */
import { el } from './dom.js';
import { changeText, formatInstant, groupDigits } from './format.js';
import { controls } from './pageState.js';

export function renderKpis(panel, data) {
  // Money KPIs come one per currency; the page shows the selected currency, like every money chart.
  const currency = controls.currency.value;
  const items = data.items.filter((item) => item.currency === null || item.currency === currency);
  const cards = items.map((item) => {
    const unit = item.unit === 'money' ? item.currency : item.unit === 'ms' ? 'ms' : item.unit === 'percent' ? '%' : '';
    let change = null;
    if (item.changePct !== null) {
      const direction = item.changePct > 0 ? 'up' : item.changePct < 0 ? 'down' : 'flat';
      const good =
        item.higherIsBetter === null || direction === 'flat'
          ? ''
          : (direction === 'up') === item.higherIsBetter
            ? 'good'
            : 'bad';
      const arrow = direction === 'up' ? '▲' : direction === 'down' ? '▼' : '■';
      change = el('span', {
        className: `kpi-change ${good}`,
        text: `${arrow} ${changeText(item.changePct)}`,
        title: data.comparison.label,
      });
    }
    return el('div', { className: `kpi${item.alert ? ' alert' : ''}`, role: 'listitem', 'data-kpi': item.id }, [
      el('div', { className: 'kpi-label', text: item.label }),
      el('div', { className: 'kpi-figure' }, [
        el('span', {
          className: `kpi-value${item.value !== null && item.value.length > 12 ? ' long' : ''}`,
          text: item.value === null ? '—' : groupDigits(item.value),
          title: item.value === null ? 'no data' : groupDigits(item.value),
        }),
        unit ? el('span', { className: 'kpi-unit', text: unit }) : null,
      ]),
      change,
      item.previous !== null
        ? el('span', { className: 'kpi-previous', text: `Before: ${groupDigits(item.previous)} ${unit}`.trim() })
        : null,
    ]);
  });
  panel.querySelector('.kpis').replaceChildren(...cards);
  panel.querySelector('.kpi-comparison').textContent =
    `Changes ${data.comparison.label} (${formatInstant(data.comparison.from)} → ${formatInstant(data.comparison.to)} UTC).`;
}

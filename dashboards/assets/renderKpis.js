/* The headline strip: one card per KPI, with its change against the comparison period. */
import { el } from './dom.js';
import { changeText, formatInstant, groupDigits, zoneLabel } from './format.js';

/**
 * One card per KPI: label, the SLA it is measured against (a badge), the figure, its change. The
 * definition is the card's tooltip and accessible description. Money KPIs come one per currency (the
 * server filters them with the view); without a currency filter, every currency's card is shown.
 */
export function renderKpis(panel, data, context) {
  const items = data.items.filter(
    (item) => item.currency === null || !context.currency || item.currency === context.currency,
  );
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
    const definitionId = `kpi-def-${panel.id}-${item.id.replace(/[^\w-]/g, '_')}`;
    const attributes = {
      className: `kpi${item.alert ? ' alert' : ''}`,
      role: 'listitem',
      'data-kpi': item.id,
      title: item.definition,
      'aria-describedby': definitionId,
    };
    return el('div', attributes, [
      el('div', { className: 'kpi-label', text: item.label }),
      item.badge ? el('div', { className: 'kpi-badge', text: item.badge }) : null,
      el('p', { className: 'visually-hidden', id: definitionId, text: item.definition }),
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
    `Changes ${data.comparison.label} (${formatInstant(data.comparison.from)} → ${formatInstant(data.comparison.to)} ${zoneLabel()}). ` +
    'Hover a figure for its definition.';
}

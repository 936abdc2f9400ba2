/* Table panels: queues, latency per stage, vendors. */
import { el } from './dom.js';
import { formatCell } from './format.js';

export function renderTable(box, data, caption) {
  if (data.rows.length === 0) {
    box.replaceChildren(el('p', { className: 'empty-note', text: data.note ?? 'Nothing to show in this range' }));
    return;
  }
  const numeric = new Set(['count', 'money', 'ms', 'percent', 'duration']);
  const head = el(
    'tr',
    {},
    data.columns.map((c) => el('th', { scope: 'col', className: numeric.has(c.format) ? 'num' : '', text: c.label })),
  );
  const rows = data.rows.map((row) =>
    el(
      'tr',
      {},
      data.columns.map((c) => {
        const alert = c.key === 'dlq' && Number(row[c.key]) > 0;
        return el('td', {
          className: [numeric.has(c.format) ? 'num' : '', alert ? 'alert' : ''].join(' ').trim(),
          'data-column': c.key,
          'data-value': row[c.key] === null ? '' : String(row[c.key]),
          text: formatCell(row[c.key], c.format),
        });
      }),
    ),
  );
  box.replaceChildren(
    el('table', {}, [
      el('caption', { className: 'visually-hidden', text: caption }),
      el('thead', {}, [head]),
      el('tbody', {}, rows),
    ]),
  );
}

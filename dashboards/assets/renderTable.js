/* Table panels: queues, latency per stage, vendors, and any other `table` panel data. */
import { csvButton, csvFileName } from './csv.js';
import { el } from './dom.js';
import { emptyText } from './emptyStates.js';
import { durationUnit, formatCell, zoneLabel } from './format.js';

const NUMERIC = new Set(['count', 'money', 'ms', 'percent', 'duration']);

/**
 * One duration unit for every `ms` column of a table (that of the largest value among them), so p50,
 * p95 and p99 of a row read in the same unit and no column mixes ms and s.
 */
function columnUnits(data) {
  const columns = data.columns.filter((c) => c.format === 'ms');
  const max = Math.max(0, ...columns.flatMap((c) => data.rows.map((row) => Number(row[c.key] ?? 0))));
  const unit = durationUnit(max);
  return Object.fromEntries(columns.map((c) => [c.key, unit]));
}

/** `context`: the view id, its range and currency filter, for the CSV file name and the empty state. */
export function renderTable(box, data, caption, context) {
  if (data.rows.length === 0) {
    box.replaceChildren(
      el('p', {
        className: 'empty-note',
        text: data.note ?? emptyText('noData', { currency: context.currency, what: 'invoices' }),
      }),
    );
    return;
  }
  const units = columnUnits(data);
  const heading = (c) =>
    c.format === 'datetime'
      ? `${c.label} (${zoneLabel()})`
      : units[c.key]
        ? `${c.label} (${units[c.key].unit})`
        : c.label;
  const head = el(
    'tr',
    {},
    data.columns.map((c) =>
      el('th', { scope: 'col', className: NUMERIC.has(c.format) ? 'num' : '', text: heading(c) }),
    ),
  );
  const rows = data.rows.map((row) =>
    el(
      'tr',
      {},
      data.columns.map((c) => {
        const alert = c.key === 'dlq' && Number(row[c.key]) > 0;
        return el('td', {
          className: [NUMERIC.has(c.format) ? 'num' : '', alert ? 'alert' : ''].join(' ').trim(),
          'data-column': c.key,
          'data-value': row[c.key] === null ? '' : String(row[c.key]),
          text: formatCell(row[c.key], c.format, units[c.key]),
        });
      }),
    ),
  );
  const fileName = () => csvFileName(context.view, context.panel, context.range);
  box.replaceChildren(
    el('div', { className: 'table-tools' }, [
      data.scope ? el('span', { className: 'scope-note', text: data.scope }) : null,
      csvButton(fileName, data.columns, () => data.rows),
    ]),
    el('table', {}, [
      el('caption', { className: 'visually-hidden', text: caption }),
      el('thead', {}, [head]),
      el('tbody', {}, rows),
    ]),
  );
}

/*
 * CSV export of the dashboard's tables (RFC 4180): built from the very rows and columns the table
 * draws, with exact values (money as its exact decimal, durations in ms, instants in ISO 8601 in the
 * chosen time zone), so a spreadsheet gets the numbers, not their display.
 */
import { el } from './dom.js';
import { formatInstant, zoneLabel } from './format.js';

/** A field quoted when it holds a separator, a quote or a line break; quotes doubled. */
export function csvField(value) {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR at the start: vendor
 * names come from upstream systems) gets a leading apostrophe (OWASP's CSV injection advice).
 * Only text columns: a negative amount stays a number.
 */
function neutralised(text) {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

const HEADER_UNITS = { ms: ' (ms)', duration: ' (ms)', percent: ' (%)' };

/** The CSV value of one cell, by its column's format. */
function csvValue(value, format) {
  if (value === null || value === undefined) return '';
  if (format === 'datetime') return formatInstant(String(value), { withSeconds: true });
  if (format === 'text') return neutralised(String(value));
  return String(value);
}

/** `columns`: `{ key, label, format }` as the table panels have them; `rows`: the rows the table shows. */
export function toCsv(columns, rows) {
  const header = columns.map((c) => {
    const unit = c.format === 'datetime' ? ` (${zoneLabel()})` : (HEADER_UNITS[c.format] ?? '');
    return csvField(`${c.label}${unit}`);
  });
  const lines = rows.map((row) => columns.map((c) => csvField(csvValue(row[c.key], c.format))).join(','));
  return `${[header.join(','), ...lines].join('\r\n')}\r\n`;
}

/** A file name for a panel's export: `bems-<view>-<panel>-<from>-<to>.csv`, filter-safe characters only. */
export function csvFileName(view, panel, range) {
  const stamp = (iso) => iso.slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  return `bems-${view}-${panel}-${stamp(range.from)}-${stamp(range.to)}.csv`.replace(/[^\w.-]/g, '_');
}

/** The "Download CSV" button of a table panel; `rowsNow()` gives the rows shown at the time of the click. */
export function csvButton(fileName, columns, rowsNow) {
  const button = el('button', { type: 'button', className: 'csv-button', text: 'Download CSV' });
  button.addEventListener('click', () => {
    const blob = new Blob([toCsv(columns, rowsNow())], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const link = el('a', { href: url, download: fileName() });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  });
  return button;
}

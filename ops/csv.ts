/**
 * `--output csv`: a command's document as RFC 4180 rows, so any command's result opens in a
 * spreadsheet. The rows are the document's list named `rowsOf`, else its first list of objects
 * (the order the command's schema gives its fields), else the document as one row. Nested objects
 * become dotted columns (`dlqStats.visible`), lists of values are joined with `;`, lists of
 * objects stay JSON in their cell. The header is every column in first-seen order.
 */
export function toCsv(document: unknown, rowsOf?: string): string {
  const rows = rowsOfDocument(document, rowsOf).map((row) => flatten(row));
  const columns: string[] = [];
  for (const row of rows) for (const key of row.keys()) if (!columns.includes(key)) columns.push(key);
  const lines = [columns.map(quote), ...rows.map((row) => columns.map((c) => quote(row.get(c) ?? '')))];
  return lines.map((cells) => cells.join(',')).join('\r\n');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rowsOfDocument(document: unknown, rowsOf: string | undefined): unknown[] {
  if (Array.isArray(document)) return document;
  if (!isRecord(document)) return [{ value: document }];
  if (rowsOf !== undefined) {
    const named = document[rowsOf];
    if (!Array.isArray(named)) throw new Error(`csv: the document has no list "${rowsOf}"`);
    return named;
  }
  const list = Object.values(document).find((v) => Array.isArray(v) && v.length > 0 && v.every(isRecord));
  return (list as unknown[] | undefined) ?? [document];
}

function flatten(value: unknown, prefix = '', into = new Map<string, string>()): Map<string, string> {
  if (isRecord(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key, into);
    if (Object.keys(value).length === 0 && prefix) into.set(prefix, '');
    return into;
  }
  const column = prefix || 'value';
  if (Array.isArray(value))
    into.set(column, value.some((v) => typeof v === 'object' && v !== null) ? JSON.stringify(value) : value.join(';'));
  else into.set(column, value === null || value === undefined ? '' : String(value));
  return into;
}

function quote(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

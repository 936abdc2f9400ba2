/** Column alignment: numbers read best right-aligned. */
export type Align = 'left' | 'right';

export interface TableOptions {
  readonly align?: readonly Align[];
}

/**
 * A plain-text table for terminals and Markdown-free logs: a header, a rule, and rows whose
 * columns are padded to the widest cell. Commands share it so their output looks alike.
 */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): string {
  const widths = header.map((title, col) => Math.max(title.length, ...rows.map((row) => (row[col] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, col) => (options.align?.[col] === 'right' ? cell.padStart(widths[col]!) : cell.padEnd(widths[col]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** `1234567.8` → `1,234,568`; `0.1234` → `0.123` (three significant decimals below 10). */
export function formatNumber(value: number, fractionDigits?: number): string {
  const digits = fractionDigits ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 3);
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** `1234.5` → `$1,234.50`; sub-cent amounts keep four decimals so they do not all print as $0.00. */
export function formatUsd(value: number): string {
  const digits = value !== 0 && Math.abs(value) < 0.01 ? 4 : 2;
  return `$${value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}

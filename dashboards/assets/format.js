/*
 * Display formats of the local dashboard. The endpoints send exact numbers (money as decimal strings);
 * these functions only group, shorten or label them, never recompute them.
 */

/** Groups the integer part of an exact decimal string: "1234567.50" → "1,234,567.50". */
export function groupDigits(text) {
  const negative = text.startsWith('-');
  const [whole, fraction] = (negative ? text.slice(1) : text).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

export function formatDuration(ms) {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** Latencies in tables: ms below a second, seconds above (the exact ms is in the cell's data-value). */
export function formatLatency(ms) {
  if (ms < 1000) return `${ms} ms`;
  return `${(ms / 1000).toFixed(ms < 60_000 ? 2 : 1)} s`;
}

export function formatInstant(iso) {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : '—';
}

export function formatCell(value, format) {
  if (value === null || value === undefined || value === '') return '—';
  switch (format) {
    case 'count':
    case 'money':
      return groupDigits(String(value));
    case 'ms':
      return formatLatency(Number(value));
    case 'percent':
      return `${value} %`;
    case 'datetime':
      return formatInstant(String(value));
    case 'duration':
      return formatDuration(Number(value));
    default:
      return String(value);
  }
}

/** Short axis ticks: 1.2M, 350k, 2.5 s. */
export function compactTick(value, unit) {
  if (unit === 'ms') return value >= 1000 ? `${value / 1000} s` : `${value} ms`;
  const abs = Math.abs(value);
  if (abs >= 1e12) return `${+(value / 1e12).toFixed(1)}T`;
  if (abs >= 1e9) return `${+(value / 1e9).toFixed(1)}B`;
  if (abs >= 1e6) return `${+(value / 1e6).toFixed(1)}M`;
  if (abs >= 1e3) return `${+(value / 1e3).toFixed(1)}k`;
  return String(+value.toFixed(2));
}

/** Change in percent for a chip; beyond ±999 % the exact figure says nothing more. */
export function changeText(pct) {
  const abs = Math.abs(pct);
  return abs > 999 ? '>999 %' : `${abs} %`;
}

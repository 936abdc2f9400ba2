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

/**
 * One unit for every value of an axis or a table column of durations: the unit of the largest value
 * (ms below a second, s below three minutes, min below three hours, h beyond), so "0 ms / 50 s / 100 s"
 * cannot happen: the axis reads "0 s / 50 s / 100 s".
 */
export function durationUnit(maxMs) {
  const max = Math.abs(maxMs);
  if (max < 1000) return { unit: 'ms', divisor: 1 };
  if (max < 180_000) return { unit: 's', divisor: 1000 };
  if (max < 10_800_000) return { unit: 'min', divisor: 60_000 };
  return { unit: 'h', divisor: 3_600_000 };
}

/** A duration in a given unit (see `durationUnit`), with at most the decimals that unit needs. */
export function formatInUnit(ms, { unit, divisor }) {
  const value = ms / divisor;
  const decimals = unit === 'ms' ? 0 : Math.abs(value) < 10 ? 2 : 1;
  return `${groupDigits(String(+value.toFixed(decimals)))} ${unit}`;
}

/** Latency of one value on its own (a tooltip): its own unit. */
export function formatLatency(ms) {
  return formatInUnit(ms, durationUnit(ms));
}

/**
 * One scale for every tick of a count or money axis (`k`, `M`, `B`, `T` or none), from the largest
 * tick, so an axis reads "0k / 0.5k / 1k / 1.5k" rather than "0 / 500 / 1k / 1.5k".
 */
export function numberScale(maxAbs) {
  const max = Math.abs(maxAbs);
  if (max >= 1e12) return { suffix: 'T', divisor: 1e12 };
  if (max >= 1e9) return { suffix: 'B', divisor: 1e9 };
  if (max >= 1e6) return { suffix: 'M', divisor: 1e6 };
  if (max >= 1e4) return { suffix: 'k', divisor: 1e3 };
  return { suffix: '', divisor: 1 };
}

/**
 * The one unit of a value axis, from the largest value it shows: `unit` for its title ("s", "k", or
 * "" for plain numbers) and `format` for every tick and tooltip on it.
 */
export function valueScale(maxValue, unit) {
  if (unit === 'ms') {
    const scale = durationUnit(maxValue);
    return { unit: scale.unit, format: (v) => formatInUnit(v, scale) };
  }
  const scale = numberScale(maxValue);
  return { unit: scale.suffix, format: (v) => `${+(v / scale.divisor).toFixed(2)}${scale.suffix}` };
}

/** Largest value a chart shows: of the stacked sums per category when stacked. */
export function maxShown(seriesValues, stacked) {
  if (!stacked) return Math.max(0, ...seriesValues.flat().map((v) => Math.abs(v ?? 0)));
  const length = Math.max(0, ...seriesValues.map((values) => values.length));
  const sums = Array.from({ length }, (_, i) => seriesValues.reduce((sum, values) => sum + (values[i] ?? 0), 0));
  return Math.max(0, ...sums);
}

/** The viewer's time zone choice; `UTC` unless they pick another one (the toolbar's Time zone). */
export const timeZone = { id: 'UTC' };

const DATE_PARTS = new Map();

/** Year, month, day, hour, minute of an instant in a time zone (Intl, cached per zone). */
function partsIn(ms, zone) {
  let format = DATE_PARTS.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    DATE_PARTS.set(zone, format);
  }
  return Object.fromEntries(format.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
}

/**
 * An instant as ISO 8601 `YYYY-MM-DD HH:mm` (`withSeconds`: `:ss`) in the chosen time zone: a reader
 * anywhere reads 2026-12-06 one way, where `12-06` is June to half the world.
 */
export function formatInstant(iso, { zone = timeZone.id, withSeconds = false, dateOnly = false } = {}) {
  if (!iso) return '—';
  const ms = typeof iso === 'number' ? iso : Date.parse(iso);
  if (Number.isNaN(ms)) return String(iso);
  const p = partsIn(ms, zone);
  const date = `${p.year}-${p.month}-${p.day}`;
  if (dateOnly) return date;
  return `${date} ${p.hour}:${p.minute}${withSeconds ? `:${p.second}` : ''}`;
}

/** The zone as a reader sees it next to a time: "UTC", or the IANA name ("Europe/Berlin"). */
export function zoneLabel(zone = timeZone.id) {
  return zone;
}

/** A table cell's text; `unit` is the column's duration unit (one per column, see `durationUnit`). */
export function formatCell(value, format, unit) {
  if (value === null || value === undefined || value === '') return '—';
  switch (format) {
    case 'count':
    case 'money':
      return groupDigits(String(value));
    case 'ms':
      return unit ? formatInUnit(Number(value), unit) : formatLatency(Number(value));
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

/** Change in percent for a chip; beyond ±999 % the exact figure says nothing more. */
export function changeText(pct) {
  const abs = Math.abs(pct);
  return abs > 999 ? '>999 %' : `${abs} %`;
}

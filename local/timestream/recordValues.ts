import {
  RESERVED_COLUMN_NAMES,
  RESERVED_COLUMN_PREFIXES,
  type ScalarMeasureType,
  TIMESTREAM_LIMITS,
  type TimeUnit,
} from './limits.ts';

/**
 * Timestream's rules for the single values of a record: column names, times, measure values in
 * their canonical text, and the bytes each is metered for. `normalizeRecord.ts` applies them to
 * whole records.
 */

export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

const NS_PER_UNIT: Record<TimeUnit, bigint> = {
  SECONDS: 1_000_000_000n,
  MILLISECONDS: 1_000_000n,
  MICROSECONDS: 1_000n,
  NANOSECONDS: 1n,
};
const DOUBLE_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER_PATTERN = /^[+-]?\d+$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** Timestream metering counts fixed-width types as 8 bytes (BOOLEAN 1), strings as their UTF-8 length. */
const METERED_BYTES: Record<ScalarMeasureType, ((value: string) => number) | number> = {
  DOUBLE: 8,
  BIGINT: 8,
  TIMESTAMP: 8,
  BOOLEAN: 1,
  VARCHAR: utf8Bytes,
};

function checkColumnName(kind: string, name: string, maxBytes: number): string | undefined {
  if (name.length === 0) return `${kind} name must not be empty.`;
  if (utf8Bytes(name) > maxBytes) return `${kind} name '${name}' exceeds ${maxBytes} bytes.`;
  if (name.includes(':')) return `${kind} name '${name}' must not contain ':'.`;
  if ((RESERVED_COLUMN_NAMES as readonly string[]).includes(name)) return `${kind} name '${name}' is reserved.`;
  const prefix = RESERVED_COLUMN_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) return `${kind} name '${name}' must not start with the reserved prefix '${prefix}'.`;
  return undefined;
}

/**
 * Every record of a BEMS write repeats the same ~20 names, so their verdicts are remembered. Bounded,
 * because names come from clients: past the cap the cache starts over.
 */
const NAME_CACHE_LIMIT = 4096;
const nameVerdicts = { Dimension: new Map<string, string | null>(), Measure: new Map<string, string | null>() };

export function columnNameProblem(kind: 'Dimension' | 'Measure', name: string, maxBytes: number): string | undefined {
  const cache = nameVerdicts[kind];
  const known = cache.get(name);
  if (known !== undefined) return known ?? undefined;
  const verdict = checkColumnName(kind, name, maxBytes);
  if (cache.size >= NAME_CACHE_LIMIT) cache.clear();
  cache.set(name, verdict ?? null);
  return verdict;
}

/** Integer strings this short are exact as doubles (< 2^53), so they need no BigInt arithmetic. */
const SAFE_DIGITS = 15;

/** A Time string in a unit as epoch milliseconds plus the nanoseconds below them, or a reason. */
export function parseTime(time: unknown, unit: TimeUnit): { ms: number; subMsNs: number } | string {
  if (time === undefined || time === null || time === '') return 'Time is required.';
  if (typeof time !== 'string' || !/^\d{1,20}$/.test(time)) {
    return `Time '${String(time)}' must be a non-negative integer string in ${unit}.`;
  }
  if (unit === 'MILLISECONDS' && time.length <= SAFE_DIGITS) return { ms: Number(time), subMsNs: 0 };
  const ns = BigInt(time) * NS_PER_UNIT[unit];
  return { ms: Number(ns / 1_000_000n), subMsNs: Number(ns % 1_000_000n) };
}

// Hot-path helpers are module-level functions, not closures: tsx (esbuild keepNames) wraps every
// closure it creates in a `__name` call, which cost as much as the rest of the validation.
function invalidMeasure(name: string, value: string, type: ScalarMeasureType): { reason: string } {
  return { reason: `Measure '${name}' value '${value}' is not a valid ${type}.` };
}

/**
 * Canonical text of a measure value for its type, or a reason. Canonical forms make an identical
 * re-write compare equal even if a client formats a number differently ("1.50" vs "1.5").
 * TIMESTAMP values are read in the record's TimeUnit and stored as epoch milliseconds.
 */
export function canonicalMeasureValue(
  name: string,
  type: ScalarMeasureType,
  value: unknown,
  unit: TimeUnit,
): string | { reason: string } {
  if (typeof value !== 'string' || value.length === 0) {
    return { reason: `Measure '${name}' has no value; MeasureValue must be a non-empty string.` };
  }
  if (value.length > TIMESTREAM_LIMITS.measureValueChars) {
    return { reason: `Measure '${name}' value exceeds ${TIMESTREAM_LIMITS.measureValueChars} characters.` };
  }
  switch (type) {
    case 'VARCHAR':
      return value;
    case 'DOUBLE': {
      if (!DOUBLE_PATTERN.test(value)) return invalidMeasure(name, value, type);
      const number = Number(value);
      return Number.isFinite(number) ? String(number === 0 ? 0 : number) : invalidMeasure(name, value, type);
    }
    case 'BIGINT': {
      if (!INTEGER_PATTERN.test(value)) return invalidMeasure(name, value, type);
      // Sign included, 15 characters are far inside int64 and exact as a double.
      if (value.length <= SAFE_DIGITS) return String(Number(value));
      const number = BigInt(value);
      return number >= INT64_MIN && number <= INT64_MAX ? number.toString() : invalidMeasure(name, value, type);
    }
    case 'BOOLEAN': {
      const lower = value.toLowerCase();
      return lower === 'true' || lower === 'false' ? lower : invalidMeasure(name, value, type);
    }
    case 'TIMESTAMP': {
      if (!/^\d{1,20}$/.test(value)) return invalidMeasure(name, value, type);
      if (unit === 'MILLISECONDS' && value.length <= SAFE_DIGITS) return String(Number(value));
      return ((BigInt(value) * NS_PER_UNIT[unit]) / 1_000_000n).toString();
    }
  }
}

/** Bytes a measure value of this type is metered for. */
export function meteredValueBytes(type: ScalarMeasureType, canonical: string): number {
  const metered = METERED_BYTES[type];
  return typeof metered === 'number' ? metered : metered(canonical);
}

import {
  MEASURE_VALUE_TYPES,
  RESERVED_COLUMN_NAMES,
  RESERVED_COLUMN_PREFIXES,
  type ScalarMeasureType,
  TIME_UNITS,
  TIMESTREAM_LIMITS,
  type TimeUnit,
} from './limits.ts';

/** One measure as stored: its Timestream type and its canonical value text. */
export interface StoredMeasure {
  readonly type: ScalarMeasureType;
  readonly value: string;
}

/**
 * A WriteRecords record after CommonAttributes were merged in and every field was validated and
 * brought into canonical form, so that two writes of "the same" record compare equal as strings.
 */
export interface NormalizedRecord {
  readonly measureName: string;
  /** Record time in epoch milliseconds (floor), plus the nanoseconds below the millisecond. */
  readonly timeMs: number;
  readonly timeSubMsNs: number;
  /** Dimensions as a JSON object with sorted keys. */
  readonly dimensionsJson: string;
  /** Identity of the dimension set: JSON of the sorted [name, value] pairs. */
  readonly dimsKey: string;
  /** Measures as a JSON object with sorted keys: `{ name: { type, value } }`. */
  readonly measuresJson: string;
  readonly version: number;
}

/**
 * A single-measure record (MeasureValueType other than MULTI) is stored under this key, which
 * Timestream reserves, so it can never clash with the name of a multi-measure attribute.
 */
export const SINGLE_MEASURE_KEY = 'measure_value';

/** Timestream's default when a record has no Version. */
export const DEFAULT_RECORD_VERSION = 1;

export type NormalizeResult = { readonly ok: true; readonly record: NormalizedRecord } | RecordProblem;

/** Why one record is rejected; becomes `RejectedRecords[].Reason`. */
export interface RecordProblem {
  readonly ok: false;
  readonly reason: string;
  /**
   * Problems Timestream reports for the whole request (ValidationException) rather than per
   * record, e.g. a dimension both in CommonAttributes and in the record.
   */
  readonly requestLevel?: boolean;
}

type Json = Record<string, unknown>;

const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const problem = (reason: string, requestLevel = false): RecordProblem => ({ ok: false, reason, requestLevel });

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

function columnNameProblem(kind: 'Dimension' | 'Measure', name: string, maxBytes: number): string | undefined {
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
function parseTime(time: unknown, unit: TimeUnit): { ms: number; subMsNs: number } | string {
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

/** A record attribute, falling back to the CommonAttributes one. */
function pick(raw: Json, common: Json | undefined, key: string): unknown {
  const own = raw[key];
  return own !== undefined && own !== null ? own : common?.[key];
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

/**
 * The map as an object with its keys in sorted (UTF-16 code unit) order, so that its JSON is
 * canonical. Built by assignment after the default sort (which compares exactly so), not by sorting
 * entries with a comparator closure: this runs three times per record.
 */
function sortedObject<T>(map: ReadonlyMap<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const name of [...map.keys()].sort()) {
    const value = map.get(name) as T;
    // Assigning `__proto__` would call the prototype setter instead of adding a key.
    if (name === '__proto__') Object.defineProperty(out, name, { value, enumerable: true, writable: true });
    else out[name] = value;
  }
  return out;
}

function readDimensions(raw: unknown, where: string): Array<[string, string]> | RecordProblem {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return problem(`${where}Dimensions must be a list.`);
  const out: Array<[string, string]> = [];
  for (const dimension of raw) {
    if (!isObject(dimension) || typeof dimension.Name !== 'string' || typeof dimension.Value !== 'string') {
      return problem(`${where}Each dimension needs a string Name and Value.`);
    }
    if (dimension.DimensionValueType !== undefined && dimension.DimensionValueType !== 'VARCHAR') {
      return problem(
        `Dimension '${dimension.Name}' has DimensionValueType ${String(dimension.DimensionValueType)}; only VARCHAR is supported.`,
      );
    }
    out.push([dimension.Name, dimension.Value]);
  }
  return out;
}

function readMeasureValues(raw: unknown, where: string): Json[] | RecordProblem {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return problem(`${where}MeasureValues must be a list.`);
  if (!raw.every(isObject)) return problem(`${where}Each entry of MeasureValues must be an object.`);
  return raw;
}

/**
 * Merges CommonAttributes into one record and validates it the way Timestream does. Dimensions and
 * MULTI measure values of both are concatenated; any other attribute set on the record wins over
 * the common one.
 */
export function normalizeRecord(raw: unknown, common: Json | undefined): NormalizeResult {
  if (!isObject(raw)) return problem('Record must be an object.');

  // Dimensions.
  const commonDims = readDimensions(common?.Dimensions, 'CommonAttributes.');
  if (!Array.isArray(commonDims)) return { ...commonDims, requestLevel: true };
  const ownDims = readDimensions(raw.Dimensions, '');
  if (!Array.isArray(ownDims)) return ownDims;
  const dims = new Map<string, string>();
  for (const [name, value] of commonDims) dims.set(name, value);
  for (const [name, value] of ownDims) {
    if (dims.has(name)) {
      const inCommon = commonDims.some(([n]) => n === name);
      // Timestream answers an overlap with CommonAttributes with a ValidationException for the call.
      if (inCommon) return problem(`Dimension '${name}' is set both in CommonAttributes and in a record.`, true);
      return problem(`Dimension '${name}' appears more than once.`);
    }
    dims.set(name, value);
  }
  if (dims.size > TIMESTREAM_LIMITS.maxDimensionsPerRecord) {
    return problem(
      `Record has ${dims.size} dimensions; at most ${TIMESTREAM_LIMITS.maxDimensionsPerRecord} are allowed.`,
    );
  }
  let meteredBytes = 8; // the timestamp
  for (const [name, value] of dims) {
    const nameProblem = columnNameProblem('Dimension', name, TIMESTREAM_LIMITS.dimensionNameBytes);
    if (nameProblem) return problem(nameProblem);
    if (value.length === 0) return problem(`Dimension '${name}' has an empty value.`);
    if (utf8Bytes(value) > TIMESTREAM_LIMITS.dimensionValueBytes) {
      return problem(`Dimension '${name}' value exceeds ${TIMESTREAM_LIMITS.dimensionValueBytes} bytes.`);
    }
    meteredBytes += utf8Bytes(name) + utf8Bytes(value);
  }

  // Time, unit, version.
  const unit = pick(raw, common, 'TimeUnit') ?? 'MILLISECONDS';
  if (!(TIME_UNITS as readonly unknown[]).includes(unit)) {
    return problem(`TimeUnit '${String(unit)}' is not one of ${TIME_UNITS.join(', ')}.`);
  }
  const timeUnit = unit as TimeUnit;
  const time = parseTime(pick(raw, common, 'Time'), timeUnit);
  if (typeof time === 'string') return problem(time);
  const versionRaw = pick(raw, common, 'Version') ?? DEFAULT_RECORD_VERSION;
  if (typeof versionRaw !== 'number' || !Number.isSafeInteger(versionRaw) || versionRaw < 0) {
    return problem(`Version '${String(versionRaw)}' must be a non-negative integer.`);
  }

  // Measure name and values.
  const measureName = pick(raw, common, 'MeasureName');
  if (typeof measureName !== 'string' || measureName.length === 0) return problem('MeasureName is required.');
  if (utf8Bytes(measureName) > TIMESTREAM_LIMITS.measureNameBytes) {
    return problem(`MeasureName exceeds ${TIMESTREAM_LIMITS.measureNameBytes} bytes.`);
  }
  meteredBytes += utf8Bytes(measureName);
  const valueType = pick(raw, common, 'MeasureValueType') ?? 'DOUBLE';
  const measures = new Map<string, StoredMeasure>();
  if (valueType === 'MULTI') {
    if (raw.MeasureValue !== undefined && raw.MeasureValue !== null) {
      return problem('MeasureValue must not be set when MeasureValueType is MULTI; use MeasureValues.');
    }
    const commonValues = readMeasureValues(common?.MeasureValues, 'CommonAttributes.');
    if (!Array.isArray(commonValues)) return { ...commonValues, requestLevel: true };
    const ownValues = readMeasureValues(raw.MeasureValues, '');
    if (!Array.isArray(ownValues)) return ownValues;
    const all = [...commonValues, ...ownValues];
    if (all.length === 0) return problem('MeasureValues must not be empty when MeasureValueType is MULTI.');
    if (all.length > TIMESTREAM_LIMITS.maxMeasuresPerRecord) {
      return problem(
        `Record has ${all.length} measures; at most ${TIMESTREAM_LIMITS.maxMeasuresPerRecord} are allowed.`,
      );
    }
    for (const measure of all) {
      const { Name: name, Type: type, Value: value } = measure;
      if (typeof name !== 'string') return problem('Each measure value needs a string Name.');
      const nameProblem = columnNameProblem('Measure', name, TIMESTREAM_LIMITS.measureNameBytes);
      if (nameProblem) return problem(nameProblem);
      if (measures.has(name)) return problem(`Measure '${name}' appears more than once.`);
      if (dims.has(name)) return problem(`'${name}' is used both as a dimension and as a measure name.`);
      if (!(MEASURE_VALUE_TYPES as readonly unknown[]).includes(type)) {
        return problem(
          `Measure '${name}' has type '${String(type)}'; expected one of ${MEASURE_VALUE_TYPES.join(', ')}.`,
        );
      }
      const scalarType = type as ScalarMeasureType;
      const canonical = canonicalMeasureValue(name, scalarType, value, timeUnit);
      if (typeof canonical !== 'string') return problem(canonical.reason);
      measures.set(name, { type: scalarType, value: canonical });
      const metered = METERED_BYTES[scalarType];
      meteredBytes += utf8Bytes(name) + (typeof metered === 'number' ? metered : metered(canonical));
    }
  } else {
    if (!(MEASURE_VALUE_TYPES as readonly unknown[]).includes(valueType)) {
      return problem(
        `MeasureValueType '${String(valueType)}' is not one of ${[...MEASURE_VALUE_TYPES, 'MULTI'].join(', ')}.`,
      );
    }
    if (Array.isArray(raw.MeasureValues) && raw.MeasureValues.length > 0) {
      return problem('MeasureValues may only be set when MeasureValueType is MULTI.');
    }
    const scalarType = valueType as ScalarMeasureType;
    const canonical = canonicalMeasureValue(measureName, scalarType, pick(raw, common, 'MeasureValue'), timeUnit);
    if (typeof canonical !== 'string') return problem(canonical.reason);
    measures.set(SINGLE_MEASURE_KEY, { type: scalarType, value: canonical });
    const metered = METERED_BYTES[scalarType];
    meteredBytes += typeof metered === 'number' ? metered : metered(canonical);
  }
  if (meteredBytes > TIMESTREAM_LIMITS.maxRecordBytes) {
    return problem(
      `Record size ${meteredBytes} bytes exceeds the maximum of ${TIMESTREAM_LIMITS.maxRecordBytes} bytes.`,
    );
  }

  const sortedDims = sortedObject(dims);
  return {
    ok: true,
    record: {
      measureName,
      timeMs: time.ms,
      timeSubMsNs: time.subMsNs,
      dimensionsJson: JSON.stringify(sortedDims),
      dimsKey: JSON.stringify(Object.entries(sortedDims)),
      measuresJson: JSON.stringify(sortedObject(measures)),
      version: versionRaw,
    },
  };
}

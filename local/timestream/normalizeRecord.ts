import { MEASURE_VALUE_TYPES, type ScalarMeasureType, TIME_UNITS, TIMESTREAM_LIMITS, type TimeUnit } from './limits.ts';
import { canonicalMeasureValue, columnNameProblem, meteredValueBytes, parseTime, utf8Bytes } from './recordValues.ts';

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
  /** Dimensions as a JSON object with sorted keys: canonical, so also the identity of the dimension set. */
  readonly dimensionsJson: string;
  /** Measures as a JSON object with sorted keys: `{ name: { type, value } }`. */
  readonly measuresJson: string;
  readonly version: number;
  /** The type of each measure column the record writes; a table fixes it at the first write. */
  readonly measureTypes: readonly MeasureColumnType[];
}

/**
 * A measure column and its type. A single-measure record writes the column of its measure name; a
 * multi-measure record one column per attribute, shared by every measure name of the table.
 */
export interface MeasureColumnType {
  /** `single:<MeasureName>` or `multi:<attribute name>`. */
  readonly column: string;
  readonly type: ScalarMeasureType;
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

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const problem = (reason: string, requestLevel = false): RecordProblem => ({ ok: false, reason, requestLevel });

/** A record attribute, falling back to the CommonAttributes one. */
function pick(raw: Json, common: Json | undefined, key: string): unknown {
  const own = raw[key];
  return own !== undefined && own !== null ? own : common?.[key];
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
 * the common one. Checks run in Timestream's order (dimensions, time, version, measure name,
 * measures, record size): the first problem found is the one reported.
 */
export function normalizeRecord(raw: unknown, common: Json | undefined): NormalizeResult {
  if (!isObject(raw)) return problem('Record must be an object.');
  const dims = mergeDimensions(raw, common);
  if (isProblem(dims)) return dims;
  const dimensionBytes = checkDimensions(dims);
  if (typeof dimensionBytes !== 'number') return dimensionBytes;
  const when = readTimeAndVersion(raw, common);
  if (isProblem(when)) return when;
  const measureName = pick(raw, common, 'MeasureName');
  if (typeof measureName !== 'string' || measureName.length === 0) return problem('MeasureName is required.');
  if (utf8Bytes(measureName) > TIMESTREAM_LIMITS.measureNameBytes) {
    return problem(`MeasureName exceeds ${TIMESTREAM_LIMITS.measureNameBytes} bytes.`);
  }
  const valueType = pick(raw, common, 'MeasureValueType') ?? 'DOUBLE';
  const measured =
    valueType === 'MULTI'
      ? readMultiMeasures(raw, common, dims, when.timeUnit)
      : readSingleMeasure(raw, common, valueType, measureName, when.timeUnit);
  if (isProblem(measured)) return measured;
  const meteredBytes = TIMESTAMP_BYTES + dimensionBytes + utf8Bytes(measureName) + measured.meteredBytes;
  if (meteredBytes > TIMESTREAM_LIMITS.maxRecordBytes) {
    return problem(
      `Record size ${meteredBytes} bytes exceeds the maximum of ${TIMESTREAM_LIMITS.maxRecordBytes} bytes.`,
    );
  }
  const sortedDims = sortedObject(dims);
  const sortedMeasures = sortedObject(measured.measures);
  return {
    ok: true,
    record: {
      measureName,
      timeMs: when.time.ms,
      timeSubMsNs: when.time.subMsNs,
      dimensionsJson: JSON.stringify(sortedDims),
      measuresJson: JSON.stringify(sortedMeasures),
      version: when.version,
      measureTypes: Object.entries(sortedMeasures).map(([name, measure]) => ({
        column: name === SINGLE_MEASURE_KEY && valueType !== 'MULTI' ? `single:${measureName}` : `multi:${name}`,
        type: measure.type,
      })),
    },
  };
}

/** Every record is metered for its timestamp. */
const TIMESTAMP_BYTES = 8;

function isProblem(value: object): value is RecordProblem {
  return (value as Partial<RecordProblem>).ok === false;
}

/** The record's dimensions after the common ones; an overlap with CommonAttributes fails the whole call. */
function mergeDimensions(raw: Json, common: Json | undefined): Map<string, string> | RecordProblem {
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
  return dims;
}

/** Checks the dimensions' count, names and values; returns the bytes they are metered for. */
function checkDimensions(dims: ReadonlyMap<string, string>): number | RecordProblem {
  if (dims.size > TIMESTREAM_LIMITS.maxDimensionsPerRecord) {
    return problem(
      `Record has ${dims.size} dimensions; at most ${TIMESTREAM_LIMITS.maxDimensionsPerRecord} are allowed.`,
    );
  }
  let meteredBytes = 0;
  for (const [name, value] of dims) {
    const nameProblem = columnNameProblem('Dimension', name, TIMESTREAM_LIMITS.dimensionNameBytes);
    if (nameProblem) return problem(nameProblem);
    if (value.length === 0) return problem(`Dimension '${name}' has an empty value.`);
    if (utf8Bytes(value) > TIMESTREAM_LIMITS.dimensionValueBytes) {
      return problem(`Dimension '${name}' value exceeds ${TIMESTREAM_LIMITS.dimensionValueBytes} bytes.`);
    }
    meteredBytes += utf8Bytes(name) + utf8Bytes(value);
  }
  return meteredBytes;
}

interface RecordTime {
  readonly timeUnit: TimeUnit;
  readonly time: { readonly ms: number; readonly subMsNs: number };
  readonly version: number;
}

function readTimeAndVersion(raw: Json, common: Json | undefined): RecordTime | RecordProblem {
  const unit = pick(raw, common, 'TimeUnit') ?? 'MILLISECONDS';
  if (!(TIME_UNITS as readonly unknown[]).includes(unit)) {
    return problem(`TimeUnit '${String(unit)}' is not one of ${TIME_UNITS.join(', ')}.`);
  }
  const timeUnit = unit as TimeUnit;
  const time = parseTime(pick(raw, common, 'Time'), timeUnit);
  if (typeof time === 'string') return problem(time);
  const version = pick(raw, common, 'Version') ?? DEFAULT_RECORD_VERSION;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) {
    return problem(`Version '${String(version)}' must be a non-negative integer.`);
  }
  return { timeUnit, time, version };
}

/** The measures of a record, by name, with the bytes they are metered for (names included). */
interface MeasuredValues {
  readonly measures: Map<string, StoredMeasure>;
  readonly meteredBytes: number;
}

/** MeasureValueType MULTI: the common and the record's MeasureValues, each a typed, named measure. */
function readMultiMeasures(
  raw: Json,
  common: Json | undefined,
  dims: ReadonlyMap<string, string>,
  timeUnit: TimeUnit,
): MeasuredValues | RecordProblem {
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
    return problem(`Record has ${all.length} measures; at most ${TIMESTREAM_LIMITS.maxMeasuresPerRecord} are allowed.`);
  }
  const stored = new Map<string, StoredMeasure>();
  let meteredBytes = 0;
  for (const measure of all) {
    const { Name: name, Type: type, Value: value } = measure;
    if (typeof name !== 'string') return problem('Each measure value needs a string Name.');
    const nameProblem = columnNameProblem('Measure', name, TIMESTREAM_LIMITS.measureNameBytes);
    if (nameProblem) return problem(nameProblem);
    if (stored.has(name)) return problem(`Measure '${name}' appears more than once.`);
    if (dims.has(name)) return problem(`'${name}' is used both as a dimension and as a measure name.`);
    if (!(MEASURE_VALUE_TYPES as readonly unknown[]).includes(type)) {
      return problem(
        `Measure '${name}' has type '${String(type)}'; expected one of ${MEASURE_VALUE_TYPES.join(', ')}.`,
      );
    }
    const scalarType = type as ScalarMeasureType;
    const canonical = canonicalMeasureValue(name, scalarType, value, timeUnit);
    if (typeof canonical !== 'string') return problem(canonical.reason);
    stored.set(name, { type: scalarType, value: canonical });
    meteredBytes += utf8Bytes(name) + meteredValueBytes(scalarType, canonical);
  }
  return { measures: stored, meteredBytes };
}

/** A scalar MeasureValueType: one MeasureValue, stored under {@link SINGLE_MEASURE_KEY}. */
function readSingleMeasure(
  raw: Json,
  common: Json | undefined,
  valueType: unknown,
  measureName: string,
  timeUnit: TimeUnit,
): MeasuredValues | RecordProblem {
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
  const stored = new Map<string, StoredMeasure>([[SINGLE_MEASURE_KEY, { type: scalarType, value: canonical }]]);
  return { measures: stored, meteredBytes: meteredValueBytes(scalarType, canonical) };
}

import { ValidationError } from '../errors.ts';

/**
 * DynamoDB attribute values on the wire (`{ "S": "x" }`, `{ "N": "1.5" }`, …) and the rules the
 * expressions need: validation, equality, ordering, size.
 */
export type AttributeValue =
  | { readonly S: string }
  | { readonly N: string }
  | { readonly B: string }
  | { readonly BOOL: boolean }
  | { readonly NULL: true }
  | { readonly M: AttributeMap }
  | { readonly L: readonly AttributeValue[] }
  | { readonly SS: readonly string[] }
  | { readonly NS: readonly string[] }
  | { readonly BS: readonly string[] };
export type AttributeMap = { readonly [name: string]: AttributeValue };
export type AttributeType = 'S' | 'N' | 'B' | 'BOOL' | 'NULL' | 'M' | 'L' | 'SS' | 'NS' | 'BS';

const TYPES: ReadonlySet<string> = new Set(['S', 'N', 'B', 'BOOL', 'NULL', 'M', 'L', 'SS', 'NS', 'BS']);
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function typeOf(value: AttributeValue): AttributeType {
  return Object.keys(value)[0] as AttributeType;
}

/** Checks one value as DynamoDB does before anything runs; `where` names it in the message. */
export function assertAttributeValue(value: unknown, where: string): asserts value is AttributeValue {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(`${where}: an AttributeValue must be an object with one type key`);
  }
  const keys = Object.keys(value);
  const type = keys[0];
  if (keys.length !== 1 || type === undefined || !TYPES.has(type)) {
    throw new ValidationError(
      `Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes (${where})`,
    );
  }
  const inner = (value as Record<string, unknown>)[type];
  // `invalid(…)` rather than a local `fail` closure: this runs for every value of every request,
  // and under tsx a named closure costs a `__name` call each time it is created.
  switch (type) {
    case 'S':
    case 'B':
      if (typeof inner !== 'string') throw invalid(where, type);
      break;
    case 'N':
      if (typeof inner !== 'string' || !NUMBER.test(inner)) {
        throw new ValidationError(`The parameter cannot be converted to a numeric value: ${String(inner)}`);
      }
      break;
    case 'BOOL':
      if (typeof inner !== 'boolean') throw invalid(where, type);
      break;
    case 'NULL':
      if (inner !== true) throw invalid(where, type);
      break;
    case 'M':
      if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) throw invalid(where, type);
      for (const [name, member] of Object.entries(inner as object)) assertAttributeValue(member, `${where}.${name}`);
      break;
    case 'L':
      if (!Array.isArray(inner)) throw invalid(where, type);
      for (const [i, member] of (inner as unknown[]).entries()) assertAttributeValue(member, `${where}[${i}]`);
      break;
    default: {
      if (!Array.isArray(inner) || inner.some((s) => typeof s !== 'string')) throw invalid(where, type);
      const set = inner as string[];
      if (set.length === 0) throw new ValidationError(`${where}: an empty set is not allowed`);
      if (new Set(set).size !== set.length) throw new ValidationError(`${where}: the set contains duplicates`);
      if (type === 'NS' && set.some((n) => !NUMBER.test(n))) throw invalid(where, type);
    }
  }
}

function invalid(where: string, type: string): ValidationError {
  return new ValidationError(`${where}: invalid ${type} value`);
}

export function assertAttributeMap(value: unknown, where: string): asserts value is AttributeMap {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(`${where} must be a map of attribute values`);
  }
  for (const [name, member] of Object.entries(value)) assertAttributeValue(member, `${where}.${name}`);
}

/** Equality as `=` means it: same type and same value (sets regardless of order). */
export function equalValues(a: AttributeValue, b: AttributeValue): boolean {
  const type = typeOf(a);
  if (type !== typeOf(b)) return false;
  const x = (a as Record<string, unknown>)[type];
  const y = (b as Record<string, unknown>)[type];
  switch (type) {
    case 'N':
      return compareNumbers(x as string, y as string) === 0;
    case 'M': {
      const xm = x as AttributeMap;
      const ym = y as AttributeMap;
      const keys = Object.keys(xm);
      return keys.length === Object.keys(ym).length && keys.every((k) => ym[k] && equalValues(xm[k]!, ym[k]!));
    }
    case 'L': {
      const xl = x as AttributeValue[];
      const yl = y as AttributeValue[];
      return xl.length === yl.length && xl.every((v, i) => equalValues(v, yl[i]!));
    }
    case 'SS':
    case 'BS':
    case 'NS': {
      const xs = x as string[];
      const ys = y as string[];
      const same = (p: string, q: string) => (type === 'NS' ? compareNumbers(p, q) === 0 : p === q);
      return xs.length === ys.length && xs.every((p) => ys.some((q) => same(p, q)));
    }
    default:
      return x === y;
  }
}

/**
 * Ordering for `<`, `<=`, `>`, `>=` and BETWEEN: numbers by value, strings and binaries by their
 * bytes; `undefined` when the two cannot be ordered (other types, or types that differ), which
 * makes the comparison false, as in DynamoDB.
 */
export function compareValues(a: AttributeValue, b: AttributeValue): number | undefined {
  const type = typeOf(a);
  if (type !== typeOf(b)) return undefined;
  if (type === 'N') return compareNumbers((a as { N: string }).N, (b as { N: string }).N);
  if (type === 'S') return Buffer.compare(Buffer.from((a as { S: string }).S), Buffer.from((b as { S: string }).S));
  if (type === 'B') {
    return Buffer.compare(Buffer.from((a as { B: string }).B, 'base64'), Buffer.from((b as { B: string }).B, 'base64'));
  }
  return undefined;
}

/**
 * Numbers by value. DynamoDB keeps 38 significant digits; this compares as doubles (15–17), which
 * is exact for epoch seconds and milliseconds, the numbers the idempotency records compare.
 */
function compareNumbers(a: string, b: string): number {
  return Math.sign(Number(a) - Number(b));
}

/** `size()`: characters of a string, bytes of a binary, members of a set, list or map. */
export function sizeOf(value: AttributeValue): number | undefined {
  const type = typeOf(value);
  const inner = (value as Record<string, unknown>)[type];
  if (type === 'S') return [...(inner as string)].length;
  if (type === 'B') return Buffer.from(inner as string, 'base64').length;
  if (type === 'M') return Object.keys(inner as object).length;
  if (type === 'L' || type === 'SS' || type === 'NS' || type === 'BS') return (inner as unknown[]).length;
  return undefined;
}

/**
 * An item's size as DynamoDB counts it against the 400 KB limit, approximately: the UTF-8 bytes of
 * names and values (numbers at their text length, which over-counts slightly).
 */
export function itemSize(item: AttributeMap): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) bytes += Buffer.byteLength(name) + valueSize(value);
  return bytes;
}

function valueSize(value: AttributeValue): number {
  const type = typeOf(value);
  const inner = (value as Record<string, unknown>)[type];
  switch (type) {
    case 'S':
    case 'N':
      return Buffer.byteLength(inner as string);
    case 'B':
      return Buffer.from(inner as string, 'base64').length;
    case 'BOOL':
    case 'NULL':
      return 1;
    case 'M':
      return 3 + itemSize(inner as AttributeMap);
    case 'L':
      return 3 + (inner as AttributeValue[]).reduce((sum, v) => sum + 1 + valueSize(v), 0);
    default:
      return (inner as string[]).reduce((sum, s) => sum + Buffer.byteLength(s), 0);
  }
}

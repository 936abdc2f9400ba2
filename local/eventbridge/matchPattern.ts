import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { InvalidEventPatternError } from './errors.ts';

/**
 * EventBridge event patterns (docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html),
 * implemented after the semantics of aws/event-ruler, which EventBridge runs:
 *
 * - A pattern is a JSON object mirroring the event. A key whose value is an object descends into
 *   the event; a key whose value is an array lists the accepted values of that leaf (OR).
 *   All keys of an object must match (AND); `$or` offers alternative sub-patterns.
 * - Leaf values: exact strings, numbers, booleans and `null`, and the match types `prefix`,
 *   `suffix`, `equals-ignore-case`, `wildcard`, `anything-but`, `numeric`, `exists`, `cidr`.
 * - An event value that is an array matches when any of its elements matches. A nested pattern
 *   applied to an array of objects must match within one element (event-ruler's array consistency).
 * - Every match type except `exists: false` needs the field to be present as a leaf. `exists`
 *   works on leaves only: a field holding an object counts as absent, as in EventBridge.
 *
 * Patterns are validated when compiled, and every problem is reported at once.
 */

export type EventPattern = Readonly<Record<string, unknown>>;
/** A compiled pattern: true when the event matches. */
export type EventMatcher = (event: unknown) => boolean;

type Leaf = string | number | boolean | null;
type LeafTest = (value: Leaf) => boolean;
type ObjectTest = (value: Record<string, unknown> | undefined) => boolean;

/** Numeric matching accepts operands within ±5.0e9, as EventBridge does. */
const NUMERIC_LIMIT = 5e9;
const LOWER_OPERATORS = new Set(['>', '>=']);
const UPPER_OPERATORS = new Set(['<', '<=']);

const compiled = new WeakMap<object, EventMatcher>();

/** True when `event` matches `pattern`. Compiles (and validates) each pattern object once. */
export function matchPattern(pattern: EventPattern, event: unknown): boolean {
  let matcher = compiled.get(pattern);
  if (!matcher) {
    matcher = compileEventPattern(pattern);
    compiled.set(pattern, matcher);
  }
  return matcher(event);
}

/** Every problem of a pattern, as `path: message`; empty when the pattern is valid. */
export function validateEventPattern(pattern: unknown): string[] {
  const problems: string[] = [];
  buildPattern(pattern, problems);
  return problems;
}

/** Compiles a pattern to a matcher; throws {@link InvalidEventPatternError} listing every problem. */
export function compileEventPattern(pattern: unknown): EventMatcher {
  const problems: string[] = [];
  const test = buildPattern(pattern, problems);
  if (problems.length) throw new InvalidEventPatternError(problems);
  return (event) => test(isPlainObject(event) ? event : undefined);
}

function buildPattern(pattern: unknown, problems: string[]): ObjectTest {
  if (!isPlainObject(pattern)) {
    problems.push('(root): an event pattern must be a JSON object');
    return () => false;
  }
  if (Object.keys(pattern).length === 0) {
    problems.push('(root): an event pattern must not be empty');
    return () => false;
  }
  return buildObject(pattern, '', problems);
}

function buildObject(pattern: Record<string, unknown>, path: string, problems: string[]): ObjectTest {
  const tests: ObjectTest[] = [];
  for (const [key, spec] of Object.entries(pattern)) {
    const here = path ? `${path}.${key}` : key;
    if (key === '$or') {
      tests.push(buildOr(spec, here, problems));
    } else if (Array.isArray(spec)) {
      const leafTest = buildLeafList(spec, here, problems);
      tests.push((obj) => leafTest(obj?.[key]));
    } else if (isPlainObject(spec)) {
      if (Object.keys(spec).length === 0) problems.push(`${here}: a nested pattern must not be empty`);
      const nested = buildObject(spec, here, problems);
      tests.push((obj) => nestedCandidates(obj?.[key]).some(nested));
    } else {
      problems.push(`${here}: must be an array of values or a nested object, got ${JSON.stringify(spec)}`);
    }
  }
  return (obj) => tests.every((test) => test(obj));
}

function buildOr(spec: unknown, path: string, problems: string[]): ObjectTest {
  if (
    !Array.isArray(spec) ||
    spec.length === 0 ||
    !spec.every((alt) => isPlainObject(alt) && Object.keys(alt).length)
  ) {
    problems.push(`${path}: must be a non-empty array of non-empty pattern objects`);
    return () => false;
  }
  const alternatives = spec.map((alt, i) => buildObject(alt as Record<string, unknown>, `${path}[${i}]`, problems));
  return (obj) => alternatives.some((alt) => alt(obj));
}

/** The objects a nested pattern is tried against: the object itself, or each object element of an array. */
function nestedCandidates(value: unknown): Array<Record<string, unknown> | undefined> {
  if (isPlainObject(value)) return [value];
  if (Array.isArray(value)) {
    const objects = value.filter(isPlainObject);
    return objects.length ? objects : [undefined];
  }
  return [undefined];
}

/** The leaf values of an event field: scalars, flattened out of arrays; objects are not leaves. */
function leavesOf(value: unknown): Leaf[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap(leavesOf);
  if (typeof value === 'object' && value !== null) return [];
  return [value as Leaf];
}

function buildLeafList(spec: readonly unknown[], path: string, problems: string[]): (value: unknown) => boolean {
  if (spec.length === 0) {
    problems.push(`${path}: empty arrays are not allowed`);
    return () => false;
  }
  const tests: LeafTest[] = [];
  let matchesAbsent = false;
  let requiresPresent = false;
  spec.forEach((item, i) => {
    const here = `${path}[${i}]`;
    if (isPlainObject(item) && 'exists' in item) {
      if (Object.keys(item).length !== 1 || typeof item.exists !== 'boolean') {
        problems.push(`${here}: "exists" takes true or false and no other keys`);
      } else if (item.exists) {
        requiresPresent = true;
      } else {
        matchesAbsent = true;
      }
      return;
    }
    tests.push(buildLeafTest(item, here, problems));
  });
  return (value) => {
    const leaves = leavesOf(value);
    if (leaves.length === 0) return matchesAbsent;
    if (requiresPresent) return true;
    return leaves.some((leaf) => tests.some((test) => test(leaf)));
  };
}

function buildLeafTest(item: unknown, path: string, problems: string[]): LeafTest {
  if (item === null || typeof item === 'string' || typeof item === 'boolean') return (v) => v === item;
  if (typeof item === 'number') {
    if (!Number.isFinite(item)) problems.push(`${path}: numbers must be finite`);
    return (v) => v === item;
  }
  if (!isPlainObject(item)) {
    problems.push(`${path}: must be a string, number, boolean, null or a match object, got ${JSON.stringify(item)}`);
    return () => false;
  }
  const keys = Object.keys(item);
  if (keys.length !== 1) {
    problems.push(`${path}: a match object has exactly one key, got ${keys.length ? keys.join(', ') : 'none'}`);
    return () => false;
  }
  const [kind] = keys as [string];
  const operand = item[kind];
  switch (kind) {
    case 'prefix':
      return buildAffix(operand, path, 'prefix', problems);
    case 'suffix':
      return buildAffix(operand, path, 'suffix', problems);
    case 'equals-ignore-case': {
      const text = requireString(operand, `${path}.equals-ignore-case`, problems).toLowerCase();
      return (v) => typeof v === 'string' && v.toLowerCase() === text;
    }
    case 'wildcard': {
      const regex = wildcardRegex(requireString(operand, `${path}.wildcard`, problems), `${path}.wildcard`, problems);
      return (v) => typeof v === 'string' && regex.test(v);
    }
    case 'anything-but':
      return buildAnythingBut(operand, `${path}.anything-but`, problems);
    case 'numeric':
      return buildNumeric(operand, `${path}.numeric`, problems);
    case 'cidr':
      return buildCidr(operand, `${path}.cidr`, problems);
    default:
      problems.push(`${path}: unrecognized match type "${kind}"`);
      return () => false;
  }
}

/** `{"prefix": "x"}`, `{"prefix": {"equals-ignore-case": "x"}}`, and the same for suffix. */
function buildAffix(operand: unknown, path: string, kind: 'prefix' | 'suffix', problems: string[]): LeafTest {
  const here = `${path}.${kind}`;
  let text: string;
  let ignoreCase = false;
  if (isPlainObject(operand) && Object.keys(operand).length === 1 && 'equals-ignore-case' in operand) {
    text = requireString(operand['equals-ignore-case'], `${here}.equals-ignore-case`, problems).toLowerCase();
    ignoreCase = true;
  } else {
    text = requireString(operand, here, problems);
  }
  return (v) => {
    if (typeof v !== 'string') return false;
    const subject = ignoreCase ? v.toLowerCase() : v;
    return kind === 'prefix' ? subject.startsWith(text) : subject.endsWith(text);
  };
}

function buildAnythingBut(operand: unknown, path: string, problems: string[]): LeafTest {
  if (typeof operand === 'string' || typeof operand === 'number') return (v) => v !== operand;
  if (Array.isArray(operand)) {
    const allStrings = operand.every((x) => typeof x === 'string');
    const allNumbers = operand.every((x) => typeof x === 'number' && Number.isFinite(x));
    if (operand.length === 0 || !(allStrings || allNumbers)) {
      problems.push(`${path}: a list must be non-empty and hold only strings or only numbers`);
      return () => false;
    }
    const excluded = new Set<unknown>(operand);
    return (v) => !excluded.has(v);
  }
  if (isPlainObject(operand) && Object.keys(operand).length === 1) {
    const [kind] = Object.keys(operand) as [string];
    const inner = operand[kind];
    if (kind === 'prefix' || kind === 'suffix') {
      const text = requireString(inner, `${path}.${kind}`, problems);
      return (v) => typeof v === 'string' && !(kind === 'prefix' ? v.startsWith(text) : v.endsWith(text));
    }
    if (kind === 'equals-ignore-case' || kind === 'wildcard') {
      const texts = (Array.isArray(inner) ? inner : [inner]).map((x, i) =>
        requireString(x, `${path}.${kind}${Array.isArray(inner) ? `[${i}]` : ''}`, problems),
      );
      if (texts.length === 0) problems.push(`${path}.${kind}: must not be empty`);
      if (kind === 'equals-ignore-case') {
        const excluded = new Set(texts.map((t) => t.toLowerCase()));
        return (v) => typeof v === 'string' && !excluded.has(v.toLowerCase());
      }
      const regexes = texts.map((t) => wildcardRegex(t, `${path}.wildcard`, problems));
      return (v) => typeof v === 'string' && !regexes.some((r) => r.test(v));
    }
  }
  problems.push(
    `${path}: must be a string, a number, a list of them, or one of prefix, suffix, equals-ignore-case, wildcard`,
  );
  return () => false;
}

/** `{"numeric": [">", 0, "<=", 5]}` or `{"numeric": ["=", 3]}`. */
function buildNumeric(operand: unknown, path: string, problems: string[]): LeafTest {
  const fail = (reason: string): LeafTest => {
    problems.push(`${path}: ${reason}`);
    return () => false;
  };
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) {
    return fail('must be [operator, number] or [lower operator, number, upper operator, number]');
  }
  const comparisons: Array<[string, number]> = [];
  for (let i = 0; i < operand.length; i += 2) {
    const op = operand[i];
    const n = operand[i + 1];
    if (typeof op !== 'string' || !['<', '<=', '=', '>', '>='].includes(op)) {
      return fail(`unknown operator ${JSON.stringify(op)}`);
    }
    if (typeof n !== 'number' || !Number.isFinite(n) || Math.abs(n) > NUMERIC_LIMIT) {
      return fail(`operand of "${op}" must be a number between -5.0e9 and 5.0e9`);
    }
    comparisons.push([op, n]);
  }
  if (comparisons.length === 2) {
    const [[lowOp, low], [highOp, high]] = comparisons as [[string, number], [string, number]];
    if (!LOWER_OPERATORS.has(lowOp) || !UPPER_OPERATORS.has(highOp) || low >= high) {
      return fail('a range is a lower bound (">" or ">=") followed by a greater upper bound ("<" or "<=")');
    }
  }
  return (v) => typeof v === 'number' && comparisons.every(([op, n]) => compare(v, op, n));
}

function compare(value: number, op: string, operand: number): boolean {
  switch (op) {
    case '<':
      return value < operand;
    case '<=':
      return value <= operand;
    case '=':
      return value === operand;
    case '>':
      return value > operand;
    default:
      return value >= operand;
  }
}

function buildCidr(operand: unknown, path: string, problems: string[]): LeafTest {
  const text = requireString(operand, path, problems);
  const [address = '', bits = ''] = text.split('/');
  const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
  const prefix = /^\d{1,3}$/.test(bits) ? Number(bits) : Number.NaN;
  if (!family || !(prefix >= 0 && prefix <= (family === 'ipv4' ? 32 : 128))) {
    problems.push(`${path}: must be an IPv4 or IPv6 CIDR block such as 10.0.0.0/24`);
    return () => false;
  }
  const block = new BlockList();
  block.addSubnet(address, prefix, family);
  return (v) => {
    if (typeof v !== 'string') return false;
    if (isIPv4(v)) return family === 'ipv4' && block.check(v, 'ipv4');
    return isIPv6(v) && family === 'ipv6' && block.check(v, 'ipv6');
  };
}

/** EventBridge wildcards: `*` matches any run of characters, `\*` and `\\` are literal; `**` is refused. */
function wildcardRegex(text: string, path: string, problems: string[]): RegExp {
  let source = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\') {
      const next = text[i + 1];
      if (next !== '*' && next !== '\\') {
        problems.push(`${path}: "\\" may only escape "*" or "\\"`);
        return /$^/;
      }
      source += `\\${next}`;
      i++;
    } else if (ch === '*') {
      if (text[i + 1] === '*') {
        problems.push(`${path}: consecutive wildcard characters are not allowed`);
        return /$^/;
      }
      source += '[\\s\\S]*';
    } else {
      source += ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

function requireString(value: unknown, path: string, problems: string[]): string {
  if (typeof value === 'string') return value;
  problems.push(`${path}: must be a string, got ${JSON.stringify(value)}`);
  return '';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

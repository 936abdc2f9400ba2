import { BlockList, isIP } from 'node:net';
import { buildAnythingBut } from './anythingBut.ts';
import { buildNumeric } from './numeric.ts';
import { isPlainObject, type Leaf, never, type Problems, refuse, type ValueTest } from './valueTest.ts';
import { quotedWildcardTokens, wildcardProblem, wildcardRegex } from './wildcard.ts';

export type { Leaf, Problems, ValueTest } from './valueTest.ts';
export { isPlainObject } from './valueTest.ts';

/**
 * The values of one pattern field (`"state": [ "on", {"prefix": "x"}, … ]`), compiled as
 * event-ruler's JsonRuleCompiler compiles them. Problems use event-ruler's own messages (which
 * EventBridge returns after "Event pattern is not valid. Reason: "), prefixed with the field path.
 */

/** One field of a (sub-)rule: the values it accepts, and whether it accepts the field's absence. */
export interface FieldSpec {
  readonly path: string;
  /** The path split at its dots: the event may spell any run of them as one key. */
  readonly segments: readonly string[];
  readonly test: ValueTest;
  /** `{"exists": false}` is among the values: the field may be missing. */
  readonly matchesAbsent: boolean;
  /** Some value other than `{"exists": false}`: a present field may match. */
  readonly matchesPresent: boolean;
  /** Tokens of each wildcard pattern (plain or anything-but), for the complexity check. */
  readonly wildcards: readonly (readonly number[])[];
  /** The field's values as written, identifying equal fields across `$or` branches. */
  readonly identity: string;
}

const always: ValueTest = () => true;
/** event-ruler's test for "looks like an IP address" (CIDR.isIPv4OrIPv6). */
const IP_LIKE = /^(?:[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+|[0-9a-fA-F:]*:[0-9a-fA-F:]*)$/;

/** Compiles a field's values; `problems` receives messages prefixed with `[index]` of the value concerned. */
export function buildField(path: string, values: readonly unknown[], problems: Problems): FieldSpec {
  if (values.length === 0) problems.add('Empty arrays are not allowed');
  const exact = new Set<Leaf>();
  const tests: ValueTest[] = [];
  const wildcards: number[][] = [];
  let matchesAbsent = false;
  let matchesPresent = false;
  for (const [index, value] of values.entries()) {
    const here: Problems = { add: (message) => problems.add(`[${index}] ${message}`) };
    if (typeof value === 'string') {
      const ip = ipTest(value);
      if (ip) tests.push(ip);
      else exact.add(value);
      matchesPresent = true;
    } else if (value === null || typeof value === 'number' || typeof value === 'boolean') {
      exact.add(value);
      matchesPresent = true;
    } else if (isPlainObject(value)) {
      const built = buildMatchExpression(value, here, wildcards);
      if (built === 'absent') matchesAbsent = true;
      else {
        tests.push(built);
        matchesPresent = true;
      }
    } else {
      here.add('Match value must be String, number, true, false, or null');
    }
  }
  if (exact.size) tests.unshift(exact.size === 1 ? equalTo([...exact][0]!) : (v) => exact.has(v));
  return {
    path,
    segments: path.split('.'),
    test: tests.length === 1 ? tests[0]! : (v) => tests.some((t) => t(v)),
    matchesAbsent,
    matchesPresent,
    wildcards,
    identity: JSON.stringify(values),
  };
}

function equalTo(expected: Leaf): ValueTest {
  return (v) => v === expected;
}

/** A rule string that is an IP address matches the same address however the event writes it. */
function ipTest(text: string): ValueTest | undefined {
  if (!IP_LIKE.test(text)) return undefined;
  const family = isIP(text) === 4 ? 'ipv4' : isIP(text) === 6 ? 'ipv6' : undefined;
  if (!family) return undefined;
  const block = new BlockList();
  block.addAddress(text, family);
  return (v) => typeof v === 'string' && isIP(v) === (family === 'ipv4' ? 4 : 6) && block.check(v, family);
}

/** `{ "<match type>": operand }`; 'absent' for `{"exists": false}`. */
function buildMatchExpression(
  expression: Record<string, unknown>,
  problems: Problems,
  wildcards: number[][],
): ValueTest | 'absent' {
  const keys = Object.keys(expression);
  if (keys.length === 0) {
    problems.add('Match expression name not found');
    return never;
  }
  const [kind] = keys as [string];
  const operand = expression[kind];
  const built = buildOperand(kind, operand, problems, wildcards);
  if (keys.length > 1) {
    problems.add(
      kind === 'numeric' || kind === 'anything-but'
        ? 'Too many elements in numeric expression'
        : 'Only one key allowed in match expression',
    );
  }
  return built;
}

function buildOperand(kind: string, operand: unknown, problems: Problems, wildcards: number[][]): ValueTest | 'absent' {
  switch (kind) {
    case 'exactly':
      if (typeof operand === 'string') return equalTo(operand);
      problems.add('exact match pattern must be a string');
      return never;
    case 'prefix':
    case 'suffix':
      return buildAffix(kind, operand, problems);
    case 'equals-ignore-case': {
      if (typeof operand !== 'string') {
        problems.add('equals-ignore-case match pattern must be a string');
        return never;
      }
      const lower = operand.toLowerCase();
      return (v) => typeof v === 'string' && v.toLowerCase() === lower;
    }
    case 'wildcard':
      return buildWildcard(operand, problems, wildcards);
    case 'anything-but':
      return buildAnythingBut(operand, problems, wildcards);
    case 'numeric':
      return buildNumeric(operand, problems);
    case 'cidr':
      return buildCidr(operand, problems);
    case 'exists':
      if (operand === true) return always;
      if (operand === false) return 'absent';
      problems.add('exists match pattern must be either true or false.');
      return never;
    default:
      problems.add(`Unrecognized match type ${kind}`);
      return never;
  }
}

/** `{"prefix": "x"}` or `{"prefix": {"equals-ignore-case": "x"}}`, and the same for suffix. */
function buildAffix(kind: 'prefix' | 'suffix', operand: unknown, problems: Problems): ValueTest {
  let text: string | undefined;
  let ignoreCase = false;
  if (isPlainObject(operand)) {
    const keys = Object.keys(operand);
    const name = kind === 'prefix' ? 'Prefix' : 'Suffix';
    if (keys.length === 0) problems.add(`${name} expression name not found`);
    else if (keys[0] !== 'equals-ignore-case') problems.add(`Unsupported ${kind} pattern: ${keys[0]}`);
    else if (typeof operand['equals-ignore-case'] !== 'string') {
      problems.add('equals-ignore-case match pattern must be a string');
    } else {
      if (keys.length > 1) problems.add('Only one key allowed in match expression');
      text = (operand['equals-ignore-case'] as string).toLowerCase();
      ignoreCase = true;
    }
  } else if (typeof operand === 'string') {
    text = operand;
  } else {
    problems.add(`${kind} match pattern must be a string`);
  }
  if (text === undefined) return never;
  const affix = text;
  const has = kind === 'prefix' ? (s: string) => s.startsWith(affix) : (s: string) => s.endsWith(affix);
  return ignoreCase ? (v) => typeof v === 'string' && has(v.toLowerCase()) : (v) => typeof v === 'string' && has(v);
}

function buildWildcard(operand: unknown, problems: Problems, wildcards: number[][]): ValueTest {
  if (typeof operand !== 'string') {
    problems.add('wildcard match pattern must be a string');
    return never;
  }
  const problem = wildcardProblem(operand);
  if (problem) {
    problems.add(problem);
    return never;
  }
  wildcards.push(quotedWildcardTokens(operand));
  const regex = wildcardRegex(operand);
  return (v) => typeof v === 'string' && regex.test(v);
}

/** `{"cidr": "10.0.0.0/24"}`, validated as event-ruler's CIDR.cidr does (it refuses /32 and /128). */
function buildCidr(operand: unknown, problems: Problems): ValueTest {
  if (typeof operand !== 'string') {
    problems.add('prefix match pattern must be a string'); // sic: event-ruler's message for a non-string cidr
    return never;
  }
  const parts = operand.split('/');
  if (parts.length !== 2) return refuse(problems, "Malformed CIDR, one '/' required");
  const [address = '', bitsText = ''] = parts;
  if (!/^[+-]?\d+$/.test(bitsText)) return refuse(problems, 'Malformed CIDR, mask bits must be an integer');
  const bits = Number(bitsText);
  if (bits < 0) return refuse(problems, 'Malformed CIDR, mask bits must not be negative');
  if (!IP_LIKE.test(address)) return refuse(problems, `Nonstandard IP address: ${address}`);
  const version = isIP(address);
  if (version === 0) return refuse(problems, `Invalid IP address: ${address}`);
  if (version === 4 && bits > 31) return refuse(problems, 'IPv4 mask bits must be < 32');
  if (version === 6 && bits > 127) return refuse(problems, 'IPv6 mask bits must be < 128');
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const block = new BlockList();
  block.addSubnet(address, bits, family);
  return (v) => typeof v === 'string' && isIP(v) === version && block.check(v, family);
}

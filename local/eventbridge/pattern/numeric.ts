import { type Problems, refuse, type ValueTest } from './valueTest.ts';

/**
 * `{"numeric": [">", 0, "<=", 5]}`, `{"numeric": ["=", 3]}`: parsed token by token as event-ruler's
 * JsonRuleCompiler does, with its messages. Operands are limited to ±5.0e9, the range EventBridge's
 * content-filtering documentation gives for numeric matching (event-ruler itself accepts any double).
 */
const NUMERIC_LIMIT = 5e9;

export function buildNumeric(operand: unknown, problems: Problems): ValueTest {
  if (!Array.isArray(operand)) return refuse(problems, 'Value of numeric must be an array.');
  const [op, first, next, second, extra] = operand as unknown[];
  if (typeof op !== 'string') return refuse(problems, `Invalid member in numeric match: ${text(op, ']')}`);
  if (!['=', '<', '<=', '>', '>='].includes(op)) {
    return refuse(problems, `Unrecognized numeric range operator: ${op}`);
  }
  if (!isNumber(first)) return refuse(problems, `Value of ${op} must be numeric`);
  if (op === '=' || op === '<' || op === '<=') {
    if (operand.length > 2) return refuse(problems, 'Too many elements in numeric expression');
    return withinLimit(problems, first) ?? comparison(op, first);
  }
  if (operand.length === 2) return withinLimit(problems, first) ?? comparison(op, first);
  if (typeof next !== 'string') return refuse(problems, `Bad value in numeric range: ${text(next, ']')}`);
  if (next !== '<' && next !== '<=') return refuse(problems, `Bad numeric range operator: ${next}`);
  if (!isNumber(second)) return refuse(problems, `Value of ${next} must be numeric`);
  if (extra !== undefined || operand.length > 4) {
    return refuse(problems, 'Too many terms in numeric range expression');
  }
  if (first >= second) return refuse(problems, 'Bottom must be less than top');
  const bad = withinLimit(problems, first) ?? withinLimit(problems, second);
  if (bad) return bad;
  const low = comparison(op, first);
  const high = comparison(next, second);
  return (v) => low(v) && high(v);
}

function comparison(op: string, n: number): ValueTest {
  switch (op) {
    case '=':
      return (v) => v === n;
    case '<':
      return (v) => typeof v === 'number' && v < n;
    case '<=':
      return (v) => typeof v === 'number' && v <= n;
    case '>':
      return (v) => typeof v === 'number' && v > n;
    default:
      return (v) => typeof v === 'number' && v >= n;
  }
}

function withinLimit(problems: Problems, n: number): ValueTest | undefined {
  if (Math.abs(n) <= NUMERIC_LIMIT) return undefined;
  return refuse(problems, `Value ${n} is out of range: numeric matching is limited to -5.0e9 to 5.0e9`);
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** How a JSON token reads in event-ruler's messages (`]` when the array ended). */
function text(value: unknown, end: string): string {
  return value === undefined ? end : typeof value === 'string' ? value : JSON.stringify(value);
}

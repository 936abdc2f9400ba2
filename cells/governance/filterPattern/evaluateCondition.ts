import type { Condition, Selector } from './condition.ts';

/**
 * Runs a condition against one JSON log event the way CloudWatch Logs applies a JSON filter
 * pattern (AWS "Filter pattern syntax for metric filters", JSON log events):
 *
 * - a comparison whose selector names no property does not match — neither `=` nor `!=`; say
 *   `NOT EXISTS` to match an absent property;
 * - a string comparison matches string values only; `*` matches any run of characters, anywhere
 *   in the value (`"*UnauthorizedOperation"`, `"AccessDenied*"`, `"*"` for any string);
 * - a numeric comparison matches numbers only;
 * - `IS NULL` matches a property that is present with the value null, `NOT EXISTS` one that is absent;
 * - `IS TRUE` / `IS FALSE` match the JSON booleans only.
 */
export function evaluateCondition(condition: Condition, event: unknown): boolean {
  switch (condition.kind) {
    case 'and':
      return condition.conditions.every((c) => evaluateCondition(c, event));
    case 'or':
      return condition.conditions.some((c) => evaluateCondition(c, event));
    case 'notExists':
      return select(event, condition.selector) === ABSENT;
    case 'isNull':
      return select(event, condition.selector) === null;
    case 'boolean':
      return select(event, condition.selector) === condition.value;
    case 'string': {
      const value = select(event, condition.selector);
      if (typeof value !== 'string') return false;
      const equal = wildcardRegExp(condition.value).test(value);
      return condition.operator === '=' ? equal : !equal;
    }
    case 'number': {
      const value = select(event, condition.selector);
      if (typeof value !== 'number') return false;
      return compareNumbers(value, condition.operator, condition.value);
    }
  }
}

/** What `select` returns for a property that is not there (distinct from JSON null). */
export const ABSENT: unique symbol = Symbol('absent');

/** The value `$.a.b[0]` names in `event`, or ABSENT. */
export function select(event: unknown, selector: Selector): unknown {
  let current: unknown = event;
  for (const step of selectorSteps(selector)) {
    if (current === null || typeof current !== 'object') return ABSENT;
    if (typeof step === 'number') {
      if (!Array.isArray(current) || step >= current.length) return ABSENT;
      current = current[step];
    } else {
      if (Array.isArray(current) || !Object.hasOwn(current, step)) return ABSENT;
      current = (current as Record<string, unknown>)[step];
    }
  }
  return current;
}

/** `$.a.b[0]` → `['a', 'b', 0]`. */
export function selectorSteps(selector: Selector): (string | number)[] {
  const steps: (string | number)[] = [];
  for (const match of selector.slice(1).matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)) {
    steps.push(match[1] !== undefined ? match[1] : Number(match[2]));
  }
  return steps;
}

function compareNumbers(value: number, operator: string, expected: number): boolean {
  switch (operator) {
    case '=':
      return value === expected;
    case '!=':
      return value !== expected;
    case '<':
      return value < expected;
    case '>':
      return value > expected;
    case '<=':
      return value <= expected;
    default:
      return value >= expected;
  }
}

const cache = new Map<string, RegExp>();

/** `a*b` → `/^a.*b$/s`; every other character stands for itself. */
export function wildcardRegExp(pattern: string): RegExp {
  let regexp = cache.get(pattern);
  if (!regexp) {
    const body = pattern
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
      .join('.*');
    regexp = new RegExp(`^${body}$`, 's');
    cache.set(pattern, regexp);
  }
  return regexp;
}

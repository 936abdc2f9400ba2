import { isPlainObject, type Leaf, type Problems, refuse, type ValueTest } from './valueTest.ts';
import { quotedWildcardTokens, wildcardProblem, wildcardRegex } from './wildcard.ts';

/**
 * `anything-but`, as event-ruler's machine evaluates it: it matches every leaf value the excluded
 * set does not catch — including values of another type. So `{"anything-but": {"prefix": "x"}}`
 * matches `null`, `5` and `true` (none of them is a string starting with "x"), and
 * `{"anything-but": [1, 2]}` matches the string "1".
 */
export function buildAnythingBut(operand: unknown, problems: Problems, wildcards: number[][]): ValueTest {
  if (isPlainObject(operand)) return buildValuesSet(operand, problems, wildcards);
  if (typeof operand === 'string') return (v) => v !== operand;
  if (typeof operand === 'number') return (v) => v !== operand;
  if (!Array.isArray(operand)) {
    return refuse(problems, 'Value of anything-but must be an array or single string/number value.');
  }
  if (operand.some((x) => typeof x !== 'string' && typeof x !== 'number')) {
    return refuse(problems, 'Inside anything but list, start|null|boolean is not supported.');
  }
  const strings = operand.filter((x) => typeof x === 'string').length;
  if (strings === 0 && operand.length === 0) return mixed(problems);
  if (strings !== 0 && strings !== operand.length) return mixed(problems);
  const excluded = new Set<Leaf>(operand as Leaf[]);
  return (v) => !excluded.has(v);
}

function mixed(problems: Problems): ValueTest {
  return refuse(
    problems,
    'Inside anything but list, either all values are number or string, mixed type is not supported',
  );
}

/** `{"anything-but": {"prefix" | "suffix" | "equals-ignore-case" | "wildcard": value or list}}`. */
function buildValuesSet(operand: Record<string, unknown>, problems: Problems, wildcards: number[][]): ValueTest {
  const keys = Object.keys(operand);
  if (keys.length === 0) return refuse(problems, 'Anything-but expression name not found');
  const [kind] = keys as [string];
  if (!['prefix', 'suffix', 'equals-ignore-case', 'wildcard'].includes(kind)) {
    return refuse(problems, `Unsupported anything-but pattern: ${kind}`);
  }
  if (keys.length > 1) problems.add('Too many elements in numeric expression');
  const inner = operand[kind];
  if (!Array.isArray(inner) && typeof inner !== 'string' && typeof inner !== 'number') {
    return refuse(problems, 'Value of anything-but must be an array or single string/number value.');
  }
  const texts: string[] = [];
  for (const item of Array.isArray(inner) ? inner : [inner]) {
    if (typeof item !== 'string') return refuse(problems, notAStringMessage(kind));
    if ((kind === 'prefix' || kind === 'suffix') && item === '') {
      return refuse(problems, 'Null prefix/suffix not allowed');
    }
    texts.push(item);
  }
  return excludedBy(kind, texts, problems, wildcards);
}

function notAStringMessage(kind: string): string {
  if (kind === 'equals-ignore-case') {
    return 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.';
  }
  return kind === 'wildcard'
    ? 'wildcard match pattern must be a string'
    : 'prefix/suffix match pattern must be a string';
}

/** The test for a values set; a value of another type than string is never excluded. */
function excludedBy(kind: string, texts: string[], problems: Problems, wildcards: number[][]): ValueTest {
  switch (kind) {
    case 'prefix':
      return (v) => typeof v !== 'string' || !texts.some((t) => v.startsWith(t));
    case 'suffix':
      return (v) => typeof v !== 'string' || !texts.some((t) => v.endsWith(t));
    case 'equals-ignore-case': {
      const lower = new Set(texts.map((t) => t.toLowerCase()));
      return (v) => typeof v !== 'string' || !lower.has(v.toLowerCase());
    }
    default: {
      for (const text of texts) {
        const problem = wildcardProblem(text);
        if (problem) return refuse(problems, problem);
      }
      for (const text of new Set(texts)) wildcards.push(quotedWildcardTokens(text));
      const regexes = texts.map(wildcardRegex);
      return (v) => typeof v !== 'string' || !regexes.some((r) => r.test(v));
    }
  }
}

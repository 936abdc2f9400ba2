import { buildField, type FieldSpec, isPlainObject, type Problems } from './matchExpressions.ts';
import { MAX_WILDCARD_COMPLEXITY, wildcardComplexity } from './wildcard.ts';

/**
 * Compiles an event pattern into the sub-rules event-ruler's JsonRuleCompiler produces: nested
 * objects are flattened to dotted paths ("detail.state.status"), and every `$or` forks the sub-rules
 * compiled so far, once per alternative. A later field with the same path replaces an earlier one in
 * every sub-rule it reaches — including a field written after a `$or` that one of its alternatives
 * also set, exactly as event-ruler's compiler (with its default rule overriding) does.
 */

/** A sub-rule: its fields sorted by path, the order event-ruler's machine steps through them. */
export type SubRule = readonly FieldSpec[];

type Draft = Map<string, FieldSpec>;

/** Field names that may not appear inside `$or` (event-ruler's RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP). */
const RESERVED_IN_OR = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

export function compileSubRules(pattern: unknown, problems: Problems): SubRule[] {
  if (!isPlainObject(pattern)) {
    problems.add('Filter is not an object');
    return [];
  }
  const drafts: Draft[] = [];
  compileObject(drafts, '', pattern, false, problems);
  const subRules = drafts.map((draft) => [...draft.values()].sort((a, b) => compare(a.path, b.path)));
  if (complexityOf(subRules) > MAX_WILDCARD_COMPLEXITY) problems.add('Rule is too complex');
  return subRules;
}

function compileObject(
  drafts: Draft[],
  path: string,
  object: Record<string, unknown>,
  insideOr: boolean,
  problems: Problems,
): void {
  const keys = Object.keys(object);
  if (keys.length === 0) problems.add(at(path, 'Empty objects are not allowed'));
  for (const key of keys) {
    const spec = object[key];
    if (key === '$or') {
      compileOr(drafts, path, spec, problems);
      continue;
    }
    const here = path ? `${path}.${key}` : key;
    if (insideOr && RESERVED_IN_OR.has(key)) {
      problems.add(at(here, `${key} is Ruler reserved fieldName which cannot be used inside $or.`));
    }
    if (isPlainObject(spec)) {
      compileObject(drafts, here, spec, insideOr, problems);
    } else if (Array.isArray(spec)) {
      const field = buildField(here, spec, prefixed(here, problems));
      if (drafts.length === 0) drafts.push(new Map());
      for (const draft of drafts) draft.set(here, field);
    } else {
      problems.add(at(here, `"${key}" must be an object or an array`));
    }
  }
}

/** `"$or": [ {…}, {…} ]`: each alternative continues every sub-rule compiled so far. */
function compileOr(drafts: Draft[], path: string, spec: unknown, problems: Problems): void {
  const here = path ? `${path}.$or` : '$or';
  if (!Array.isArray(spec)) {
    problems.add(at(here, 'It must be an Array followed with $or.'));
    return;
  }
  const before = drafts.splice(0, drafts.length);
  for (const alternative of spec) {
    if (!isPlainObject(alternative)) {
      problems.add(at(here, 'Only JSON object is allowed in array of $or relationship.'));
      continue;
    }
    const forked = before.map((draft) => new Map(draft));
    if (forked.length === 0) forked.push(new Map());
    compileObject(forked, path, alternative, true, problems);
    drafts.push(...forked);
  }
  if (spec.length < 2) problems.add(at(here, 'There must have at least 2 Objects in $or relationship.'));
}

/**
 * The rule's wildcard complexity: event-ruler's machine has one value matcher per field per
 * name state, and sub-rules share a name state while their earlier fields are the same. So the
 * wildcards of a field are grouped with those of other sub-rules that reach it the same way.
 */
function complexityOf(subRules: readonly SubRule[]): number {
  const groups = new Map<string, Map<string, readonly number[]>>();
  for (const subRule of subRules) {
    let route = '';
    for (const field of subRule) {
      if (field.wildcards.length) {
        const key = `${route}\u0000${field.path}`;
        const group = groups.get(key) ?? new Map<string, readonly number[]>();
        for (const tokens of field.wildcards) group.set(tokens.join(','), tokens);
        groups.set(key, group);
      }
      route += `\u0000${field.path}\u0001${field.identity}`;
    }
  }
  let max = 0;
  for (const group of groups.values()) max = Math.max(max, wildcardComplexity([...group.values()]));
  return max;
}

/** Code-unit order, as Java's String.compareTo sorts event-ruler's keys. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function at(path: string, message: string): string {
  return path ? `${path}: ${message}` : message;
}

/** Field problems read `path: message` or `path[index]: message`. */
function prefixed(path: string, problems: Problems): Problems {
  return {
    add: (message) => {
      const indexed = /^(\[\d+\]) (.*)$/s.exec(message);
      problems.add(indexed ? `${path}${indexed[1]}: ${indexed[2]}` : at(path, message));
    },
  };
}

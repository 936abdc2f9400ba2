import type { SubRule } from './compileRule.ts';
import type { FieldSpec, Leaf } from './matchExpressions.ts';

/**
 * Matching an event against compiled sub-rules, with event-ruler's array-consistent semantics
 * (its ACFinder, used by `rulesForJSONEvent`, which EventBridge runs):
 *
 * - The event is seen as flattened fields: a leaf value and its dotted path. Path segments are
 *   joined with "." whether the event nests them or writes a key with a dot, so a rule field
 *   "state.status" finds `{"state": {"status": …}}` and `{"state.status": …}` alike.
 * - A leaf inside an array of objects (or of arrays) remembers which element it came from. The
 *   fields one match uses must not come from different elements of the same array.
 * - Fields are tried in path order. `{"exists": false}` holds when no field of that path is
 *   consistent with the elements chosen by the fields before it, as in event-ruler — so the same
 *   array can satisfy `exists: false` after one sibling and not after another.
 */

/** The array elements a leaf lies in: a chain of (array, index), innermost first. */
interface Membership {
  readonly array: readonly unknown[];
  readonly index: number;
  readonly outer: Membership | undefined;
}

interface EventField {
  readonly value: Leaf;
  readonly membership: Membership | undefined;
}

/** Memberships chosen so far in one match attempt. */
type Chosen = readonly Membership[];

const NONE: Chosen = [];
const hasOwn = Object.prototype.hasOwnProperty;

type FieldsOf = (spec: FieldSpec, k: number) => EventField[];

/** True when some sub-rule matches the event (a JSON object). Each path is looked up once per event. */
export function matchSubRules(subRules: readonly SubRule[], event: Record<string, unknown>): boolean {
  if (subRules.length === 1) {
    const found: (EventField[] | undefined)[] = [];
    return matchFrom(subRules[0]!, 0, NONE, (spec, k) => (found[k] ??= fieldsAt(event, spec)));
  }
  const found = new Map<string, EventField[]>();
  const fieldsOf: FieldsOf = (spec) => {
    let fields = found.get(spec.path);
    if (!fields) {
      fields = fieldsAt(event, spec);
      found.set(spec.path, fields);
    }
    return fields;
  };
  return subRules.some((subRule) => matchFrom(subRule, 0, NONE, fieldsOf));
}

function matchFrom(subRule: SubRule, k: number, chosen: Chosen, fieldsOf: FieldsOf): boolean {
  if (k === subRule.length) return true;
  const spec = subRule[k]!;
  let absent = true;
  for (const candidate of fieldsOf(spec, k)) {
    const next = consistent(chosen, candidate.membership);
    if (next === undefined) continue;
    absent = false;
    if (spec.matchesPresent && spec.test(candidate.value) && matchFrom(subRule, k + 1, next, fieldsOf)) return true;
  }
  return absent && spec.matchesAbsent && matchFrom(subRule, k + 1, chosen, fieldsOf);
}

/**
 * `chosen` extended with the arrays of `membership`, or undefined when the leaf lies in another
 * element of an array an earlier field already took an element from.
 */
function consistent(chosen: Chosen, membership: Membership | undefined): Chosen | undefined {
  let extended: Membership[] | undefined;
  for (let m = membership; m; m = m.outer) {
    const earlier = chosen.find((c) => c.array === m.array);
    if (earlier) {
      if (earlier.index !== m.index) return undefined;
    } else {
      extended ??= [...chosen];
      extended.push(m);
    }
  }
  return extended ?? chosen;
}

/** Every leaf of the event whose dotted path is the field's path. */
function fieldsAt(event: Record<string, unknown>, spec: FieldSpec): EventField[] {
  const found: EventField[] = [];
  const { segments } = spec;
  if (segments.length === 1) {
    // The common case (a top-level key): one own-property lookup.
    const key = segments[0]!;
    if (hasOwn.call(event, key)) collectLeaves(event[key], undefined, found);
    return found;
  }
  visitObject(event, segments, 0, undefined, found);
  return found;
}

/** Tries every way the remaining segments can be spelled as keys: "a.b.c", "a.b" then "c", … */
function visitObject(
  object: Record<string, unknown>,
  segments: readonly string[],
  from: number,
  membership: Membership | undefined,
  found: EventField[],
): void {
  let key = '';
  for (let to = from; to < segments.length; to++) {
    key = to === from ? segments[to]! : `${key}.${segments[to]}`;
    if (!hasOwn.call(object, key)) continue;
    const child = object[key];
    if (to === segments.length - 1) collectLeaves(child, membership, found);
    else descend(child, segments, to + 1, membership, found);
  }
}

function descend(
  value: unknown,
  segments: readonly string[],
  from: number,
  membership: Membership | undefined,
  found: EventField[],
): void {
  if (Array.isArray(value)) {
    value.forEach((element, index) => {
      if (typeof element === 'object' && element !== null) {
        descend(element, segments, from, { array: value, index, outer: membership }, found);
      }
    });
  } else if (typeof value === 'object' && value !== null) {
    visitObject(value as Record<string, unknown>, segments, from, membership, found);
  }
}

/** Leaves at the end of the path: a scalar, or the scalars of an array (at any depth). */
function collectLeaves(value: unknown, membership: Membership | undefined, found: EventField[]): void {
  if (Array.isArray(value)) {
    value.forEach((element, index) => {
      if (Array.isArray(element)) collectLeaves(element, { array: value, index, outer: membership }, found);
      else if (element === null || typeof element !== 'object') collectLeaves(element, membership, found);
    });
  } else if (value === null || typeof value !== 'object') {
    if (value !== undefined) found.push({ value: value as Leaf, membership });
  }
}

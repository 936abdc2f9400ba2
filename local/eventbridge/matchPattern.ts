import { InvalidEventPatternError } from './errors.ts';
import { compileSubRules } from './pattern/compileRule.ts';
import { matchSubRules } from './pattern/matchEvent.ts';

/**
 * EventBridge event patterns (docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html),
 * with the semantics of aws/event-ruler, the matcher EventBridge runs. The work is split by step:
 *
 * - pattern/compileRule.ts — validation and compilation into event-ruler's sub-rules (dotted
 *   paths; `$or` forks; a later field with the same path overrides), and the wildcard complexity limit;
 * - pattern/matchExpressions.ts, anythingBut.ts, numeric.ts, wildcard.ts — the value tests of each
 *   match type, with event-ruler's messages;
 * - pattern/matchEvent.ts — matching an event with event-ruler's array consistency.
 *
 * The differential test (test/unit/local/eventbridge/eventRulerCases.test.ts) runs event-ruler's
 * own cases through this matcher.
 */

export type EventPattern = Readonly<Record<string, unknown>>;
/** A compiled pattern: true when the event matches. */
export type EventMatcher = (event: unknown) => boolean;

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

/** Every problem of a pattern, as `path: message` (event-ruler's message); empty when the pattern is valid. */
export function validateEventPattern(pattern: unknown): string[] {
  const problems: string[] = [];
  compileSubRules(pattern, { add: (message) => problems.push(message) });
  return problems;
}

/** Compiles a pattern to a matcher; throws {@link InvalidEventPatternError} listing every problem. */
export function compileEventPattern(pattern: unknown): EventMatcher {
  const problems: string[] = [];
  const subRules = compileSubRules(pattern, { add: (message) => problems.push(message) });
  if (problems.length) throw new InvalidEventPatternError(problems);
  return (event) => isPlainObject(event) && matchSubRules(subRules, event);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

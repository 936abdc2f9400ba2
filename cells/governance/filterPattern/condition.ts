/**
 * A condition on one JSON log event (a CloudTrail record), the one model behind both forms a
 * detection takes on AWS: a CloudWatch Logs metric filter pattern (`renderFilterPattern`) and the
 * `filter` of a saved Logs Insights query (`renderInsightsFilter`). `evaluateCondition` runs it here
 * against recorded records, and `parseFilterPattern` reads the rendered pattern back, so a test runs
 * the very string CloudWatch Logs gets.
 *
 * Example: `all(eq('$.eventSource', 'sqs.amazonaws.com'), eq('$.eventName', 'PurgeQueue'))`
 * renders `{ ($.eventSource = "sqs.amazonaws.com") && ($.eventName = "PurgeQueue") }`.
 */

/** `$.a.b[0].c`: a property path into the event. */
export type Selector = string;

export type StringOperator = '=' | '!=';
export type NumberOperator = '=' | '!=' | '<' | '>' | '<=' | '>=';

export type Condition =
  /** A string comparison; `*` in `value` matches any run of characters. */
  | { readonly kind: 'string'; readonly selector: Selector; readonly operator: StringOperator; readonly value: string }
  | { readonly kind: 'number'; readonly selector: Selector; readonly operator: NumberOperator; readonly value: number }
  /** The property is absent (`NOT EXISTS`). */
  | { readonly kind: 'notExists'; readonly selector: Selector }
  /** The property is present with the JSON value null (`IS NULL`). */
  | { readonly kind: 'isNull'; readonly selector: Selector }
  | { readonly kind: 'boolean'; readonly selector: Selector; readonly value: boolean }
  | { readonly kind: 'and' | 'or'; readonly conditions: readonly Condition[] };

const SELECTOR = /^\$(\.[A-Za-z_@][A-Za-z0-9_@-]*|\[\d+\])+$/;

function checkSelector(selector: string): Selector {
  if (!SELECTOR.test(selector)) throw new Error(`not a filter-pattern selector: ${selector}`);
  return selector;
}

export const eq = (selector: Selector, value: string): Condition => ({
  kind: 'string',
  selector: checkSelector(selector),
  operator: '=',
  value,
});
export const ne = (selector: Selector, value: string): Condition => ({
  kind: 'string',
  selector: checkSelector(selector),
  operator: '!=',
  value,
});
/** The property holds a string (any): `= "*"`, the filter-pattern way to say "exists". */
export const present = (selector: Selector): Condition => eq(selector, '*');
export const notExists = (selector: Selector): Condition => ({ kind: 'notExists', selector: checkSelector(selector) });
export const isNull = (selector: Selector): Condition => ({ kind: 'isNull', selector: checkSelector(selector) });
export const num = (selector: Selector, operator: NumberOperator, value: number): Condition => ({
  kind: 'number',
  selector: checkSelector(selector),
  operator,
  value,
});
export const all = (...conditions: Condition[]): Condition => ({ kind: 'and', conditions });
export const any = (...conditions: Condition[]): Condition => ({ kind: 'or', conditions });
/** One of several string values. */
export const oneOf = (selector: Selector, values: readonly string[]): Condition =>
  values.length === 1 ? eq(selector, values[0]!) : any(...values.map((v) => eq(selector, v)));

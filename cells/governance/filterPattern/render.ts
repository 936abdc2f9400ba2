import type { Condition, Selector } from './condition.ts';
import { selectorSteps } from './evaluateCondition.ts';

/** CloudWatch Logs refuses a metric filter pattern longer than this. */
export const MAX_FILTER_PATTERN_LENGTH = 1024;

/** The metric filter pattern of a condition: `{ ($.a = "x") && (($.b = "y") || ($.b = "z")) }`. */
export function renderFilterPattern(condition: Condition): string {
  const pattern = `{ ${renderPatternExpression(condition)} }`;
  if (pattern.length > MAX_FILTER_PATTERN_LENGTH)
    throw new Error(
      `filter pattern of ${pattern.length} characters; CloudWatch Logs allows ${MAX_FILTER_PATTERN_LENGTH}`,
    );
  return pattern;
}

function renderPatternExpression(condition: Condition): string {
  switch (condition.kind) {
    case 'and':
    case 'or':
      return condition.conditions
        .map((c) => `(${renderPatternExpression(c)})`)
        .join(condition.kind === 'and' ? ' && ' : ' || ');
    case 'string':
      return `${condition.selector} ${condition.operator} ${JSON.stringify(condition.value)}`;
    case 'number':
      return `${condition.selector} ${condition.operator} ${condition.value}`;
    case 'notExists':
      return `${condition.selector} NOT EXISTS`;
    case 'isNull':
      return `${condition.selector} IS NULL`;
    case 'boolean':
      return `${condition.selector} IS ${condition.value ? 'TRUE' : 'FALSE'}`;
  }
}

/**
 * The `filter` clause of a Logs Insights query with the same meaning. Insights flattens JSON
 * events into fields (`userIdentity.arn`, `resources.0.ARN`); a comparison on an absent field is
 * made explicit with `ispresent()`, so `!=` keeps the filter pattern's meaning (no match when
 * absent). Wildcards become anchored regular expressions.
 */
export function renderInsightsFilter(condition: Condition): string {
  switch (condition.kind) {
    case 'and':
    case 'or':
      return `(${condition.conditions.map(renderInsightsFilter).join(condition.kind === 'and' ? ' and ' : ' or ')})`;
    case 'string': {
      const field = insightsField(condition.selector);
      if (condition.value.includes('*')) {
        const like = `${field} like ${insightsRegExp(condition.value)}`;
        return condition.operator === '=' ? like : `(ispresent(${field}) and not ${like})`;
      }
      const literal = JSON.stringify(condition.value);
      return condition.operator === '=' ? `${field} = ${literal}` : `(ispresent(${field}) and ${field} != ${literal})`;
    }
    case 'number': {
      const field = insightsField(condition.selector);
      return `(ispresent(${field}) and ${field} ${condition.operator} ${condition.value})`;
    }
    case 'notExists':
      return `not ispresent(${insightsField(condition.selector)})`;
    case 'isNull':
    case 'boolean':
      // Insights does not tell a JSON null or boolean from other values the way a filter pattern does.
      throw new Error(`${condition.kind} conditions have no Logs Insights form; use them in filter patterns only`);
  }
}

/** `$.resources[0].ARN` → `resources.0.ARN`. */
export function insightsField(selector: Selector): string {
  return selectorSteps(selector).join('.');
}

function insightsRegExp(wildcard: string): string {
  const body = wildcard
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    .join('.*');
  return `/^${body}$/`;
}

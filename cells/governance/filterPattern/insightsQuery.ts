import type { Condition } from './condition.ts';
import { evaluateCondition, select } from './evaluateCondition.ts';
import { renderInsightsFilter } from './render.ts';

/**
 * A saved Logs Insights query kept as a structured definition — fields, one filter condition,
 * optionally `stats count(*) by …` — rendered to Insights syntax for `AWS::Logs::QueryDefinition`
 * and executed here by the same evaluator the filter patterns use (`runInsightsQuery`). Only this
 * subset of Insights is modelled; nothing else is rendered.
 */
export interface InsightsQuery {
  /** Fields shown, e.g. `@timestamp`, `userIdentity.arn` (Insights' flattened names). */
  readonly fields: readonly string[];
  readonly filter: Condition;
  /** `stats count(*) as events by <fields>` instead of the event list. */
  readonly countBy?: readonly string[];
  /** @default 200 */
  readonly limit?: number;
}

export function renderInsightsQuery(query: InsightsQuery): string {
  const lines = [`fields ${query.fields.join(', ')}`, `filter ${renderInsightsFilter(query.filter)}`];
  if (query.countBy) lines.push(`stats count(*) as events by ${query.countBy.join(', ')}`, 'sort events desc');
  else lines.push('sort @timestamp desc');
  lines.push(`limit ${query.limit ?? 200}`);
  return lines.join('\n| ');
}

export type QueryRow = Readonly<Record<string, unknown>>;

/** The rows Insights would return for `events` (CloudTrail records, `@timestamp` = eventTime). */
export function runInsightsQuery(query: InsightsQuery, events: readonly unknown[]): QueryRow[] {
  const matching = events.filter((event) => evaluateCondition(query.filter, event));
  const limit = query.limit ?? 200;
  if (!query.countBy) {
    return matching
      .map((event) => Object.fromEntries(query.fields.map((field) => [field, fieldValue(event, field)])))
      .sort((a, b) => String(b['@timestamp']).localeCompare(String(a['@timestamp'])))
      .slice(0, limit);
  }
  const groups = new Map<string, Record<string, unknown>>();
  for (const event of matching) {
    const keyValues = query.countBy.map((field) => fieldValue(event, field));
    const key = JSON.stringify(keyValues);
    const group = groups.get(key) ?? {
      ...Object.fromEntries(query.countBy.map((f, i) => [f, keyValues[i]])),
      events: 0,
    };
    group.events = (group.events as number) + 1;
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => (b.events as number) - (a.events as number)).slice(0, limit);
}

function fieldValue(event: unknown, field: string): unknown {
  if (field === '@timestamp') return (event as { eventTime?: unknown }).eventTime;
  const selector = `$${field
    .split('.')
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('')}`;
  const value = select(event, selector);
  return typeof value === 'symbol' ? undefined : value;
}

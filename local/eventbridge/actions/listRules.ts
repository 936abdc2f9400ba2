import type { EventBridgeStore } from '../EventBridgeStore.ts';
import { type RuleDescription, ruleDescription } from './describeRule.ts';
import { type ActionInput, byNamePrefix, optionalString, paginate } from './input.ts';
import { findBus } from './lookup.ts';

export function listRules(
  input: ActionInput,
  store: EventBridgeStore,
): { Rules: RuleDescription[]; NextToken?: string } {
  const bus = findBus(store, optionalString(input, 'EventBusName'));
  const { page, nextToken } = paginate(byNamePrefix(bus.rules, optionalString(input, 'NamePrefix')), input);
  return { Rules: page.map(ruleDescription), ...(nextToken ? { NextToken: nextToken } : {}) };
}

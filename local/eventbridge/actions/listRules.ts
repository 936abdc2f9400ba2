import type { EventBridgeStore } from '../EventBridgeStore.ts';
import { type RuleDescription, ruleDescription } from './describeRule.ts';
import { type ActionInput, byNamePrefix, listPage, optionalString } from './input.ts';
import { findBus } from './lookup.ts';

export function listRules(
  input: ActionInput,
  store: EventBridgeStore,
): { Rules: RuleDescription[]; NextToken?: string } {
  const bus = findBus(store, optionalString(input, 'EventBusName'));
  return listPage('Rules', byNamePrefix(bus.rules, optionalString(input, 'NamePrefix')), input, ruleDescription);
}

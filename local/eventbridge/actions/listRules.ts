import type { EventBridgeStore } from '../EventBridgeStore.ts';
import { type RuleDescription, ruleDescription } from './describeRule.ts';
import { type ActionInput, byNamePrefix, type ListOutput, listPage, read } from './input.ts';
import { findBus } from './lookup.ts';

export function listRules(input: ActionInput, store: EventBridgeStore): ListOutput<'Rules', RuleDescription> {
  const bus = findBus(store, read.optionalString(input, 'EventBusName'));
  return listPage('Rules', byNamePrefix(bus.rules, read.optionalString(input, 'NamePrefix')), input, ruleDescription);
}

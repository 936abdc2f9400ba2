import type { EventBridgeStore } from '../EventBridgeStore.ts';
import { EVENTBRIDGE_LIMITS } from '../limits.ts';
import type { ResolvedRule } from '../resolveTopology.ts';
import { type ActionInput, read } from './input.ts';
import { findRule } from './lookup.ts';

export interface RuleDescription {
  Name: string;
  Arn: string;
  EventPattern: string;
  State: 'ENABLED';
  Description?: string;
  EventBusName: string;
}

/** DescribeRule. Rules come from configuration, so they are always ENABLED. */
export function describeRule(input: ActionInput, store: EventBridgeStore): RuleDescription & { CreatedBy: string } {
  const name = read.requiredString(input, 'Name', { pattern: EVENTBRIDGE_LIMITS.ruleName });
  const rule = findRule(store, read.optionalString(input, 'EventBusName'), name);
  return { ...ruleDescription(rule), CreatedBy: store.topology.account };
}

export function ruleDescription(rule: ResolvedRule): RuleDescription {
  return {
    Name: rule.name,
    Arn: rule.arn,
    EventPattern: rule.eventPatternJson,
    State: 'ENABLED',
    ...(rule.description ? { Description: rule.description } : {}),
    EventBusName: rule.bus,
  };
}

import type { EventBridgeStore } from '../EventBridgeStore.ts';
import type { ResolvedBus } from '../resolveTopology.ts';
import { type ActionInput, read, toEpochSeconds } from './input.ts';
import { findBus } from './lookup.ts';

export interface EventBusDescription {
  Name: string;
  Arn: string;
  CreationTime: number;
  LastModifiedTime: number;
}

/** DescribeEventBus: `Name` (name or ARN) defaults to the `default` bus, like AWS. */
export function describeEventBus(input: ActionInput, store: EventBridgeStore): EventBusDescription {
  return busDescription(findBus(store, read.optionalString(input, 'Name')), store);
}

export function busDescription(bus: ResolvedBus, store: EventBridgeStore): EventBusDescription {
  // Buses come from configuration at start; "modified" is when this data directory first saw them.
  const created = toEpochSeconds(store.createdMs('bus', bus.name));
  return { Name: bus.name, Arn: bus.arn, CreationTime: created, LastModifiedTime: created };
}

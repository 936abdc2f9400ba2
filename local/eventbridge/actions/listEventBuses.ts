import type { EventBridgeStore } from '../EventBridgeStore.ts';
import { busDescription, type EventBusDescription } from './describeEventBus.ts';
import { type ActionInput, byNamePrefix, optionalString, paginate } from './input.ts';

export function listEventBuses(
  input: ActionInput,
  store: EventBridgeStore,
): { EventBuses: EventBusDescription[]; NextToken?: string } {
  const buses = byNamePrefix(store.topology.buses.values(), optionalString(input, 'NamePrefix'));
  const { page, nextToken } = paginate(buses, input);
  return { EventBuses: page.map((bus) => busDescription(bus, store)), ...(nextToken ? { NextToken: nextToken } : {}) };
}

import type { EventBridgeStore } from '../EventBridgeStore.ts';
import { busDescription, type EventBusDescription } from './describeEventBus.ts';
import { type ActionInput, byNamePrefix, type ListOutput, listPage, read } from './input.ts';

export function listEventBuses(
  input: ActionInput,
  store: EventBridgeStore,
): ListOutput<'EventBuses', EventBusDescription> {
  const buses = byNamePrefix(store.topology.buses.values(), read.optionalString(input, 'NamePrefix'));
  return listPage('EventBuses', buses, input, (bus) => busDescription(bus, store));
}

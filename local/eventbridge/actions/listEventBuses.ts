import type { EventBridgeStore } from '../EventBridgeStore.ts';
import { busDescription, type EventBusDescription } from './describeEventBus.ts';
import { type ActionInput, byNamePrefix, type ListOutput, listPage, optionalString } from './input.ts';

export function listEventBuses(
  input: ActionInput,
  store: EventBridgeStore,
): ListOutput<'EventBuses', EventBusDescription> {
  const buses = byNamePrefix(store.topology.buses.values(), optionalString(input, 'NamePrefix'));
  return listPage('EventBuses', buses, input, (bus) => busDescription(bus, store));
}

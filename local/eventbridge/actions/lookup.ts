import { nameFromNameOrArn } from '../arns.ts';
import type { EventBridgeStore } from '../EventBridgeStore.ts';
import { ResourceNotFoundError } from '../errors.ts';
import type { ResolvedArchive, ResolvedBus, ResolvedRule } from '../resolveTopology.ts';

/** Looks up configured resources by name or ARN, failing with the messages EventBridge uses. */

/** `EventBusName` may be a name or an ARN; absent means the account's `default` bus. */
export function findBus(store: EventBridgeStore, nameOrArn: string | undefined): ResolvedBus {
  const name = nameFromNameOrArn(nameOrArn ?? 'default', 'event-bus') ?? nameOrArn ?? 'default';
  const bus = store.topology.buses.get(name);
  if (!bus) throw new ResourceNotFoundError(`Event bus ${name} does not exist.`);
  return bus;
}

export function findRule(store: EventBridgeStore, busNameOrArn: string | undefined, ruleName: string): ResolvedRule {
  const bus = findBus(store, busNameOrArn);
  const rule = bus.rules.find((r) => r.name === ruleName);
  if (!rule) throw new ResourceNotFoundError(`Rule ${ruleName} does not exist on EventBus ${bus.name}.`);
  return rule;
}

export function findArchive(store: EventBridgeStore, nameOrArn: string): ResolvedArchive {
  const name = nameFromNameOrArn(nameOrArn, 'archive') ?? nameOrArn;
  const archive = store.topology.archives.get(name);
  if (!archive) throw new ResourceNotFoundError(`Archive ${name} does not exist.`);
  return archive;
}

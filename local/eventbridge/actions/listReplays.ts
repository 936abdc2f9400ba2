import { arns } from '../arns.ts';
import type { EventBridgeStore } from '../EventBridgeStore.ts';
import { type ReplaySummary, replaySummary } from './describeReplay.ts';
import { type ActionInput, optionalString, paginate } from './input.ts';

/** ListReplays, filtered by name prefix, state and archive ARN like AWS. */
export function listReplays(
  input: ActionInput,
  store: EventBridgeStore,
): { Replays: ReplaySummary[]; NextToken?: string } {
  const prefix = optionalString(input, 'NamePrefix');
  const state = optionalString(input, 'State');
  const source = optionalString(input, 'EventSourceArn');
  const replays = store
    .listReplays()
    .filter(
      (r) =>
        (!prefix || r.name.startsWith(prefix)) &&
        (!state || r.state === state) &&
        (!source || arns.archive(store.topology, r.archive) === source),
    )
    .sort((a, b) => a.name.localeCompare(b.name));
  const { page, nextToken } = paginate(replays, input);
  return { Replays: page.map((r) => replaySummary(r, store)), ...(nextToken ? { NextToken: nextToken } : {}) };
}

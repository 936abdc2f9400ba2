import { arns } from '../arns.ts';
import type { EventBridgeStore } from '../EventBridgeStore.ts';
import { type ReplaySummary, replaySummary } from './describeReplay.ts';
import { type ActionInput, byNamePrefix, type ListOutput, listPage, read } from './input.ts';

/** ListReplays, filtered by name prefix, state and archive ARN like AWS. */
export function listReplays(input: ActionInput, store: EventBridgeStore): ListOutput<'Replays', ReplaySummary> {
  // With several invalid members, the error names the first one read here.
  const prefix = read.optionalString(input, 'NamePrefix');
  const state = read.optionalString(input, 'State');
  const source = read.optionalString(input, 'EventSourceArn');
  const replays = byNamePrefix(store.replays.list(), prefix).filter(
    (r) => (!state || r.state === state) && (!source || arns.archive(store.topology, r.archive) === source),
  );
  return listPage('Replays', replays, input, (r) => replaySummary(r, store));
}

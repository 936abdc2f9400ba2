import type { EventBridgeStore } from '../EventBridgeStore.ts';
import { type ArchiveSummary, archiveSummary } from './describeArchive.ts';
import { type ActionInput, byNamePrefix, type ListOutput, listPage, read } from './input.ts';
import { findBus } from './lookup.ts';

/** ListArchives, filtered by name prefix, source bus ARN and state like AWS; an unknown source bus is ResourceNotFoundException. */
export function listArchives(input: ActionInput, store: EventBridgeStore): ListOutput<'Archives', ArchiveSummary> {
  const sourceArn = read.optionalString(input, 'EventSourceArn');
  const source = sourceArn === undefined ? undefined : findBus(store, sourceArn).arn;
  const state = read.optionalString(input, 'State');
  const archives = byNamePrefix(store.topology.archives.values(), read.optionalString(input, 'NamePrefix')).filter(
    (archive) => (!source || archive.busArn === source) && (!state || state === 'ENABLED'),
  );
  return listPage('Archives', archives, input, (archive) => archiveSummary(archive, store));
}

import type { EventBridgeStore } from '../EventBridgeStore.ts';
import { EVENTBRIDGE_LIMITS } from '../limits.ts';
import type { ResolvedArchive } from '../resolveTopology.ts';
import { type ActionInput, read, toEpochSeconds } from './input.ts';
import { findArchive } from './lookup.ts';

export interface ArchiveSummary {
  ArchiveName: string;
  EventSourceArn: string;
  State: 'ENABLED';
  RetentionDays: number;
  SizeBytes: number;
  EventCount: number;
  CreationTime: number;
}

/** DescribeArchive. Archives come from configuration, keep every event of their bus, and are always ENABLED. */
export function describeArchive(input: ActionInput, store: EventBridgeStore): ArchiveSummary & { ArchiveArn: string } {
  const archive = findArchive(
    store,
    read.requiredString(input, 'ArchiveName', { pattern: EVENTBRIDGE_LIMITS.archiveName }),
  );
  return { ArchiveArn: archive.arn, ...archiveSummary(archive, store) };
}

export function archiveSummary(archive: ResolvedArchive, store: EventBridgeStore): ArchiveSummary {
  const { eventCount, sizeBytes } = store.archive.stats(archive.name);
  return {
    ArchiveName: archive.name,
    EventSourceArn: archive.busArn,
    State: 'ENABLED',
    RetentionDays: archive.retentionDays,
    SizeBytes: sizeBytes,
    EventCount: eventCount,
    CreationTime: toEpochSeconds(store.createdMs('archive', archive.name)),
  };
}

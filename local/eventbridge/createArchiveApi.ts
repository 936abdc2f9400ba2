import { findReplay } from './actions/describeReplay.ts';
import { createReplay, type ReplayRequest } from './actions/startReplay.ts';
import type { EventBridgeStore } from './EventBridgeStore.ts';
import { ValidationError } from './errors.ts';
import type { ArchiveFilter } from './store/ArchiveTable.ts';
import { REPLAY_STATES, type ReplayRecord, type ReplayState } from './store/ReplayTable.ts';

/** A replay as the programmatic API reports it: the record's counters, with times as Dates. */
export type ReplayStatus = Pick<
  ReplayRecord,
  'name' | 'archive' | 'state' | 'stateReason' | 'rules' | 'detailTypes' | 'eventsReplayed' | 'deliveries'
> & {
  readonly from: Date;
  readonly to: Date;
  readonly lastReplayedTime?: Date;
  readonly startTime: Date;
  readonly endTime?: Date;
};

/** `archive` may be left out when exactly one archive is configured (the local cell has one). */
export type StartReplayRequest = Omit<ReplayRequest, 'archive'> & { readonly archive?: string };

/** The archive as operators and tests use it in-process; the same operations are on the wire as StartReplay etc. */
export interface EventBridgeArchiveApi {
  /** Archived events, optionally filtered. */
  count(filter?: ArchiveFilter): number;
  /** Starts a replay of [from, to); it runs in the background (STARTING → RUNNING → COMPLETED). */
  startReplay(request: StartReplayRequest): ReplayStatus;
  describeReplay(name: string): ReplayStatus;
  listReplays(): ReplayStatus[];
  /** Resolves once the replay is COMPLETED, FAILED or CANCELLED; rejects after `timeoutMs`. */
  waitForReplay(name: string, options?: { timeoutMs?: number }): Promise<ReplayStatus>;
}

const FINISHED: ReadonlySet<ReplayState> = new Set([
  REPLAY_STATES.completed,
  REPLAY_STATES.failed,
  REPLAY_STATES.cancelled,
]);

export function createArchiveApi(store: EventBridgeStore): EventBridgeArchiveApi {
  const describe = (name: string) => toStatus(findReplay(store, name));
  return {
    count: (filter = {}) => store.archive.count(filter),
    startReplay(request) {
      const archives = [...store.topology.archives.keys()];
      const archive = request.archive ?? (archives.length === 1 ? archives[0] : undefined);
      if (archive === undefined) {
        throw new ValidationError(
          `Name the archive to replay from: one of ${archives.join(', ') || '(none configured)'}.`,
        );
      }
      return toStatus(createReplay(store, { ...request, archive }));
    },
    describeReplay: describe,
    listReplays: () => store.replays.list().map(toStatus),
    async waitForReplay(name, { timeoutMs = 30_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const status = describe(name);
        if (FINISHED.has(status.state)) return status;
        if (Date.now() >= deadline) {
          throw new Error(
            `replay ${name} is still ${status.state} after ${timeoutMs} ms (${status.eventsReplayed} events replayed)`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
  };
}

function toStatus(replay: ReplayRecord): ReplayStatus {
  return {
    name: replay.name,
    archive: replay.archive,
    state: replay.state,
    ...(replay.stateReason !== undefined ? { stateReason: replay.stateReason } : {}),
    from: new Date(replay.fromMs),
    to: new Date(replay.toMs),
    ...(replay.rules ? { rules: replay.rules } : {}),
    ...(replay.detailTypes ? { detailTypes: replay.detailTypes } : {}),
    eventsReplayed: replay.eventsReplayed,
    deliveries: replay.deliveries,
    ...(replay.lastReplayedMs !== undefined ? { lastReplayedTime: new Date(replay.lastReplayedMs) } : {}),
    startTime: new Date(replay.startedMs),
    ...(replay.endedMs !== undefined ? { endTime: new Date(replay.endedMs) } : {}),
  };
}

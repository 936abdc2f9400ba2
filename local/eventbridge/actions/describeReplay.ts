import { arns } from '../arns.ts';
import type { EventBridgeStore } from '../EventBridgeStore.ts';
import { ResourceNotFoundError } from '../errors.ts';
import { EVENTBRIDGE_LIMITS } from '../limits.ts';
import type { ReplayRecord } from '../store/ReplayTable.ts';
import { type ActionInput, read, toEpochSeconds } from './input.ts';

export interface ReplaySummary {
  ReplayName: string;
  EventSourceArn: string;
  State: string;
  StateReason?: string;
  EventStartTime: number;
  EventEndTime: number;
  EventLastReplayedTime?: number;
  ReplayStartTime: number;
  ReplayEndTime?: number;
}

/**
 * DescribeReplay. `EventsReplayed` is an emulator extension (AWS SDKs ignore unknown members):
 * how many archived events of the window have been re-sent so far.
 */
export function describeReplay(
  input: ActionInput,
  store: EventBridgeStore,
): ReplaySummary & {
  ReplayArn: string;
  Description?: string;
  Destination: { Arn: string; FilterArns?: string[] };
  EventsReplayed: number;
} {
  const replay = findReplay(
    store,
    read.requiredString(input, 'ReplayName', { pattern: EVENTBRIDGE_LIMITS.replayName }),
  );
  const { topology } = store;
  return {
    ...replaySummary(replay, store),
    ReplayArn: arns.replay(topology, replay.name),
    ...(replay.description !== undefined ? { Description: replay.description } : {}),
    Destination: {
      Arn: arns.bus(topology, replay.bus),
      ...(replay.rules ? { FilterArns: replay.rules.map((rule) => arns.rule(topology, replay.bus, rule)) } : {}),
    },
    EventsReplayed: replay.eventsReplayed,
  };
}

export function findReplay(store: EventBridgeStore, name: string): ReplayRecord {
  const replay = store.replays.get(name);
  if (!replay) throw new ResourceNotFoundError(`Replay ${name} does not exist.`);
  return replay;
}

export function replaySummary(replay: ReplayRecord, store: EventBridgeStore): ReplaySummary {
  return {
    ReplayName: replay.name,
    EventSourceArn: arns.archive(store.topology, replay.archive),
    State: replay.state,
    ...(replay.stateReason !== undefined ? { StateReason: replay.stateReason } : {}),
    EventStartTime: toEpochSeconds(replay.fromMs),
    EventEndTime: toEpochSeconds(replay.toMs),
    ...(replay.lastReplayedMs !== undefined ? { EventLastReplayedTime: toEpochSeconds(replay.lastReplayedMs) } : {}),
    ReplayStartTime: toEpochSeconds(replay.startedMs),
    ...(replay.endedMs !== undefined ? { ReplayEndTime: toEpochSeconds(replay.endedMs) } : {}),
  };
}

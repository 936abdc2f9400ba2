import { arns, nameFromNameOrArn, ruleFromArn } from '../arns.ts';
import type { EventBridgeStore } from '../EventBridgeStore.ts';
import { ResourceAlreadyExistsError, ValidationError } from '../errors.ts';
import { EVENTBRIDGE_LIMITS } from '../limits.ts';
import { REPLAY_STATES, type ReplayRecord } from '../store/ReplayTable.ts';
import { type ActionInput, constraintError, read, toEpochSeconds } from './input.ts';
import { findArchive, findBus } from './lookup.ts';

/** A replay as the programmatic archive API and StartReplay both describe it. */
export interface ReplayRequest {
  readonly name: string;
  /** Archive name or ARN. */
  readonly archive: string;
  /** Inclusive start of the event-time window. */
  readonly from: Date;
  /** Exclusive end of the event-time window. */
  readonly to: Date;
  readonly description?: string;
  /** Rule names to re-send through (AWS `Destination.FilterArns`); default every rule of the bus. */
  readonly rules?: readonly string[];
  /** Only events with these detail types (an emulator extension; AWS filters by rule only). */
  readonly detailTypes?: readonly string[];
}

/**
 * StartReplay. The replay re-sends the archived events of [EventStartTime, EventEndTime) through
 * the archive's bus rules with `replay-name` set. It covers the archive as it is at this call:
 * events arriving later are not part of it, so a window reaching into the future still ends.
 */
export function startReplay(
  input: ActionInput,
  store: EventBridgeStore,
): { ReplayArn: string; State: string; ReplayStartTime: number } {
  const name = read.requiredString(input, 'ReplayName', { pattern: EVENTBRIDGE_LIMITS.replayName });
  const sourceArn = read.requiredString(input, 'EventSourceArn');
  const from = read.requiredTimestamp(input, 'EventStartTime');
  const to = read.requiredTimestamp(input, 'EventEndTime');
  const destination = read.requiredObject(input, 'Destination');
  const busArn = read.requiredString(destination, 'Arn', { member: 'destination.arn' });
  const description = read.optionalString(input, 'Description', {
    maxLength: EVENTBRIDGE_LIMITS.replayDescriptionChars,
  });
  // AWS's order: a taken name, the time window, the archive, then the destination bus.
  if (store.replays.get(name)) throw new ResourceAlreadyExistsError(`Replay ${name} already exists.`);
  checkWindow(from, to);
  const archiveName = nameFromNameOrArn(sourceArn, 'archive');
  const archive = archiveName === undefined ? undefined : store.topology.archives.get(archiveName);
  if (!archive) {
    const shown = archiveName ?? sourceArn.split('/').pop();
    throw new ValidationError(`Parameter EventSourceArn is not valid. Reason: Archive ${shown} does not exist.`);
  }
  if (findBus(store, busArn).name !== archive.bus) {
    throw new ValidationError(
      'Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.',
    );
  }
  const rules = filterRules(destination, archive.bus);
  const replay = createReplay(store, {
    name,
    archive: archive.name,
    from,
    to,
    ...(description !== undefined ? { description } : {}),
    ...(rules ? { rules } : {}),
  });
  return {
    ReplayArn: arns.replay(store.topology, replay.name),
    State: replay.state,
    ReplayStartTime: toEpochSeconds(replay.startedMs),
  };
}

/** `Destination.FilterArns` as rule names of the archive's bus; undefined means every rule. */
function filterRules(destination: ActionInput, bus: string): string[] | undefined {
  const filterArns = read.optionalArray(destination, 'FilterArns');
  return filterArns?.map((arn) => {
    const rule = typeof arn === 'string' ? ruleFromArn(arn) : undefined;
    if (!rule || rule.bus !== bus) {
      throw new ValidationError(
        `Parameter Destination.FilterArns is not valid. Reason: ${String(arn)} is not a rule of ${bus}.`,
      );
    }
    return rule.rule;
  });
}

/** The replay window must not be empty or reversed. */
function checkWindow(from: Date, to: Date): void {
  if (!(from.getTime() < to.getTime())) {
    throw new ValidationError(
      'Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.',
    );
  }
}

/** Validates and records a replay in state STARTING; the replay runner picks it up. */
export function createReplay(store: EventBridgeStore, request: ReplayRequest): ReplayRecord {
  if (!EVENTBRIDGE_LIMITS.replayName.test(request.name)) {
    throw constraintError(
      'ReplayName',
      request.name,
      `Member must satisfy regular expression pattern: ${EVENTBRIDGE_LIMITS.replayName.source}`,
    );
  }
  const archive = findArchive(store, request.archive);
  checkWindow(request.from, request.to);
  const fromMs = request.from.getTime();
  const toMs = request.to.getTime();
  const bus = store.topology.buses.get(archive.bus)!;
  for (const rule of request.rules ?? []) {
    if (!bus.rules.some((r) => r.name === rule)) {
      throw new ValidationError(
        `Parameter Destination.FilterArns is not valid. Reason: rule ${rule} does not exist on ${bus.name}.`,
      );
    }
  }
  if (request.detailTypes && !request.detailTypes.every((t) => typeof t === 'string' && t !== '')) {
    throw new ValidationError('detailTypes must be non-empty strings.');
  }
  if (store.replays.get(request.name)) throw new ResourceAlreadyExistsError(`Replay ${request.name} already exists.`);
  const replay: ReplayRecord = {
    name: request.name,
    archive: archive.name,
    bus: archive.bus,
    ...(request.description !== undefined ? { description: request.description } : {}),
    state: REPLAY_STATES.starting,
    fromMs,
    toMs,
    ...(request.rules ? { rules: [...request.rules] } : {}),
    ...(request.detailTypes ? { detailTypes: [...request.detailTypes] } : {}),
    maxSeq: store.archive.maxSeq(),
    cursorTimeMs: fromMs,
    cursorSeq: 0,
    eventsReplayed: 0,
    deliveries: 0,
    enqueuedAll: false,
    startedMs: Date.now(),
  };
  store.replays.insert(replay);
  return replay;
}

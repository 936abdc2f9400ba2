import { arns } from '../arns.ts';
import type { EventBridgeStore } from '../EventBridgeStore.ts';
import { IllegalStatusError } from '../errors.ts';
import { EVENTBRIDGE_LIMITS } from '../limits.ts';
import { REPLAY_STATES } from '../store/ReplayTable.ts';
import { findReplay } from './describeReplay.ts';
import { type ActionInput, read } from './input.ts';

/**
 * CancelReplay: the runner stops queueing further events; deliveries already queued still go
 * out (they are accepted work), then the replay becomes CANCELLED.
 */
export function cancelReplay(input: ActionInput, store: EventBridgeStore): { ReplayArn: string; State: string } {
  const replay = findReplay(
    store,
    read.requiredString(input, 'ReplayName', { pattern: EVENTBRIDGE_LIMITS.replayName }),
  );
  if (replay.state !== REPLAY_STATES.starting && replay.state !== REPLAY_STATES.running) {
    throw new IllegalStatusError(`Replay ${replay.name} is ${replay.state} and cannot be cancelled.`);
  }
  store.replays.setState(replay.name, REPLAY_STATES.cancelling);
  return { ReplayArn: arns.replay(store.topology, replay.name), State: REPLAY_STATES.cancelling };
}

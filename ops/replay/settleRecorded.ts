import { type RateClock, systemRateClock } from '../../handlers/shared/dlq/index.ts';
import type { Count, ReplayCounter, ReplayWindow } from './ReplayCounter.ts';

/**
 * The recorded count after a replay, once it settles: a COMPLETED replay has put the events on the
 * bus, and the consumers record them a little later. Polls until every expected event is recorded,
 * the count stops moving for three polls, or `timeoutMs` passes.
 */
export async function settleRecorded(
  counter: ReplayCounter,
  window: ReplayWindow,
  options: {
    readonly expected: number | null;
    readonly pollMs: number;
    readonly timeoutMs: number;
    readonly signal?: AbortSignal;
    readonly clock?: RateClock;
  },
): Promise<Count> {
  const clock = options.clock ?? systemRateClock;
  const deadline = clock.now() + options.timeoutMs;
  let last = await counter.recorded(window);
  let steady = 0;
  while (last.count !== null && clock.now() < deadline && !options.signal?.aborted) {
    if (options.expected !== null && last.count >= options.expected) break;
    await clock.sleep(options.pollMs, options.signal);
    const next = await counter.recorded(window);
    steady = next.count === last.count ? steady + 1 : 0;
    last = next;
    if (steady >= 3) break;
  }
  return last;
}

import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { withReplayName } from './busEvent.ts';
import type { EventBridgeStore } from './EventBridgeStore.ts';
import type { EmulatorLogger } from './options.ts';
import type { OutboxEntry } from './store/Outbox.ts';
import { REPLAY_STATES, type ReplayRecord } from './store/ReplayTable.ts';
import { WakeableSleep } from './WakeableSleep.ts';

/** Archived events read (and their deliveries queued) per transaction. */
const CHUNK_SIZE = 250;
/** How often a replay that only waits (for its deliveries, or for the outbox to shrink) looks again. */
const WAIT_POLL_MS = 50;
const IDLE_POLL_MS = 1000;

/**
 * Runs replays: walks each replay's window of the archive in event-time order, re-matches every
 * event against the bus rules (optionally limited to some rules and detail types) and queues the
 * deliveries with `replay-name` in the same outbox as live events, so they get the same retries.
 *
 * Each chunk and the replay's cursor commit together, so after a restart a replay resumes where it
 * stopped. A replay is COMPLETED once all its deliveries left the outbox (FAILED, with the count in
 * StateReason, if some of them were dead-lettered). It pauses while the outbox is above
 * `highWater`, so replaying a large archive cannot outrun delivery.
 */
export class ReplayRunner {
  private loopDone?: Promise<void>;
  private stopped = false;
  /** A replay was created since the loop last looked. */
  private dirty = false;
  private readonly pause = new WakeableSleep();
  private unsubscribe?: () => void;

  constructor(
    private readonly store: EventBridgeStore,
    private readonly highWater: number,
    private readonly logger: EmulatorLogger,
  ) {}

  start(): void {
    if (this.loopDone) return;
    this.unsubscribe = this.store.replays.onInsert(() => {
      this.dirty = true;
      this.pause.wake();
    });
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.pause.wake();
    await this.loopDone;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      this.dirty = false;
      let progressed = false;
      let waiting = false;
      try {
        for (const replay of this.store.replays.active()) {
          if (this.stopped) return;
          const result = this.step(replay);
          progressed ||= result === 'progressed';
          waiting ||= result === 'waiting';
        }
      } catch (error) {
        if (this.store.isClosed) return;
        this.logger.error('EventBridge emulator: replay step failed; retrying', { error: String(error) });
        waiting = true;
      }
      if (progressed) await yieldToEventLoop();
      else await this.sleep(waiting ? WAIT_POLL_MS : IDLE_POLL_MS);
    }
  }

  private step(replay: ReplayRecord): 'progressed' | 'waiting' {
    const now = Date.now();
    if (replay.state === REPLAY_STATES.cancelling) {
      if (this.store.outbox.pendingForReplay(replay.name) > 0) return 'waiting';
      this.store.replays.setState(replay.name, REPLAY_STATES.cancelled, { reason: 'Cancelled', endedMs: now });
      return 'progressed';
    }
    if (replay.enqueuedAll) {
      if (this.store.outbox.pendingForReplay(replay.name) > 0) return 'waiting';
      const dead = this.store.outbox.deadLetterCount(replay.name);
      if (dead > 0) {
        this.store.replays.setState(replay.name, REPLAY_STATES.failed, {
          reason: `${dead} of ${replay.deliveries} deliveries exhausted their retries (outbox_dead)`,
          endedMs: now,
        });
      } else {
        this.store.replays.setState(replay.name, REPLAY_STATES.completed, { endedMs: now });
      }
      this.logger.info('EventBridge emulator: replay finished', { replay: replay.name, events: replay.eventsReplayed });
      return 'progressed';
    }
    if (this.store.outbox.depth > this.highWater) return 'waiting';

    const chunk = this.store.archive.chunkAfter(replay, CHUNK_SIZE);
    const bus = this.store.topology.buses.get(replay.bus);
    const rules = (bus?.rules ?? []).filter((rule) => !replay.rules || replay.rules.includes(rule.name));
    const deliveries: OutboxEntry[] = [];
    let eventsReplayed = 0;
    let lastReplayedMs: number | undefined;
    for (const archived of chunk) {
      if (replay.detailTypes && !replay.detailTypes.includes(archived.detailType)) continue;
      const body = withReplayName(archived.json, replay.name);
      const event = JSON.parse(body) as { id: string };
      for (const rule of rules) {
        if (!rule.matches(event)) continue;
        for (const target of rule.targets) {
          deliveries.push({ eventId: event.id, rule: rule.name, targetId: target.id, queueUrl: target.queueUrl, body });
        }
      }
      eventsReplayed++;
      lastReplayedMs = archived.timeMs;
    }
    const last = chunk.at(-1);
    const progress = {
      cursor: last ? { timeMs: last.timeMs, seq: last.seq } : { timeMs: replay.cursorTimeMs, seq: replay.cursorSeq },
      eventsReplayed,
      ...(lastReplayedMs !== undefined ? { lastReplayedMs } : {}),
      enqueuedAll: chunk.length < CHUNK_SIZE,
    };
    this.store.advanceReplay(replay.name, progress, deliveries, now);
    return 'progressed';
  }

  private async sleep(ms: number): Promise<void> {
    if (this.stopped || this.dirty) return;
    await this.pause.sleep(ms);
  }
}

import {
  CancelReplayCommand,
  DescribeReplayCommand,
  type EventBridgeClient,
  StartReplayCommand,
} from '@aws-sdk/client-eventbridge';
import { type RateClock, systemRateClock } from '../../handlers/shared/dlq/index.ts';

export interface ReplayRequest {
  readonly eventBridge: EventBridgeClient;
  readonly name: string;
  readonly archiveArn: string;
  readonly busArn: string;
  /** Inclusive start and exclusive end of the event-time window (epoch ms). */
  readonly fromMs: number;
  readonly toMs: number;
  /** Only through these rules (one stage's rule); every rule of the bus when absent. */
  readonly ruleArns?: readonly string[];
  readonly description?: string;
  /** Cancels the replay (CancelReplay) and waits for it to stop. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ReplayProgress) => void;
  readonly pollMs: number;
  /** Give up waiting (the replay goes on) after this long. @default 6 hours */
  readonly timeoutMs?: number;
  readonly clock?: RateClock;
}

export interface ReplayProgress {
  readonly state: string;
  /** Share of the window replayed so far, from EventLastReplayedTime (0–1). */
  readonly fraction: number;
}

export interface ReplayOutcome {
  readonly name: string;
  readonly arn?: string;
  readonly state: string;
  readonly stateReason?: string;
  readonly from: string;
  readonly to: string;
  readonly lastReplayedTime?: string;
  readonly cancelled: boolean;
  readonly timedOut: boolean;
  readonly durationMs: number;
}

const FINISHED = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

/**
 * EventBridge StartReplay of an archive window back onto its bus (through every rule, or only some),
 * then DescribeReplay until it finishes. The same calls work against AWS and the local emulator.
 * Replayed events carry `replay-name`; the consumers record them with `replayed = true`, and an
 * event already recorded stays recorded once (eventId idempotency).
 */
export async function runReplay(request: ReplayRequest): Promise<ReplayOutcome> {
  const clock = request.clock ?? systemRateClock;
  const started = clock.now();
  const { eventBridge, name, signal } = request;
  const { ReplayArn } = await eventBridge.send(
    new StartReplayCommand({
      ReplayName: name,
      EventSourceArn: request.archiveArn,
      EventStartTime: new Date(request.fromMs),
      EventEndTime: new Date(request.toMs),
      Destination: { Arn: request.busArn, ...(request.ruleArns?.length ? { FilterArns: [...request.ruleArns] } : {}) },
      ...(request.description ? { Description: request.description.slice(0, 512) } : {}),
    }),
  );
  let cancelled = false;
  const deadline = started + (request.timeoutMs ?? 6 * 3_600_000);
  for (;;) {
    if (signal?.aborted && !cancelled) {
      cancelled = true;
      try {
        await eventBridge.send(new CancelReplayCommand({ ReplayName: name }));
      } catch {
        // Already finished: nothing to cancel.
      }
    }
    const replay = await eventBridge.send(new DescribeReplayCommand({ ReplayName: name }));
    const state = replay.State ?? 'UNKNOWN';
    const last = replay.EventLastReplayedTime?.getTime();
    const span = request.toMs - request.fromMs;
    const fraction =
      state === 'COMPLETED' ? 1 : last === undefined || span <= 0 ? 0 : Math.min(1, (last - request.fromMs) / span);
    request.onProgress?.({ state, fraction });
    const timedOut = clock.now() >= deadline;
    if (FINISHED.has(state) || timedOut) {
      return {
        name,
        ...(ReplayArn ? { arn: ReplayArn } : {}),
        state,
        ...(replay.StateReason ? { stateReason: replay.StateReason } : {}),
        from: new Date(request.fromMs).toISOString(),
        to: new Date(request.toMs).toISOString(),
        ...(replay.EventLastReplayedTime ? { lastReplayedTime: replay.EventLastReplayedTime.toISOString() } : {}),
        cancelled,
        timedOut: timedOut && !FINISHED.has(state),
        durationMs: clock.now() - started,
      };
    }
    await clock.sleep(request.pollMs, cancelled ? undefined : signal);
  }
}

/** A replay name EventBridge accepts (`[.\-_A-Za-z0-9]+`, at most 64): what and when, plus a nonce. */
export function replayName(stage: string | undefined, nowMs: number, random: () => number = Math.random): string {
  const stamp = new Date(nowMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const nonce = Math.floor(random() * 36 ** 4)
    .toString(36)
    .padStart(4, '0');
  return `bems-${stage ?? 'all'}-${stamp}-${nonce}`;
}

import type { CellHealthBody, CellProbe } from './CellProbe.ts';
import { sleep } from './RetryingClient.ts';

/** Where the cell's messages are, from one health reading. */
export interface CellQueues {
  /** Messages in the stage inboxes and consumer queues, in any state. */
  readonly working: number;
  /** Messages in the DLQs. */
  readonly dead: number;
  /** Events the EventBridge emulator still has to deliver to an inbox. */
  readonly outbox: number;
  /** Deliveries the EventBridge emulator gave up on (its own dead-letter table). */
  readonly outboxDead: number;
}

export function cellQueues(health: CellHealthBody): CellQueues {
  let working = 0;
  let dead = 0;
  for (const queue of health.queues) {
    working += queue.visible + queue.inFlight + queue.delayed;
    dead += queue.dlq.visible + queue.dlq.inFlight + queue.dlq.delayed;
  }
  return {
    working,
    dead,
    outbox: health.components.eventBridge.outboxDepth ?? 0,
    outboxDead: health.components.eventBridge.delivery?.deadLettered ?? 0,
  };
}

/**
 * Waits until nothing moves any more: the outbox is empty and every message has left the working
 * queues (recorded, or in a DLQ) for `quietMs` in a row. Throws with the last reading after
 * `timeoutMs`: a pipeline that never settles is a finding, not something to wait out.
 */
export async function waitUntilSettled(
  probe: CellProbe,
  options: { timeoutMs: number; quietMs?: number; pollMs?: number },
): Promise<CellQueues> {
  const deadline = Date.now() + options.timeoutMs;
  const quietMs = options.quietMs ?? 1_000;
  let quietSince: number | undefined;
  let last: CellQueues | undefined;
  for (;;) {
    try {
      last = cellQueues(await probe.health());
      if (last.working === 0 && last.outbox === 0) {
        quietSince ??= Date.now();
        if (Date.now() - quietSince >= quietMs) return last;
      } else quietSince = undefined;
    } catch {
      // A cell that is restarting does not answer; keep asking until the deadline.
      quietSince = undefined;
    }
    if (Date.now() > deadline)
      throw new Error(`the cell did not settle within ${options.timeoutMs} ms; last reading ${JSON.stringify(last)}`);
    await sleep(options.pollMs ?? 200);
  }
}

/** Time, replaceable in tests. */
export interface RateClock {
  readonly now: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export const systemRateClock: RateClock = {
  now: Date.now,
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted || ms <= 0) return resolve();
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
    }),
};

/**
 * Paces work to `ratePerSecond` items per second on average, with a burst of at most one second's
 * worth. A redrive must not flood a consumer that has only just recovered: moving 10,000 messages
 * back at once would put the backlog straight back into the same failure.
 */
export class RateLimiter {
  private readonly intervalMs: number;
  /** The earliest time the next item may start. */
  private nextAt: number;

  constructor(
    ratePerSecond: number,
    private readonly clock: RateClock = systemRateClock,
  ) {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) {
      throw new RangeError(`rate must be a positive number of messages per second, got ${ratePerSecond}`);
    }
    this.intervalMs = 1000 / ratePerSecond;
    // A run may start with one second's worth at once, like a token bucket that starts full.
    this.nextAt = clock.now() - 1000;
  }

  /**
   * Waits until `count` more items may start. Returns false when `signal` aborted the wait (then no
   * budget was used).
   */
  async take(count: number, signal?: AbortSignal): Promise<boolean> {
    const now = this.clock.now();
    // Unused time does not pile up beyond one second of burst.
    const start = Math.max(this.nextAt, now - 1000);
    const waitMs = start + (count - 1) * this.intervalMs - now;
    if (waitMs > 0) await this.clock.sleep(waitMs, signal);
    if (signal?.aborted) return false;
    this.nextAt = start + count * this.intervalMs;
    return true;
  }
}

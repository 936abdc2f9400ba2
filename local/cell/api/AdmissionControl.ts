/**
 * When the local API stops taking new work. A cell that takes every request under overload only
 * makes each of them slower until clients time out or connections break; a producer that gets a
 * timeout or a reset cannot tell whether its events were accepted. A refused request has an answer:
 * 503 `OVERLOADED` with `Retry-After`, and nothing of it was published.
 */
export interface AdmissionSettings {
  /**
   * Requests past admission and not yet answered (the ingest function's queue). A bound against
   * runaway queues, not the overload signal: a fleet of producers opening a few hundred connections
   * at once is ordinary traffic, and the request-age and loop-delay limits below shed what the cell
   * really cannot serve. @default 512
   */
  readonly maxInFlight: number;
  /**
   * Refuse while the event loop runs this late (ms): a loop that far behind answers every request
   * late, and more requests would make it later. 0 turns the check off. @default 1000
   */
  readonly maxEventLoopDelayMs: number;
  /**
   * Refuse while the oldest request in progress has waited this long (ms): the work queued behind
   * the ingest function (the emulators' queue) is that deep, and a new request would wait longer
   * still, towards the client's timeout. 0 turns the check off. @default 5000
   */
  readonly maxRequestAgeMs: number;
  /** `Retry-After` of a refusal, in seconds. @default 1 */
  readonly retryAfterSeconds: number;
}

export const DEFAULT_ADMISSION: AdmissionSettings = {
  maxInFlight: 512,
  maxEventLoopDelayMs: 1000,
  maxRequestAgeMs: 5000,
  retryAfterSeconds: 1,
};

export type Admission =
  | { readonly ok: true; readonly leave: () => unknown }
  | { readonly ok: false; readonly reason: string; readonly retryAfterSeconds: number };

export interface AdmissionStats {
  readonly inFlight: number;
  readonly eventLoopDelayMs: number;
  readonly admitted: number;
  readonly refused: number;
}

/** How often the event loop's lateness is sampled. */
const SAMPLE_INTERVAL_MS = 100;

/**
 * Admission control of the API: bounds on requests in progress, on how long the oldest of them has
 * waited, and on event-loop delay. The delay
 * is the lateness of a 100 ms timer; timers run before the loop reads sockets, so after a stall
 * the requests that queued up during it are judged by that stall.
 */
export class AdmissionControl {
  /** Start times of the requests in progress; a Set keeps insertion order, so the first is the oldest. */
  private readonly started = new Set<{ readonly at: number }>();
  private admitted = 0;
  private refused = 0;
  private delayMs = 0;
  private readonly timer: NodeJS.Timeout | undefined;

  /**
   * `loopDelayMs`, when given, says how late the loop that does the work runs (the API front on its
   * own thread asks the main thread's heartbeat); without it this thread's own loop is sampled.
   */
  constructor(
    readonly settings: AdmissionSettings = DEFAULT_ADMISSION,
    private readonly loopDelayMs?: () => number,
  ) {
    if (settings.maxInFlight < 1) throw new RangeError(`maxInFlight must be at least 1, got ${settings.maxInFlight}`);
    if (settings.maxEventLoopDelayMs > 0 && !loopDelayMs) {
      let expected = performance.now() + SAMPLE_INTERVAL_MS;
      this.timer = setInterval(() => {
        const now = performance.now();
        this.delayMs = Math.max(0, now - expected);
        expected = now + SAMPLE_INTERVAL_MS;
      }, SAMPLE_INTERVAL_MS);
      this.timer.unref();
    }
  }

  /** Admits a request (call `leave()` once it is answered) or says why not. */
  tryEnter(): Admission {
    const now = performance.now();
    const reason = this.refusal(now);
    if (reason) {
      this.refused += 1;
      return { ok: false, reason, retryAfterSeconds: this.settings.retryAfterSeconds };
    }
    const entry = { at: now };
    this.started.add(entry);
    this.admitted += 1;
    return { ok: true, leave: () => this.started.delete(entry) };
  }

  private refusal(now: number): string | undefined {
    const { maxInFlight, maxEventLoopDelayMs, maxRequestAgeMs } = this.settings;
    const inFlight = this.started.size;
    const delayMs = this.currentDelayMs();
    if (inFlight >= maxInFlight) return `${inFlight} requests are in progress (the limit is ${maxInFlight})`;
    if (maxEventLoopDelayMs > 0 && delayMs > maxEventLoopDelayMs)
      return `the cell runs ${Math.round(delayMs)} ms behind (the limit is ${maxEventLoopDelayMs} ms)`;
    const oldest = this.started.values().next().value;
    if (maxRequestAgeMs > 0 && oldest && now - oldest.at > maxRequestAgeMs)
      return `a request in progress has waited ${Math.round(now - oldest.at)} ms (the limit is ${maxRequestAgeMs} ms)`;
    return undefined;
  }

  stats(): AdmissionStats {
    return {
      inFlight: this.started.size,
      eventLoopDelayMs: this.currentDelayMs(),
      admitted: this.admitted,
      refused: this.refused,
    };
  }

  private currentDelayMs(): number {
    return this.loopDelayMs ? this.loopDelayMs() : this.delayMs;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

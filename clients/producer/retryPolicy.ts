/**
 * When the producer client retries a request, and how long it waits: exponential backoff with full
 * jitter (a random wait between 0 and the capped exponential step, so clients that failed together
 * do not come back together), or the server's `Retry-After` when it sends one, spread by up to one
 * base step for the same reason.
 */
export interface RetryPolicy {
  /** Requests per batch, the first included; the client gives up after this many. @default 8 */
  readonly maxAttempts: number;
  /** First backoff step; step n is base × 2^(n-1), capped at `maxDelayMs`. @default 100 */
  readonly baseDelayMs: number;
  /** @default 5000 */
  readonly maxDelayMs: number;
  /**
   * Time one batch may take from its first request, waits included. A wait that would end past it
   * (say `Retry-After` until the daily quota resets) is not started: the client gives up at once.
   * @default 30000
   */
  readonly budgetMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 100,
  maxDelayMs: 5000,
  budgetMs: 30_000,
};

/**
 * `Retry-After` in milliseconds from `now`: delay-seconds (`120`) or an HTTP date
 * (`Wed, 21 Oct 2026 07:28:00 GMT`, RFC 9110 §10.2.3); `undefined` when absent or unreadable.
 */
export function parseRetryAfter(header: string | null | undefined, now: number): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP date names its day and month; without letters it is a malformed number (`-5`, `1.5`).
  if (!/[a-z]/i.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The wait before attempt `attempt + 1`, after attempt `attempt` (1-based) failed. */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  random: () => number,
  retryAfterMs: number | undefined,
): number {
  if (retryAfterMs !== undefined) return retryAfterMs + Math.floor(random() * policy.baseDelayMs);
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * step);
}

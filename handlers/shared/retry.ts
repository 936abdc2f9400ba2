/**
 * Bounded retries with exponential backoff and full jitter.
 *
 * Full jitter (delay = random(0, min(cap, base·2^(n-1)))) spreads the retries of many concurrent
 * Lambda containers that were throttled at the same moment, instead of having them return in
 * lock-step (see the AWS Architecture Blog, "Exponential Backoff And Jitter"). Sleep and random are
 * injectable so tests run instantly and deterministically.
 */
export interface RetryPolicy {
  /** Attempts in total, including the first one (1 = no retry). */
  readonly maxAttempts: number;
  /** Upper bound of the first backoff. */
  readonly baseDelayMs: number;
  /** No backoff is ever longer than this. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 50, maxDelayMs: 2_000 };

/**
 * Retries of the calls made for a batch of queue messages (forward, consume): no client is waiting,
 * and a message that still fails comes back after its visibility timeout.
 */
export const QUEUE_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 2_000 };

/** Sleep and randomness, replaceable in tests. */
export interface RetryClock {
  readonly sleep: (ms: number) => Promise<void>;
  /** Uniform in [0, 1). */
  readonly random: () => number;
}

export const systemRetryClock: RetryClock = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** Backoff before retry number `retry` (1 = the first retry): full jitter over an exponential cap. */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

export interface RetryPendingOptions {
  readonly policy: RetryPolicy;
  readonly clock?: RetryClock;
  /**
   * Milliseconds left before the caller must answer (Lambda `getRemainingTimeInMillis`). A retry
   * whose backoff would eat into `safetyMarginMs` of it is not started: an answer in time (with the
   * items reported failed) beats a Lambda timeout, which would fail the whole batch.
   */
  readonly remainingTimeMs?: () => number;
  readonly safetyMarginMs?: number;
  readonly onRetry?: (info: { readonly retry: number; readonly delayMs: number; readonly pending: number }) => void;
}

/** The retry settings of one call: the policy, the clock, and the time the invocation has left. */
export type RetryBudget = Pick<RetryPendingOptions, 'policy' | 'clock' | 'remainingTimeMs'>;

/** The retry budget of a call made inside a Lambda invocation (`context`, when there is one). */
export function retryBudget(
  policy: RetryPolicy,
  clock: RetryClock | undefined,
  context: { getRemainingTimeInMillis(): number } | undefined,
): RetryBudget {
  return {
    policy,
    ...(clock ? { clock } : {}),
    ...(context ? { remainingTimeMs: () => context.getRemainingTimeInMillis() } : {}),
  };
}

/**
 * Runs `attempt` on the items still pending until none are left or the policy is exhausted.
 *
 * `attempt` sends what it is given and returns the items that failed *transiently*; items that
 * succeeded or failed permanently are settled by `attempt` itself and not returned. The result is
 * what is still pending after the last attempt, for the caller to report as failed. A partial
 * failure therefore retries only the failed entries, never the ones already accepted.
 */
export async function retryPending<T>(
  items: readonly T[],
  attempt: (pending: readonly T[], attemptNumber: number) => Promise<readonly T[]>,
  options: RetryPendingOptions,
): Promise<readonly T[]> {
  const clock = options.clock ?? systemRetryClock;
  const margin = options.safetyMarginMs ?? 1_000;
  let pending = items;
  for (let attemptNumber = 1; pending.length > 0; attemptNumber++) {
    pending = await attempt(pending, attemptNumber);
    if (pending.length === 0 || attemptNumber >= options.policy.maxAttempts) break;
    const delayMs = backoffDelay(attemptNumber, options.policy, clock.random);
    if (options.remainingTimeMs && options.remainingTimeMs() - delayMs < margin) break;
    options.onRetry?.({ retry: attemptNumber, delayMs, pending: pending.length });
    await clock.sleep(delayMs);
  }
  return pending;
}

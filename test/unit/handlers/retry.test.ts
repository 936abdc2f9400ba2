import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, type RetryPolicy, retryPending } from '../../../handlers/shared/retry.ts';
import { instantRetryClock } from '../../helpers/handlerTestEnv.ts';

const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };

describe('backoffDelay', () => {
  it('draws from [0, min(cap, base·2^(retry-1))) — full jitter', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, r) => {
          const delay = backoffDelay(retry, policy, () => r);
          const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
          return delay >= 0 && delay < ceiling && Number.isInteger(delay);
        },
      ),
    );
  });

  it('grows exponentially until the cap', () => {
    const top = (retry: number) => backoffDelay(retry, policy, () => 0.999_999);

    expect([1, 2, 3, 4, 5, 6].map(top)).toEqual([99, 199, 399, 799, 999, 999]);
  });
});

describe('retryPending', () => {
  it('resends only what is still pending and stops when nothing is left', async () => {
    const clock = instantRetryClock();
    const sent: string[][] = [];

    const left = await retryPending(
      ['a', 'b', 'c'],
      async (pending) => {
        sent.push([...pending]);
        return pending.filter((item) => item === 'b' && sent.length < 3);
      },
      { policy, clock },
    );

    expect(left).toEqual([]);
    expect(sent).toEqual([['a', 'b', 'c'], ['b'], ['b']]);
    expect(clock.sleeps).toHaveLength(2);
  });

  it('gives up after maxAttempts and returns what is left', async () => {
    const clock = instantRetryClock();
    let attempts = 0;

    const left = await retryPending(
      [1, 2],
      async (pending) => {
        attempts++;
        return pending;
      },
      { policy, clock },
    );

    expect(left).toEqual([1, 2]);
    expect(attempts).toBe(policy.maxAttempts);
    expect(clock.sleeps).toHaveLength(policy.maxAttempts - 1);
  });

  it('does not start a retry whose backoff would overrun the time left', async () => {
    const clock = instantRetryClock(0.99);
    let attempts = 0;

    const left = await retryPending(
      ['x'],
      async (pending) => {
        attempts++;
        return pending;
      },
      { policy, clock, remainingTimeMs: () => 1_050, safetyMarginMs: 1_000 },
    );

    expect(left).toEqual(['x']);
    expect(attempts).toBe(1);
  });
});

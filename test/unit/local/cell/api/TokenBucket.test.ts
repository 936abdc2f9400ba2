import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../../../local/cell/api/TokenBucket.ts';

describe('TokenBucket', () => {
  it('allows a burst, then refills at the rate and says how long to wait', () => {
    // Prepare
    let now = 0;
    const bucket = new TokenBucket(2, 3, () => now);

    // Act
    const burst = [bucket.take(), bucket.take(), bucket.take(), bucket.take()];
    now = 500;
    const afterHalfSecond = bucket.take();

    // Assess
    expect(burst.map((result) => result.ok)).toEqual([true, true, true, false]);
    expect(burst[3]).toEqual({ ok: false, waitMs: 500 });
    expect(afterHalfSecond.ok).toBe(true);
  });
});

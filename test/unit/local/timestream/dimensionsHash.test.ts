import { describe, expect, it } from 'vitest';
import { dimensionsHash } from '../../../../local/timestream/dimensionsHash.ts';

describe('dimensionsHash', () => {
  it('is the same for the same text and a non-negative integer below 2^53', () => {
    const text = '{"event_id":"7d1f0c1e-0000-4000-8000-000000000001","invoice_id":"INV-1","stage":"posting"}';
    expect(dimensionsHash(text)).toBe(dimensionsHash(`${text}`));
    expect(Number.isSafeInteger(dimensionsHash(text))).toBe(true);
    expect(dimensionsHash(text)).toBeGreaterThanOrEqual(0);
  });

  it('spreads texts that differ in one character (no collision among 100,000 event ids)', () => {
    const hashes = new Set<number>();
    for (let i = 0; i < 100_000; i++) hashes.add(dimensionsHash(`{"event_id":"e-${i}","stage":"posting"}`));
    expect(hashes.size).toBe(100_000);
  });
});

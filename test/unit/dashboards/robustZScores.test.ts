import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { robustZScores } from '../../../dashboards/robustZScores.ts';

describe('robustZScores', () => {
  it('scores against the median and the MAD (0.6745 × deviation / MAD)', () => {
    // Prepare: median 10, absolute deviations 0,1,1,2,2,... → MAD 1
    const values = [10, 9, 11, 8, 12, 10, 9, 11, 40];
    // Act
    const { median, zScores } = robustZScores(values);
    // Assess
    expect(median).toBe(10);
    expect(zScores[8]).toBeCloseTo((0.6745 * 30) / 1, 2);
    expect(zScores.filter((z) => Math.abs(z!) > 3.5)).toHaveLength(1);
  });

  it('falls back to the mean absolute deviation when most intervals share one count', () => {
    const values = [0, 0, 0, 0, 0, 0, 0, 0, 0, 12];
    const { median, zScores, spread } = robustZScores(values);
    expect(median).toBe(0);
    expect(spread).toBeCloseTo(1.2 * 1.253314, 2);
    expect(zScores[9]).toBeCloseTo(12 / (1.2 * 1.253314), 1);
  });

  it('says nothing with fewer than eight intervals, and nothing is anomalous in a flat series', () => {
    expect(robustZScores([1, 50, 1]).zScores).toEqual([null, null, null]);
    expect(robustZScores(Array(10).fill(5)).zScores).toEqual(Array(10).fill(0));
  });

  it('is not fooled by one huge spike: the other intervals stay normal', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 90, max: 110 }), { minLength: 12, maxLength: 60 }), (base) => {
        const { median, zScores } = robustZScores([...base, 100_000]);
        expect(Math.abs(zScores.at(-1)!)).toBeGreaterThan(3.5);
        // A mean would move towards the spike by ~100000/n; the median stays among the normal counts.
        expect(median).toBeGreaterThanOrEqual(90);
        expect(median).toBeLessThanOrEqual(110);
      }),
    );
  });
});

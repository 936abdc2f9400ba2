import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { robustZScores } from '../../../dashboards/robustZScores.ts';
import { ANOMALY_DETECTION } from '../../../dashboards/views.ts';

const { quietBelowEvents, minBaselineIntervals, threshold } = ANOMALY_DETECTION;
/** Counts of a busy cell: 40–60 events per interval. */
const busy = fc.array(fc.integer({ min: 40, max: 60 }), { minLength: minBaselineIntervals, maxLength: 48 });
/** Nights and weekends: empty intervals, or a straggler or two. */
const quiet = fc.array(fc.integer({ min: 0, max: quietBelowEvents - 1 }), { minLength: 1, maxLength: 48 });

describe('robustZScores (the volume anomaly rule)', () => {
  it('scores active intervals against their median and MAD: (x − median) / (MAD / 0.6745)', () => {
    // Prepare: median 20, absolute deviations 0,0,2,2,2,2,4,4,70 → MAD 2
    const values = [20, 18, 22, 16, 24, 20, 18, 22, 90];
    // Act
    const { median, spread, zScores, verdicts } = robustZScores(values);
    // Assess: MAD = 2 → 2 / 0.6745 = 2.97 < √20 = 4.47, so the Poisson floor is the spread.
    expect(median).toBe(20);
    expect(spread).toBeCloseTo(Math.sqrt(20), 2);
    expect(zScores[8]).toBeCloseTo(70 / Math.sqrt(20), 2);
    expect(verdicts.filter((v) => v === 'anomaly')).toHaveLength(1);
  });

  it('uses the MAD when it is wider than the Poisson floor', () => {
    const values = [100, 60, 140, 80, 120, 100, 60, 140, 500];
    const { median, spread, zScores } = robustZScores(values);
    expect(median).toBe(100);
    expect(spread).toBeCloseTo(40 / 0.6745, 2);
    expect(zScores[8]).toBeCloseTo((400 * 0.6745) / 40, 2);
  });

  it('does not flag a count one above a regular series (MAD 0): that is noise', () => {
    const { zScores, verdicts } = robustZScores([...Array(12).fill(10), 11, 12]);
    expect(verdicts.every((v) => v === 'normal')).toBe(true);
    expect(zScores.at(-1)).toBeCloseTo(2 / Math.sqrt(10), 2);
  });

  it('judges nothing with fewer active intervals than the minimum baseline, and says how many it had', () => {
    const result = robustZScores([0, 0, 0, 0, 1, 0, 0, 50, 60, 0, 0, 0, 0]);
    expect(result.baselineIntervals).toBe(2);
    expect(result.zScores.every((z) => z === null)).toBe(true);
    expect(result.verdicts).toEqual(
      [0, 0, 0, 0, 1, 0, 0, 50, 60, 0, 0, 0, 0].map((v) => (v >= 3 ? 'unjudged' : 'quiet')),
    );
  });

  it('ignores empty and quiet intervals: adding them anywhere changes no active interval’s score', () => {
    fc.assert(
      fc.property(busy, quiet, fc.array(fc.nat()), (active, silent, positions) => {
        const mixed = [...active];
        silent.forEach((count, i) => {
          mixed.splice((positions[i] ?? i) % (mixed.length + 1), 0, count);
        });
        const alone = robustZScores(active);
        const withQuiet = robustZScores(mixed);
        expect(withQuiet.median).toBe(alone.median);
        expect(withQuiet.zScores.filter((z) => z !== null)).toEqual(alone.zScores);
        expect(mixed.filter((_, i) => withQuiet.verdicts[i] === 'quiet')).toEqual(mixed.filter((v) => v < 3));
      }),
    );
  });

  it('does not flag usual activity after a quiet period (the old rule flagged every first busy interval)', () => {
    fc.assert(
      fc.property(busy, quiet, busy, (day, night, morning) => {
        const { verdicts } = robustZScores([...day, ...night, ...morning]);
        expect(verdicts.filter((v) => v === 'anomaly')).toEqual([]);
      }),
    );
  });

  it('still flags a burst against the usual activity, with quiet periods around it', () => {
    fc.assert(
      fc.property(busy, quiet, fc.integer({ min: 400, max: 100_000 }), (day, night, burst) => {
        const values = [...night, ...day, burst, ...night];
        const { zScores, verdicts, median } = robustZScores(values);
        const at = night.length + day.length;
        expect(verdicts[at]).toBe('anomaly');
        expect(zScores[at]!).toBeGreaterThan(threshold);
        // A mean would move towards the burst; the median stays among the usual counts.
        expect(median).toBeGreaterThanOrEqual(40);
        expect(median).toBeLessThanOrEqual(60);
        expect(verdicts.filter((v) => v === 'anomaly')).toHaveLength(1);
      }),
    );
  });

  it('finds nothing anomalous in a flat series', () => {
    const { zScores, verdicts } = robustZScores(Array(10).fill(5));
    expect(zScores).toEqual(Array(10).fill(0));
    expect(verdicts).toEqual(Array(10).fill('normal'));
  });
});

import { ANOMALY_DETECTION } from './views.ts';

/** How one interval was judged: `quiet` (empty or below the quiet threshold) and `unjudged` are never flagged. */
export type IntervalVerdict = 'anomaly' | 'normal' | 'quiet' | 'unjudged';

export interface RobustZScores {
  /** Median of the baseline (the active intervals); 0 without one. */
  readonly median: number;
  /** The scale the deviations are divided by: max(MAD / 0.6745, √median); 0 without a baseline. */
  readonly spread: number;
  /** Active intervals the median and spread were taken from. */
  readonly baselineIntervals: number;
  /** One per input value; null for quiet intervals and when the baseline is too small. */
  readonly zScores: (number | null)[];
  readonly verdicts: IntervalVerdict[];
}

export type AnomalyRule = Pick<
  typeof ANOMALY_DETECTION,
  'threshold' | 'madScale' | 'quietBelowEvents' | 'minBaselineIntervals'
>;

function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return 0;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The volume anomaly rule of {@link ANOMALY_DETECTION} over the counts of complete intervals: quiet
 * intervals (fewer than `quietBelowEvents` events, empty ones included) are set aside; the others are
 * the baseline, scored as `(count − median) / max(MAD / 0.6745, √median)` and flagged beyond
 * ±`threshold`. A baseline smaller than `minBaselineIntervals` judges nothing.
 */
export function robustZScores(values: readonly number[], rule: AnomalyRule = ANOMALY_DETECTION): RobustZScores {
  const active = values.filter((v) => v >= rule.quietBelowEvents);
  const med = median([...active].sort((a, b) => a - b));
  const quietOr = (verdict: IntervalVerdict) => (v: number) => (v >= rule.quietBelowEvents ? verdict : 'quiet');
  if (active.length < rule.minBaselineIntervals) {
    return {
      median: med,
      spread: 0,
      baselineIntervals: active.length,
      zScores: values.map(() => null),
      verdicts: values.map(quietOr('unjudged')),
    };
  }
  const mad = median(active.map((v) => Math.abs(v - med)).sort((a, b) => a - b));
  // The Poisson floor: a count's own noise is about √mean, whatever the MAD of a too-regular series says.
  const spread = Math.max(mad / rule.madScale, Math.sqrt(med));
  const zScores = values.map((v) => (v >= rule.quietBelowEvents ? round2((v - med) / spread) : null));
  return {
    median: med,
    spread: round2(spread),
    baselineIntervals: active.length,
    zScores,
    verdicts: zScores.map((z) => (z === null ? 'quiet' : Math.abs(z) > rule.threshold ? 'anomaly' : 'normal')),
  };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

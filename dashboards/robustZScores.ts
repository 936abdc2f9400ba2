import { ANOMALY_DETECTION } from './views.ts';

export interface RobustZScores {
  readonly median: number;
  /** The scale the deviations are divided by: MAD / 0.6745, or mean absolute deviation × 1.2533 when MAD = 0. */
  readonly spread: number;
  /** One per input value; all null when there are fewer than `minIntervals` values. */
  readonly zScores: (number | null)[];
}

function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return 0;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Modified z-scores (Iglewicz & Hoaglin): `0.6745 × (x − median) / MAD`. When the MAD is 0 (more than
 * half the intervals have the same count, typical of quiet nights) the mean absolute deviation is used
 * instead; when that is 0 too every interval is normal and all scores are 0.
 */
export function robustZScores(values: readonly number[], options = ANOMALY_DETECTION): RobustZScores {
  const sorted = [...values].sort((a, b) => a - b);
  const med = median(sorted);
  if (values.length < options.minIntervals) {
    return { median: med, spread: 0, zScores: values.map(() => null) };
  }
  const deviations = values.map((v) => Math.abs(v - med));
  const mad = median([...deviations].sort((a, b) => a - b));
  let spread: number;
  if (mad > 0) {
    spread = mad / options.madScale;
  } else {
    const meanAbsoluteDeviation = deviations.reduce((sum, d) => sum + d, 0) / values.length;
    spread = meanAbsoluteDeviation * options.meanAbsoluteDeviationScale;
  }
  const zScores = values.map((v) => (spread > 0 ? round2((v - med) / spread) : 0));
  return { median: med, spread: round2(spread), zScores };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

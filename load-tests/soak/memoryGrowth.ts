import type { MemorySample } from './memoryBreakdown.ts';

/** One series of the breakdown: its median over the warm-up's last window and over the last one. */
export interface SeriesGrowth {
  readonly series: string;
  readonly afterWarmUpMiB: number;
  readonly atEndMiB: number;
  readonly growthMiB: number;
}

/**
 * Growth of every series of the breakdown (process totals, native memory, child processes, and
 * each thread's V8 heap used / resident / external) between two windows of samples, by median so
 * that a garbage collection or a checkpoint caught by one sample does not decide the verdict.
 * The series add up as `rss ≈ anon + file + shmem` and `anon = native + Σ heap resident`.
 */
export function memoryGrowth(
  samples: readonly MemorySample[],
  warmUp: { fromS: number; toS: number },
  end: { fromS: number; toS: number },
): SeriesGrowth[] {
  const inWindow = (w: { fromS: number; toS: number }) => samples.filter((s) => s.atS > w.fromS && s.atS <= w.toS);
  const before = inWindow(warmUp);
  const after = inWindow(end);
  return seriesNames(samples).map((series) => {
    const afterWarmUpMiB = median(before.map((s) => seriesValue(s, series)));
    const atEndMiB = median(after.map((s) => seriesValue(s, series)));
    return { series, afterWarmUpMiB, atEndMiB, growthMiB: atEndMiB - afterWarmUpMiB };
  });
}

const TOTALS = ['rss', 'anon', 'file', 'shmem', 'lazyFree', 'native', 'children'] as const;
const HEAP_PARTS = ['used', 'physical', 'external'] as const;

function seriesNames(samples: readonly MemorySample[]): string[] {
  const threads = new Set(samples.flatMap((s) => Object.keys(s.heaps)));
  return [...TOTALS, ...[...threads].flatMap((thread) => HEAP_PARTS.map((part) => `heap ${part}: ${thread}`))];
}

function seriesValue(sample: MemorySample, series: string): number {
  const heap = /^heap (\w+): (.+)$/.exec(series);
  if (heap?.[1] && heap[2]) {
    const h = sample.heaps[heap[2]];
    return h ? h[`${heap[1] as (typeof HEAP_PARTS)[number]}MiB`] : Number.NaN;
  }
  return sample[`${series as (typeof TOTALS)[number]}MiB`];
}

export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/**
 * One table of several soak results (`load-tests/soak/soakVariants.sh` writes them): per run, its
 * settings, whether the cell kept up, its CPU per event and how its resident memory and the parts
 * that moved most grew from the end of the warm-up to the end.
 *
 *   npx tsx load-tests/soak/summarizeSoaks.ts /tmp/soaks/*.json
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { formatNumber, formatTable } from '../../ops/formatTable.ts';
import type { SeriesGrowth } from './memoryGrowth.ts';

interface SoakResult {
  readonly loadAverage: { atStart: number; atEnd: number };
  readonly environment?: Record<string, string | undefined>;
  readonly load: { acceptedPerSecond: number };
  readonly visibilityMs: { p99: number };
  readonly cellCpuMsPerEvent?: number;
  readonly rssMiB: { afterWarmUp: number; midRun: number; atEnd: number; growth: number; secondHalfGrowth: number };
  readonly memory: readonly SeriesGrowth[];
  readonly lost: number;
  readonly duplicates: number;
}

const SERIES = ['native', 'heap physical: main', 'heap physical: emulators', 'heap physical: api-front'] as const;
const percent = (f: number) => `${f >= 0 ? '+' : ''}${formatNumber(f * 100, 1)}%`;

const rows = process.argv.slice(2).map((file) => {
  const r = JSON.parse(readFileSync(file, 'utf8')) as SoakResult;
  const growth = (series: string) => r.memory.find((m) => m.series === series);
  return [
    basename(file, '.json'),
    `${formatNumber(r.loadAverage.atStart, 1)}–${formatNumber(r.loadAverage.atEnd, 1)}`,
    formatNumber(r.load.acceptedPerSecond, 0),
    formatNumber(r.visibilityMs.p99, 0),
    r.cellCpuMsPerEvent === undefined ? '—' : formatNumber(r.cellCpuMsPerEvent, 3),
    `${formatNumber(r.rssMiB.afterWarmUp, 0)} → ${formatNumber(r.rssMiB.midRun, 0)} → ${formatNumber(r.rssMiB.atEnd, 0)}`,
    `${percent(r.rssMiB.growth)} / ${percent(r.rssMiB.secondHalfGrowth)}`,
    ...SERIES.map((s) => {
      const g = growth(s);
      return g
        ? `${formatNumber(g.afterWarmUpMiB, 0)} ${g.growthMiB >= 0 ? '+' : ''}${formatNumber(g.growthMiB, 0)}`
        : '—';
    }),
    `${r.lost}/${r.duplicates}`,
  ];
});
console.log(
  formatTable(
    [
      'run',
      'load avg',
      'accepted/s',
      'vis. p99 ms',
      'CPU ms/event',
      'RSS MiB warm-up → mid → end',
      'growth / 2nd half',
      ...SERIES.map((s) => `${s.replace('heap physical: ', 'heap ')} MiB (+growth)`),
      'lost/dup',
    ],
    rows,
  ),
);

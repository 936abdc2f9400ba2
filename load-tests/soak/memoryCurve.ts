/**
 * A soak's resident memory over time: per window (60 s unless `--window-s`), the median of the
 * cell's RSS, native memory and each busy thread's V8 heap (used / resident), so that a plateau — or
 * its absence — can be read off one table, and when a part stops growing.
 *
 *   npx tsx load-tests/soak/memoryCurve.ts load-tests/results/soak.json [--window-s 30]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatNumber, formatTable } from '../../ops/formatTable.ts';
import type { MemorySample } from './memoryBreakdown.ts';
import { median } from './memoryGrowth.ts';

const THREADS = ['main', 'emulators', 'api-front'] as const;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'window-s': { type: 'string', default: '60' } },
});
const windowS = Number(values['window-s']);
const file = positionals[0];
if (!file || !(windowS > 0)) throw new Error('usage: memoryCurve.ts SOAK.json [--window-s N]');
const { samples, options } = JSON.parse(readFileSync(file, 'utf8')) as {
  samples: MemorySample[];
  options: { warmupS: number; durationS: number };
};

// Up to the end of the load: after it the soak verifies what was recorded, which is not the cell's.
const lastS = Math.min(Math.max(...samples.map((s) => s.atS)), options.warmupS + options.durationS);
const rows: string[][] = [];
for (let toS = windowS; toS <= lastS + windowS - 1; toS += windowS) {
  const inWindow = samples.filter((s) => s.atS > toS - windowS && s.atS <= Math.min(toS, lastS));
  if (inWindow.length === 0) continue;
  const mib = (pick: (s: MemorySample) => number | undefined) =>
    formatNumber(median(inWindow.map((s) => pick(s) ?? Number.NaN)), 0);
  rows.push([
    `${toS - windowS}–${Math.min(toS, Math.round(lastS))}${toS <= options.warmupS ? ' (warm-up)' : ''}`,
    mib((s) => s.rssMiB + s.childrenMiB),
    mib((s) => s.nativeMiB),
    ...THREADS.map((t) => `${mib((s) => s.heaps[t]?.usedMiB)} / ${mib((s) => s.heaps[t]?.physicalMiB)}`),
  ]);
}
console.log(
  formatTable(['s', 'cell RSS MiB', 'native MiB', ...THREADS.map((t) => `${t} heap used / resident MiB`)], rows, {
    align: ['left', 'right', 'right', 'right', 'right', 'right'],
  }),
);

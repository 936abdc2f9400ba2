/**
 * Prints the before/after comparison of `load-tests/benchAgainst.sh`: for each figure, the median
 * of the runs of each commit and the ratio after / before. Reads `before-*.json` and `after-*.json`
 * (the bench's results JSON) from the folder given as the only argument.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

type Json = Record<string, unknown>;

/** A figure of the results JSON, by its path, and whether more is better. */
const FIGURES: ReadonlyArray<{ label: string; path: string; higherIsBetter: boolean }> = [
  { label: 'bare node:http ceiling (req/s)', path: 'ceiling.burst.acceptedPerSecond', higherIsBetter: true },
  { label: 'sustained accepted (events/s)', path: 'pipeline.sustained.load.acceptedPerSecond', higherIsBetter: true },
  { label: 'sustained HTTP p99 (ms)', path: 'pipeline.sustained.load.httpMs.p99', higherIsBetter: false },
  {
    label: 'sustained visibility p50 (ms)',
    path: 'pipeline.sustained.completeness.visibilityMs.p50',
    higherIsBetter: false,
  },
  {
    label: 'sustained visibility p99 (ms)',
    path: 'pipeline.sustained.completeness.visibilityMs.p99',
    higherIsBetter: false,
  },
  { label: 'burst ingest (events/s)', path: 'pipeline.burst.load.acceptedPerSecond', higherIsBetter: true },
  { label: 'burst end to end (events/s)', path: 'pipeline.burst.endToEndPerSecond', higherIsBetter: true },
  { label: 'ingest / bare ceiling', path: 'ratios.ingestVsBareHttp', higherIsBetter: true },
  { label: 'lost + duplicated events', path: 'lossAndDuplicates', higherIsBetter: false },
];

function valueAt(results: Json, path: string): number | undefined {
  if (path === 'lossAndDuplicates') {
    const phases = ['sustained', 'burst'].map((p) => (results.pipeline as Json | undefined)?.[p] as Json | undefined);
    return phases.reduce((sum, phase) => sum + Number(phase?.lost ?? 0) + Number(phase?.duplicates ?? 0), 0);
  }
  let node: unknown = results;
  for (const key of path.split('.')) node = (node as Json | undefined)?.[key];
  return typeof node === 'number' ? node : undefined;
}

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function runsOf(folder: string, side: 'before' | 'after'): Json[] {
  return readdirSync(folder)
    .filter((name) => name.startsWith(`${side}-`) && name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(join(folder, name), 'utf8')) as Json);
}

const folder = process.argv[2];
if (!folder) throw new Error('usage: compareBenchResults.ts <folder with before-*.json and after-*.json>');
const before = runsOf(folder, 'before');
const after = runsOf(folder, 'after');
const commitOf = (runs: Json[]) => String(runs[0]?.commit ?? '?');
const loads = [...before, ...after].map((r) => (r.machine as Json | undefined)?.loadAverageAtStart);
const format = (n: number | undefined) =>
  n === undefined ? '—' : n >= 100 ? Math.round(n).toLocaleString('en') : n.toFixed(2);

console.log(
  `| figure (median of ${before.length} / ${after.length} runs) | before ${commitOf(before)} | after ${commitOf(after)} | after / before |`,
);
console.log('| --- | ---: | ---: | ---: |');
for (const { label, path, higherIsBetter } of FIGURES) {
  const b = median(before.map((r) => valueAt(r, path)).filter((v): v is number => v !== undefined));
  const a = median(after.map((r) => valueAt(r, path)).filter((v): v is number => v !== undefined));
  const ratio =
    a !== undefined && b !== undefined && b !== 0 ? `${(a / b).toFixed(2)}${higherIsBetter ? ' ↑' : ' ↓'}` : '—';
  console.log(`| ${label} | ${format(b)} | ${format(a)} | ${ratio} |`);
}
console.log(
  `\n1-minute load averages at the start of each run: ${loads.map((l) => format(Number(l))).join(', ')} (${new Date().toISOString().slice(0, 10)}).`,
);
console.log('↑ more is better, ↓ less is better.');

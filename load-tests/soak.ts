/**
 * `npm run soak`: does the local cell stay flat? A fresh cell takes `--rate` events/s (1,000) for
 * `--warmup-s` (300) and then `--duration-s` (600) more, open loop, from the bench's load generator.
 * The warm-up covers what legitimately fills for minutes: the FIFO queues' 5-minute deduplication
 * windows, and V8 sizing each thread's heap to the load (resident memory rose for 2–4 minutes and
 * then stayed flat, docs/PERFORMANCE.md "Memory over time"); growth since the first minute is
 * reported as well, so the longer warm-up hides nothing.
 * It samples the cell's resident memory (its process: main, emulator and SQLite threads; its child
 * processes but the load generator) and its breakdown (V8 heap per thread, native memory) every
 * second and the SQLite files of its data directory at the end of the warm-up and at the end, then
 * checks that every accepted event was recorded exactly once.
 *
 *   npm run soak                               # 10 minutes at 1,000 events/s after a 5-minute warm-up
 *   npm run soak -- --rate 500 --duration-s 120 --warmup-s 30 --out /tmp/soak.json
 *   npm run soak -- --rate 200 --heap-snapshots /tmp/snaps   # + heap snapshots of the main and emulator threads
 *
 * Passes (exit 0) when resident memory at the end (median of the last 30 s) is within 10 % of what
 * it was after the warm-up (median of its last 30 s), nothing was lost or duplicated and no request
 * failed without an answer. The files' growth is reported per 1,000 events recorded: a store grows
 * with its data; a queue database that grows while its queues stay drained would be a leak.
 */
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalCell } from '../local/cell/LocalCell.ts';
import { type HeapTrimStats, heapTrimStats } from '../local/worker/index.ts';
import { formatNumber, formatTable } from '../ops/formatTable.ts';
import { readAcceptedLog } from './acceptedLog.ts';
import { ROOT } from './bench/benchOptions.ts';
import { storeRecordSource } from './recordSources.ts';
import { runLoadInChild } from './runLoadInChild.ts';
import { MemoryBreakdown, type MemorySample } from './soak/memoryBreakdown.ts';
import { median, memoryGrowth, type SeriesGrowth } from './soak/memoryGrowth.ts';
import { writeHeapSnapshots } from './soak/writeHeapSnapshots.ts';
import { verifyCompleteness } from './verifyCompleteness.ts';

const MAX_GROWTH = 0.1;
const WINDOW_S = 30;
const FIRST_MINUTE_S = 60;

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    'duration-s': { type: 'string', default: '600' },
    'warmup-s': { type: 'string', default: '300' },
    out: { type: 'string' },
    'heap-snapshots': { type: 'string' },
  },
});
const rate = Number(values.rate);
const durationS = Number(values['duration-s']);
const warmupS = Number(values['warmup-s']);
if (![rate, durationS, warmupS].every((n) => Number.isFinite(n) && n > 0) || warmupS < WINDOW_S) {
  throw new Error(`--rate, --duration-s and --warmup-s must be positive, --warmup-s at least ${WINDOW_S}`);
}
const out = resolve(values.out ?? join(ROOT, 'load-tests/results/soak.json'));
const work = mkdtempSync(join(tmpdir(), 'bems-soak-'));
const dataDir = join(work, 'data');
const loadAverageAtStart = loadavg()[0] ?? 0;
// Before the cell starts, so that it sees the cell's worker threads being created.
const breakdown = new MemoryBreakdown(/loadWorker\.ts/);
const cell = await startLocalCell({ port: 0, dataDir, quiet: true });
const runId = `soak${process.pid}`;
const recorded = () => cell.readModel.countByInvoicePrefix(`LT-${runId}-`);
const samples: MemorySample[] = [];
const startedAt = Date.now();
const sampler = setInterval(() => {
  void breakdown.sample((Date.now() - startedAt) / 1000).then((sample) => samples.push(sample));
}, 1000);
let afterWarmUp: { files: Record<string, number>; records: number; cpu: NodeJS.CpuUsage } | undefined;
const snapshotDir = values['heap-snapshots'] ? resolve(values['heap-snapshots']) : undefined;
const snapshots: Promise<string[]>[] = [];
const warmUpTimer = setTimeout(() => {
  afterWarmUp = { files: sqliteFiles(dataDir), records: recorded(), cpu: process.cpuUsage() };
  if (snapshotDir) snapshots.push(writeHeapSnapshots(snapshotDir, 'after-warm-up', breakdown));
}, warmupS * 1000);
process.stderr.write(`soak: ${rate} events/s for ${warmupS} s warm-up + ${durationS} s\n`);
try {
  const acceptedFile = join(work, 'accepted.jsonl');
  const load = await runLoadInChild({
    url: cell.apiUrl,
    apiKey: cell.apiKey,
    mode: 'rate',
    eventsPerSecond: rate,
    durationS: warmupS + durationS,
    concurrency: 256,
    batchSize: 10,
    runId,
    acceptedFile,
  });
  const endS = (Date.now() - startedAt) / 1000;
  // The cell's CPU until the load ends: the completeness check below runs in this process too.
  const cpuUntilLoadEnd = process.cpuUsage(afterWarmUp?.cpu);
  if (snapshotDir) snapshots.push(writeHeapSnapshots(snapshotDir, 'at-end', breakdown));
  for (const file of (await Promise.all(snapshots)).flat()) process.stderr.write(`soak: heap snapshot ${file}\n`);
  const accepted = readAcceptedLog(acceptedFile).events;
  const completeness = await verifyCompleteness({
    accepted,
    source: storeRecordSource(cell.store, { invoicePrefix: `LT-${runId}-`, readModel: cell.readModel }),
    deadlineMs: 120_000,
  });
  clearInterval(sampler);
  const atEnd = { files: sqliteFiles(dataDir), records: recorded(), cpu: cpuUntilLoadEnd };
  const memory = memoryGrowth(
    samples,
    { fromS: warmupS - WINDOW_S, toS: warmupS },
    { fromS: endS - WINDOW_S, toS: endS },
  );
  // The cell's resident memory: its process (every thread) and its child processes (Fargate tasks,
  // tsx's esbuild service); the load generator, also a child, is not the cell's.
  const cellMiB = samples.map((s) => s.rssMiB + s.childrenMiB);
  const cellMedian = (toS: number) =>
    median(samples.flatMap((s, i) => (s.atS > toS - WINDOW_S && s.atS <= toS ? [cellMiB[i] ?? 0] : [])));
  const rssAfterWarmUp = cellMedian(warmupS);
  const rssAtEnd = cellMedian(endS);
  // Halfway through the measured part: growth that stops before it (a cache filling up to its
  // bound, V8 sizing its heaps) shows as growth before and none after.
  const rssMidRun = cellMedian(warmupS + (endS - warmupS) / 2);
  const growth = rssAtEnd / rssAfterWarmUp - 1;
  // Against the first minute as well, whatever the warm-up: a longer warm-up must not hide growth.
  const rssAfterFirstMinute = cellMedian(FIRST_MINUTE_S);
  const recordsInRun = atEnd.records - (afterWarmUp?.records ?? 0);
  const files = Object.keys(atEnd.files).map((name) => {
    const before = afterWarmUp?.files[name] ?? 0;
    const after = atEnd.files[name] ?? 0;
    return {
      name,
      bytesAfterWarmUp: before,
      bytesAtEnd: after,
      bytesPer1000Events: ((after - before) / recordsInRun) * 1000,
    };
  });
  const passed =
    Math.abs(growth) <= MAX_GROWTH &&
    completeness.missing.length === 0 &&
    completeness.duplicates.length === 0 &&
    load.networkErrors === 0;
  const results = {
    measuredAt: new Date().toISOString(),
    command: `npm run soak -- ${process.argv.slice(2).join(' ')}`.trim(),
    loadAverage: { atStart: loadAverageAtStart, atEnd: loadavg()[0] ?? 0 },
    options: { rate, durationS, warmupS },
    // What sizes the heaps and the allocator, when set (the main thread's V8 flags, glibc's arenas).
    environment: { NODE_OPTIONS: process.env.NODE_OPTIONS, MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX },
    load: { ...load, httpMs: load.httpMs },
    lost: completeness.missing.length,
    duplicates: completeness.duplicates.length,
    visibilityMs: completeness.visibilityMs,
    rssMiB: {
      afterWarmUp: rssAfterWarmUp,
      midRun: rssMidRun,
      atEnd: rssAtEnd,
      growth,
      secondHalfGrowth: rssAtEnd / rssMidRun - 1,
      afterFirstMinute: rssAfterFirstMinute,
      growthSinceFirstMinute: rssAtEnd / rssAfterFirstMinute - 1,
      // While the load runs: reading back 900,000 accepted events afterwards takes this process's
      // heap to ~550 MiB, which is the soak's check, not the cell.
      max: Math.max(...cellMiB.filter((_, i) => (samples[i]?.atS ?? 0) <= endS)),
    },
    memory,
    // The main thread's heap trimmer (local/worker/heapTrimmer.ts): how often it gave pages back.
    mainThreadHeapTrims: heapTrimStats(),
    recordsInRun,
    // The cell's CPU (every thread of this process; the load generator is a child process) per event
    // recorded after the warm-up: what a smaller young generation or fewer malloc arenas cost.
    cellCpuMsPerEvent: (atEnd.cpu.user + atEnd.cpu.system) / 1000 / recordsInRun,
    files,
    samples,
    passed,
  };
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  printSummary(results);
  process.exitCode = passed ? 0 : 1;
} finally {
  clearInterval(sampler);
  clearTimeout(warmUpTimer);
  breakdown.stop();
  await cell.stop();
  rmSync(work, { recursive: true, force: true });
}

/** Sizes of the SQLite files (database + WAL) under the data directory, by database. */
function sqliteFiles(dir: string): Record<string, number> {
  const sizes: Record<string, number> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.(sqlite|db)(-wal)?$/.test(entry.name)) continue;
    const name = join(entry.parentPath, entry.name.replace(/-wal$/, '')).slice(dir.length + 1);
    sizes[name] = (sizes[name] ?? 0) + statSync(join(entry.parentPath, entry.name)).size;
  }
  return sizes;
}

function printSummary(r: {
  options: { rate: number; durationS: number; warmupS: number };
  load: { acceptedPerSecond: number; networkErrors: number; statusCounts: Readonly<Record<string, number>> };
  lost: number;
  duplicates: number;
  visibilityMs: { p99: number };
  cellCpuMsPerEvent: number;
  rssMiB: {
    afterWarmUp: number;
    midRun: number;
    atEnd: number;
    growth: number;
    secondHalfGrowth: number;
    afterFirstMinute: number;
    growthSinceFirstMinute: number;
    max: number;
  };
  files: { name: string; bytesAfterWarmUp: number; bytesAtEnd: number; bytesPer1000Events: number }[];
  memory: readonly SeriesGrowth[];
  mainThreadHeapTrims: HeapTrimStats;
  passed: boolean;
}): void {
  const mb = (n: number) => formatNumber(n / 2 ** 20, 1);
  console.log(
    `soak: ${r.options.rate}/s offered for ${r.options.warmupS} + ${r.options.durationS} s; ` +
      `${formatNumber(r.load.acceptedPerSecond, 0)}/s accepted, statuses ${JSON.stringify(r.load.statusCounts)}, ` +
      `${r.load.networkErrors} network errors, ${r.lost} lost, ${r.duplicates} duplicates, visibility p99 ${formatNumber(r.visibilityMs.p99, 0)} ms, ` +
      `cell CPU ${formatNumber(r.cellCpuMsPerEvent, 2)} ms per event`,
  );
  console.log(
    `resident memory: ${formatNumber(r.rssMiB.afterWarmUp, 0)} MiB after warm-up, ${formatNumber(r.rssMiB.atEnd, 0)} MiB at the end ` +
      `(${percent(r.rssMiB.growth)}, limit ±${MAX_GROWTH * 100}%), peak ${formatNumber(r.rssMiB.max, 0)} MiB; ` +
      `second half of the run ${formatNumber(r.rssMiB.midRun, 0)} → ${formatNumber(r.rssMiB.atEnd, 0)} MiB (${percent(r.rssMiB.secondHalfGrowth)}); ` +
      `since the first minute ${formatNumber(r.rssMiB.afterFirstMinute, 0)} → ${formatNumber(r.rssMiB.atEnd, 0)} MiB (${percent(r.rssMiB.growthSinceFirstMinute)})`,
  );
  const trims = r.mainThreadHeapTrims;
  console.log(
    `main thread's heap trimmer: ${trims.trims} trim(s), ~${formatNumber(trims.pooledMiB, 0)} MiB given back, ` +
      `${formatNumber(trims.pauseMs, 0)} ms of pauses`,
  );
  console.log(
    formatTable(
      ['SQLite file (+ WAL)', 'MB after warm-up', 'MB at end', 'bytes per 1,000 events'],
      r.files.map((f) => [f.name, mb(f.bytesAfterWarmUp), mb(f.bytesAtEnd), formatNumber(f.bytesPer1000Events, 0)]),
      { align: ['left', 'right', 'right', 'right'] },
    ),
  );
  console.log(
    formatTable(
      ['memory (MiB)', 'after warm-up', 'at end', 'growth'],
      r.memory.map((m) => [
        m.series,
        formatNumber(m.afterWarmUpMiB, 1),
        formatNumber(m.atEndMiB, 1),
        formatNumber(m.growthMiB, 1),
      ]),
      { align: ['left', 'right', 'right', 'right'] },
    ),
  );
  console.log(r.passed ? 'soak: passed' : 'soak: FAILED');
}

function percent(fraction: number): string {
  return `${fraction >= 0 ? '+' : ''}${formatNumber(fraction * 100, 1)}%`;
}

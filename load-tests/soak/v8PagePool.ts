/**
 * Does V8 give a thread's emptied heap pages back to the operating system? And does the local cell's
 * heap trimmer (`local/worker/heapTrimmer.ts`)? Fills this thread's heap with `--objects` small
 * objects, drops them and runs an ordinary major GC, then prints the process's anonymous resident
 * memory and V8's physical heap size: right after the collection, after `--busy-s` seconds of a busy
 * thread (short-lived allocations only, as the cell's threads under load: V8's memory reducer, which
 * may free the pool on an idle thread, does not run), and after `--busy-s` more with the trimmer on.
 *
 *   npx tsx --max-semi-space-size=16 load-tests/soak/v8PagePool.ts            # 1,500,000 objects, 20 s busy
 *   npx tsx load-tests/soak/v8PagePool.ts --objects 500000 --busy-s 10
 *
 * Exit 0 when both hold: V8 kept at least 64 MiB of the emptied pages resident on the busy thread (the
 * reason for the trimmer), and the trimmer gave back at least half of what was kept.
 */
import { parseArgs } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { gcExtension, heapTrimStats, retainHeapTrimmer } from '../../local/worker/heapTrimmer.ts';
import { formatNumber, formatTable } from '../../ops/formatTable.ts';
import { procFields } from './memoryBreakdown.ts';

const { values } = parseArgs({
  options: { objects: { type: 'string', default: '1500000' }, 'busy-s': { type: 'string', default: '20' } },
});
const objects = Number(values.objects);
const busyS = Number(values['busy-s']);
if (!(Number.isInteger(objects) && objects > 0 && Number.isFinite(busyS) && busyS > 0)) {
  throw new Error('--objects must be a positive integer and --busy-s a positive number of seconds');
}

const MIB = 1024 * 1024;
const rows: string[][] = [];
/** Allocates short-lived garbage for `seconds`, yielding to timers between rounds. */
async function busy(seconds: number): Promise<void> {
  const until = performance.now() + seconds * 1000;
  let sink = 0;
  while (performance.now() < until) {
    for (let i = 0; i < 20_000; i++) sink += { i, s: `y${i}` }.s.length;
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (sink < 0) throw new Error('unreachable');
}
function anonymousMiB(): number {
  const anonymous = procFields('self', 'smaps_rollup').Anonymous;
  if (anonymous === undefined) throw new Error('no Anonymous line in /proc/self/smaps_rollup (Linux only)');
  return anonymous;
}
function record(when: string): number {
  const heap = getHeapStatistics();
  const anon = anonymousMiB();
  rows.push([
    when,
    formatNumber(anon, 0),
    formatNumber(heap.total_physical_size / MIB, 0),
    formatNumber(heap.used_heap_size / MIB, 0),
    formatNumber(heap.total_heap_size / MIB, 0),
  ]);
  return anon;
}

/** Grows the heap over a few seconds, as a backlog does, then drops it all. */
const fillAndDrop = async (tag: string): Promise<void> => {
  let kept: { a: number; b: string; c: number[] }[] | undefined = [];
  for (let i = 0; i < objects; i++) {
    kept.push({ a: i, b: `x${i}`, c: [i, i + 1] });
    if (i % 50_000 === 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  record(`${formatNumber(objects, 0)} objects live${tag}`);
  kept = undefined;
  // An ordinary major GC, as V8 runs them on a busy thread (not the last-resort kind the trimmer runs).
  gcExtension()({ type: 'major', execution: 'sync', flavor: 'regular' });
};

const baseline = record('start');
await fillAndDrop('');
const pooled = record('dropped, collected by V8');
await busy(busyS);
const idle = record(`after ${busyS} s busy`);
// The trimmer watches from before the heap grows, as the cell's does from its start.
const release = retainHeapTrimmer({ intervalMs: 500, minPooledMiB: 16 });
await fillAndDrop(' again, trimmer on');
const beforeTrim = record('dropped, collected by V8');
await busy(busyS);
const trimmed = record(`after ${busyS} s busy with the trimmer`);
release();
process.stdout.write(
  `${formatTable(['when', 'anonymous resident MiB', 'V8 heap physical MiB', 'V8 heap used MiB', 'V8 heap total MiB'], rows)}\n`,
);
const stats = heapTrimStats();
process.stdout.write(
  `trims: ${stats.trims}, estimated pooled ${formatNumber(stats.pooledMiB, 0)} MiB, pause ${formatNumber(stats.pauseMs, 1)} ms\n`,
);
const keptByV8 = Math.min(pooled, idle) - baseline;
const gaveBack = beforeTrim - trimmed;
process.stdout.write(
  `kept resident by V8 on a busy thread: ${formatNumber(keptByV8, 0)} MiB; given back by the trimmer: ${formatNumber(gaveBack, 0)} MiB\n`,
);
process.exitCode = keptByV8 >= 64 && gaveBack >= (beforeTrim - baseline) / 2 ? 0 : 1;

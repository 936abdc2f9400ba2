/**
 * Does every request get an HTTP answer when the local cell is overloaded? A short open-loop run
 * against a fresh local cell, optionally with the cell's main thread deliberately blocked (a busy
 * loop of `--stall-ms` every `--stall-every-ms`), as the cell's handlers and pollers block it when
 * they saturate a core:
 *
 *   npx tsx load-tests/overloadAnswers.ts [--rate 2000] [--duration 20] [--concurrency 256]
 *                                         [--stall-ms 0] [--stall-every-ms 1000] [--out FILE]
 *
 * Prints statuses, network errors (resets and the load generator's 30 s timeout), HTTP latency
 * percentiles, the slowest answers and the main thread's event-loop delay (max and p99, from
 * `monitorEventLoopDelay`). Exit code 1 on any network error.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startLocalCell } from '../local/cell/LocalCell.ts';
import { runLoadInChild } from './runLoadInChild.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '2000' },
    duration: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '256' },
    'stall-ms': { type: 'string', default: '0' },
    'stall-every-ms': { type: 'string', default: '1000' },
    out: { type: 'string' },
  },
});
const rate = Number(values.rate);
const durationS = Number(values.duration);
const stallMs = Number(values['stall-ms']);
const stallEveryMs = Number(values['stall-every-ms']);

const work = mkdtempSync(join(tmpdir(), 'bems-overload-'));
const cell = await startLocalCell({ port: 0, dataDir: join(work, 'data'), quiet: true });
const loopDelay = monitorEventLoopDelay({ resolution: 20 });
let stalls: NodeJS.Timeout | undefined;
try {
  loopDelay.enable();
  if (stallMs > 0) {
    // The main thread blocked as a saturated one is: nothing on it runs for stallMs at a time.
    stalls = setInterval(() => {
      const until = performance.now() + stallMs;
      while (performance.now() < until);
    }, stallEveryMs);
  }
  const loadAverage = loadavg()[0] ?? 0;
  const result = await runLoadInChild({
    url: cell.apiUrl,
    apiKey: cell.apiKey,
    mode: 'rate',
    eventsPerSecond: rate,
    durationS,
    concurrency: Number(values.concurrency),
    batchSize: 10,
    runId: `ovl${process.pid}`,
  });
  clearInterval(stalls);
  loopDelay.disable();
  const summary = {
    command: process.argv.slice(2).join(' '),
    loadAverageAtStart: loadAverage,
    loadAverageAtEnd: loadavg()[0] ?? 0,
    rate,
    durationS,
    stallMs,
    stallEveryMs,
    statusCounts: result.statusCounts,
    networkErrors: result.networkErrors,
    networkErrorKinds: result.networkErrorKinds,
    acceptedPerSecond: Math.round(result.acceptedPerSecond),
    httpMs: result.httpMs,
    mainLoopDelayMs: {
      max: Math.round(loopDelay.max / 1e6),
      p99: Math.round(loopDelay.percentile(99) / 1e6),
      mean: Math.round(loopDelay.mean / 1e6),
    },
  };
  console.log(JSON.stringify(summary, null, 2));
  if (values.out) writeFileSync(values.out, `${JSON.stringify(summary, null, 2)}\n`);
  process.exitCode = result.networkErrors === 0 ? 0 : 1;
} finally {
  clearInterval(stalls);
  await cell.stop();
  rmSync(work, { recursive: true, force: true });
}

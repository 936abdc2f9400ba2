/**
 * Does every request get an HTTP answer when the local cell is overloaded? Short open-loop runs
 * against fresh local cells, the API's front on its own thread (`thread`, the default) and on the
 * main thread as before it (`inline`, `apiFrontThread: false`), interleaved in one run so the two
 * see the same machine; optionally with the main thread deliberately blocked (a busy loop of
 * `--stall-ms` every `--stall-every-ms`), as the handlers and pollers block it when they saturate
 * a core:
 *
 *   npx tsx load-tests/overloadAnswers.ts [--rate 2000] [--duration 20] [--concurrency 256]
 *       [--fronts thread,inline] [--rounds 1] [--stall-ms 0] [--stall-every-ms 1000] [--out FILE]
 *
 * Prints, per run: statuses, network errors (resets and the load generator's 30 s timeout), HTTP
 * latency percentiles and the main thread's event-loop delay (`monitorEventLoopDelay`). Exit code 1
 * on any network error of a `thread` run.
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
    fronts: { type: 'string', default: 'thread' },
    rounds: { type: 'string', default: '1' },
    'stall-ms': { type: 'string', default: '0' },
    'stall-every-ms': { type: 'string', default: '1000' },
    out: { type: 'string' },
  },
});
const settings = {
  rate: Number(values.rate),
  durationS: Number(values.duration),
  concurrency: Number(values.concurrency),
  stallMs: Number(values['stall-ms']),
  stallEveryMs: Number(values['stall-every-ms']),
};
type Front = 'thread' | 'inline';
const fronts = values.fronts.split(',').map((front) => {
  if (front !== 'thread' && front !== 'inline') throw new Error(`--fronts: thread or inline, not ${front}`);
  return front as Front;
});

/** One run: a fresh cell, the load from a child process, the main thread optionally stalled. */
async function runOnce(front: Front, round: number) {
  const work = mkdtempSync(join(tmpdir(), 'bems-overload-'));
  const cell = await startLocalCell({
    port: 0,
    dataDir: join(work, 'data'),
    quiet: true,
    apiFrontThread: front === 'thread',
  });
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  let stalls: NodeJS.Timeout | undefined;
  try {
    loopDelay.enable();
    if (settings.stallMs > 0) {
      // The main thread blocked as a saturated one is: nothing on it runs for stallMs at a time.
      stalls = setInterval(() => {
        const until = performance.now() + settings.stallMs;
        while (performance.now() < until);
      }, settings.stallEveryMs);
    }
    const loadAverageAtStart = loadavg()[0] ?? 0;
    const result = await runLoadInChild({
      url: cell.apiUrl,
      apiKey: cell.apiKey,
      mode: 'rate',
      eventsPerSecond: settings.rate,
      durationS: settings.durationS,
      concurrency: settings.concurrency,
      batchSize: 10,
      runId: `ovl${process.pid}r${round}${front}`,
    }).finally(() => clearInterval(stalls));
    loopDelay.disable();
    const ms = (ns: number) => Math.round(ns / 1e6);
    return {
      front,
      round,
      loadAverageAtStart,
      loadAverageAtEnd: loadavg()[0] ?? 0,
      statusCounts: result.statusCounts,
      networkErrors: result.networkErrors,
      networkErrorKinds: result.networkErrorKinds,
      acceptedPerSecond: Math.round(result.acceptedPerSecond),
      httpMs: Object.fromEntries(Object.entries(result.httpMs).map(([k, v]) => [k, Math.round(v)])),
      mainLoopDelayMs: { max: ms(loopDelay.max), p99: ms(loopDelay.percentile(99)), mean: ms(loopDelay.mean) },
    };
  } finally {
    clearInterval(stalls);
    await cell.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

const runs = [];
for (let round = 1; round <= Number(values.rounds); round += 1)
  for (const front of fronts) {
    const run = await runOnce(front, round);
    console.log(JSON.stringify(run));
    runs.push(run);
  }
const summary = { command: process.argv.slice(2).join(' '), at: new Date().toISOString(), settings, runs };
if (values.out) writeFileSync(values.out, `${JSON.stringify(summary, null, 2)}\n`);
process.exitCode = runs.some((run) => run.front === 'thread' && run.networkErrors > 0) ? 1 : 0;

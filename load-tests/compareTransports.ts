/**
 * The whole local cell's CPU per event with its handlers and pollers on the port to the emulator
 * thread vs on loopback HTTP (`LocalCellOptions.transport`): runs `load-tests/profile.ts` (a burst
 * through a fresh cell, until every event is recorded) alternately with `--transport http` and
 * `--transport port`, `--runs` times each, and prints each run, the medians and their ratio, and
 * whether the AWS request counts per action agree (they must: the bench's requests per event come
 * from them). CPU per event moves little when other processes compete; events/s moves a lot.
 *
 *   npx tsx load-tests/compareTransports.ts [--events 3000] [--runs 2]
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchFlags } from './micro/benchFlags.ts';

const { events, runs } = benchFlags({ events: 3000, runs: 2 });
const profile = fileURLToPath(new URL('./profile.ts', import.meta.url));
type Transport = 'http' | 'port';
interface Run {
  readonly cpuMsPerEvent: number;
  readonly eventsPerSecond: number;
  readonly requests: Record<string, number>;
}

function runOnce(transport: Transport): Run {
  const output = execFileSync(
    process.execPath,
    ['--import', 'tsx', profile, '--events', String(events), '--transport', transport, '--interval-s', '5'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const cpu = /cell CPU: ([\d.]+) ms per event/.exec(output);
  const rate = /= (\d+) events\/s/.exec(output);
  if (!cpu || !rate) throw new Error(`profile.ts printed no figures:\n${output}`);
  const requests: Record<string, number> = {};
  for (const [, action, count] of output.matchAll(/^ {2}(\S+): (\d+)$/gm)) requests[action!] = Number(count);
  return { cpuMsPerEvent: Number(cpu[1]), eventsPerSecond: Number(rate[1]), requests };
}

const results: Record<Transport, Run[]> = { http: [], port: [] };
console.log(
  `${events}-event bursts, ${runs} runs per transport, alternating; load average ${loadavg()[0]!.toFixed(1)} at start`,
);
for (let round = 0; round < runs; round += 1) {
  for (const transport of ['http', 'port'] as const) {
    const run = runOnce(transport);
    results[transport].push(run);
    console.log(
      `${transport}: ${run.cpuMsPerEvent.toFixed(2)} ms CPU per event, ${run.eventsPerSecond} events/s end to end (load ${loadavg()[0]!.toFixed(1)})`,
    );
  }
}
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const cpu = (t: Transport) => median(results[t].map((r) => r.cpuMsPerEvent));
const rate = (t: Transport) => median(results[t].map((r) => r.eventsPerSecond));
console.log(
  `\nmedian cell CPU per event: http ${cpu('http').toFixed(2)} ms, port ${cpu('port').toFixed(2)} ms, port/http ${(cpu('port') / cpu('http')).toFixed(2)}`,
);
console.log(
  `median end to end: http ${rate('http')}/s, port ${rate('port')}/s, port/http ${(rate('port') / rate('http')).toFixed(2)}`,
);
// Requests the emulators counted, per event, by action: the same on both transports (polls aside).
const perEvent = (t: Transport) => {
  const totals: Record<string, number> = {};
  for (const run of results[t])
    for (const [action, n] of Object.entries(run.requests)) totals[action] = (totals[action] ?? 0) + n;
  return totals;
};
const [http, port] = [perEvent('http'), perEvent('port')];
console.log('\nrequests per event by action (http / port):');
for (const action of [...new Set([...Object.keys(http), ...Object.keys(port)])].sort()) {
  const of = (counts: Record<string, number>) => ((counts[action] ?? 0) / (events * runs)).toFixed(3);
  console.log(`  ${action.padEnd(40)} ${of(http).padStart(7)} / ${of(port).padStart(7)}`);
}

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
  /** Events recorded: the accepted ones (a request shed with 429/503 is not retried by profile.ts). */
  readonly recorded: number;
  readonly requests: Record<string, number>;
}

function runOnce(transport: Transport): Run {
  const output = execFileSync(
    process.execPath,
    ['--import', 'tsx', profile, '--events', String(events), '--transport', transport, '--interval-s', '5'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const cpu = /cell CPU: ([\d.]+) ms per event/.exec(output);
  const rate = /end to end: (\d+) recorded in [\d.]+ s = (\d+) events\/s/.exec(output);
  if (!cpu || !rate) throw new Error(`profile.ts printed no figures:\n${output}`);
  const requests: Record<string, number> = {};
  for (const [, action, count] of output.matchAll(/^ {2}(\S+): (\d+)$/gm)) requests[action!] = Number(count);
  return { cpuMsPerEvent: Number(cpu[1]), eventsPerSecond: Number(rate[2]), recorded: Number(rate[1]), requests };
}

const results: Record<Transport, Run[]> = { http: [], port: [] };
const load = () => loadavg()[0]!.toFixed(1);
console.log(`${events}-event bursts, ${runs} runs per transport, alternating; load average ${load()} at start`);
for (let round = 0; round < runs; round += 1) {
  for (const transport of ['http', 'port'] as const) {
    const run = runOnce(transport);
    results[transport].push(run);
    const { cpuMsPerEvent, recorded, eventsPerSecond } = run;
    console.log(
      `${transport}: ${cpuMsPerEvent.toFixed(2)} ms CPU per event, ${recorded} recorded at ${eventsPerSecond}/s end to end (load ${load()})`,
    );
  }
}
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const ratio = (of: (run: Run) => number, digits: number, unit: string) => {
  const [http, port] = [median(results.http.map(of)), median(results.port.map(of))];
  return `http ${http.toFixed(digits)}${unit}, port ${port.toFixed(digits)}${unit}, port/http ${(port / http).toFixed(2)}`;
};
console.log(`\nmedian cell CPU per event: ${ratio((run) => run.cpuMsPerEvent, 2, ' ms')}`);
console.log(`median end to end: ${ratio((run) => run.eventsPerSecond, 0, '/s')}`);
// Requests the emulators counted per recorded event, by action: the same on both transports (polls aside).
const perEvent = (t: Transport) => {
  const totals: Record<string, number> = {};
  for (const run of results[t])
    for (const [action, n] of Object.entries(run.requests)) totals[action] = (totals[action] ?? 0) + n;
  return { totals, recorded: results[t].reduce((sum, run) => sum + run.recorded, 0) };
};
const [http, port] = [perEvent('http'), perEvent('port')];
console.log('\nrequests per recorded event by action (http / port):');
for (const action of [...new Set([...Object.keys(http.totals), ...Object.keys(port.totals)])].sort()) {
  const of = ({ totals, recorded }: typeof http) => ((totals[action] ?? 0) / recorded).toFixed(3);
  console.log(`  ${action.padEnd(50)} ${of(http).padStart(7)} / ${of(port).padStart(7)}`);
}

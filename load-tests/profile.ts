/**
 * Where does the local cell spend its time? Sends a burst of events to a fresh local cell and
 * prints, every interval, the records written per second, the process CPU and the event-loop
 * utilisation (ELU), plus the emulators' request counts per action at the end.
 *
 *   npx tsx load-tests/profile.ts --events 5000 [--batching off] [--idempotency off] [--transport port|http] [--gather on|off] [--interval-s 2] [--cpu-profile /tmp/cell.cpuprofile]
 *                                 [--warm-events 0] [--prefill-idempotency 0]
 *
 * `--transport` is how the cell's handlers and pollers reach the emulator thread (`LocalCellOptions.transport`,
 * default `port`); `load-tests/compareTransports.ts` runs both alternately and compares them.
 * `--idempotency off` starts the cell without ingest's idempotency check, so what the profile shows
 * is the pipeline downstream of ingest (EventBridge, SNS/SQS, Timestream, the pollers).
 * `--gather on` turns on adaptive gathering of the port's messages (`LocalCellOptions.gatherPortMessages`,
 * off by default: docs/PERFORMANCE.md, "Adaptive posting on the SDK port").
 *
 * `--warm-events N` first sends N events (not measured) and waits until they are recorded, so the
 * measured burst meets stores that already hold data, as the bench's burst does after its sustained
 * phase (~120,000 events); `--prefill-idempotency N` writes N COMPLETED idempotency records straight
 * into the cell's idempotency table (`micro/idempotencyRecords.ts`) before the burst: the DynamoDB
 * table's size alone, without the other stores'.
 *
 * `--cpu-profile` records a V8 CPU profile of the cell's process from the first request until the
 * last record (start-up excluded); open it in Chrome DevTools or summarise it with
 * `npx tsx load-tests/summarizeProfile.ts FILE`.
 *
 * Reading it: ELU is the cell's main event loop, emu% the emulator thread's (SNS/SQS, Timestream).
 * An ELU near 100% with CPU well below it means that loop is blocked in synchronous I/O (SQLite
 * commits) or starved of CPU by other processes; both near 100% means JavaScript work is the limit.
 * `--cpu-profile FILE` writes the main thread's profile to FILE and the emulator thread's next to it
 * (`*.emulators.cpuprofile`). `written:` is the bytes the cell's process wrote per event (SQLite's
 * WAL frames and checkpoints, `micro/writtenBytes.ts`), a figure the machine's load does not move.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startLocalCell } from '../local/cell/LocalCell.ts';
import { prefillIdempotencyRecords } from './micro/idempotencyRecords.ts';
import { writtenBytes } from './micro/writtenBytes.ts';
import { runLoadInChild } from './runLoadInChild.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '5000' },
    batching: { type: 'string', default: 'on' },
    transport: { type: 'string', default: 'port' },
    idempotency: { type: 'string', default: 'on' },
    gather: { type: 'string', default: 'off' },
    'interval-s': { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '32' },
    'cpu-profile': { type: 'string' },
    'warm-events': { type: 'string', default: '0' },
    'prefill-idempotency': { type: 'string', default: '0' },
  },
});
const events = Number(values.events);
const transport = values.transport;
if (transport !== 'port' && transport !== 'http') throw new Error(`--transport must be port or http, got ${transport}`);
if (values.gather !== 'on' && values.gather !== 'off')
  throw new Error(`--gather must be on or off, got ${values.gather}`);
const intervalMs = Number(values['interval-s']) * 1000;
const work = mkdtempSync(join(tmpdir(), 'bems-profile-'));
const cell = await startLocalCell({
  port: 0,
  dataDir: join(work, 'data'),
  quiet: true,
  batching: values.batching !== 'off',
  transport,
  idempotency: values.idempotency !== 'off',
  gatherPortMessages: values.gather === 'on',
});
const runId = `prof${process.pid}`;
await warmUp(Number(values['warm-events']), Number(values['prefill-idempotency']));
const session = values['cpu-profile'] ? new Session() : undefined;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  await cell.emulatorProfiler.start();
}
const t0 = performance.now();
const cpuAtStart = process.cpuUsage();
const mainCpuAtStart = process.threadCpuUsage();
const writtenAtStart = writtenBytes();
let lastElu = performance.eventLoopUtilization();
let lastWorkerElu = cell.emulatorEventLoopUtilization();
let lastCpu = process.cpuUsage();
let lastRecords = 0;
const recorded = () => cell.readModel.countByInvoicePrefix(`LT-${runId}-`);
// ELU: the cell's main event loop (API, handlers, pollers, EventBridge); emu: the emulator thread.
console.log('   t    records/s  CPU%  ELU%  emu%');
const timer = setInterval(() => {
  const elu = performance.eventLoopUtilization(lastElu);
  lastElu = performance.eventLoopUtilization();
  const workerElu = cell.emulatorEventLoopUtilization(lastWorkerElu);
  lastWorkerElu = cell.emulatorEventLoopUtilization();
  const cpu = process.cpuUsage(lastCpu);
  lastCpu = process.cpuUsage();
  const records = recorded();
  const perS = ((records - lastRecords) * 1000) / intervalMs;
  lastRecords = records;
  console.log(
    `${((performance.now() - t0) / 1000).toFixed(0).padStart(4)}s ${perS.toFixed(0).padStart(10)} ` +
      `${((cpu.user + cpu.system) / (intervalMs * 10)).toFixed(0).padStart(5)} ${(elu.utilization * 100).toFixed(0).padStart(5)} ${(workerElu.utilization * 100).toFixed(0).padStart(5)}`,
  );
}, intervalMs);
const load = await runLoadInChild({
  url: cell.apiUrl,
  apiKey: cell.apiKey,
  mode: 'burst',
  totalEvents: events,
  concurrency: Number(values.concurrency),
  batchSize: 10,
  runId,
});
console.log(
  `ingest: ${load.eventsAccepted} accepted at ${load.acceptedPerSecond.toFixed(0)}/s, HTTP p99 ${load.httpMs.p99.toFixed(0)} ms`,
);
while (recorded() < load.eventsAccepted && performance.now() - t0 < 300_000)
  await new Promise((r) => setTimeout(r, 500));
const seconds = (performance.now() - t0) / 1000;
clearInterval(timer);
if (session) {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(values['cpu-profile']!, JSON.stringify(profile));
  session.disconnect();
  const emulatorProfile = values['cpu-profile']!.replace(/(\.cpuprofile)?$/, '.emulators.cpuprofile');
  writeFileSync(emulatorProfile, JSON.stringify(await cell.emulatorProfiler.stop()));
  console.log(`CPU profiles: ${values['cpu-profile']} (main thread), ${emulatorProfile} (emulator thread)`);
}
const cpuTotal = process.cpuUsage(cpuAtStart);
const mainCpu = process.threadCpuUsage(mainCpuAtStart);
console.log(
  `end to end: ${recorded()} recorded in ${seconds.toFixed(1)} s = ${(recorded() / seconds).toFixed(0)} events/s`,
);
// CPU time per event hardly moves when other processes compete for the cores; events/s does.
const msPerEvent = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000 / recorded();
console.log(`cell CPU: ${msPerEvent(cpuTotal).toFixed(2)} ms per event`);
// The main thread runs the API, the handlers and the pollers; the rest is the emulator thread plus
// SQLite's checkpoint threads, GC helpers and libuv's pool.
const otherCpu = { user: cpuTotal.user - mainCpu.user, system: cpuTotal.system - mainCpu.system };
console.log(
  `  main thread: ${msPerEvent(mainCpu).toFixed(3)} ms, other threads: ${msPerEvent(otherCpu).toFixed(3)} ms per event`,
);
// Bytes handed to write() (SQLite's WAL frames and checkpoints, mostly): unlike CPU, not moved by load.
console.log(`written: ${((writtenBytes() - writtenAtStart) / recorded() / 1024).toFixed(2)} KiB per event`);
console.log('requests by action:');
for (const [action, count] of Object.entries(await cell.requestCountsByAction())) console.log(`  ${action}: ${count}`);
await cell.stop();
rmSync(work, { recursive: true, force: true });
process.exit(0);

/** Data in the stores before the measured burst: events through the cell, or idempotency records. */
async function warmUp(warmEvents: number, idempotencyRecords: number): Promise<void> {
  if (!Number.isInteger(warmEvents) || warmEvents < 0) throw new Error('--warm-events must be a whole number');
  if (!Number.isInteger(idempotencyRecords) || idempotencyRecords < 0)
    throw new Error('--prefill-idempotency must be a whole number');
  if (idempotencyRecords > 0) {
    if (!cell.endpoints.dynamodb) throw new Error("--prefill-idempotency needs the cell's DynamoDB emulator");
    const client = new DynamoDBClient({
      endpoint: cell.endpoints.dynamodb,
      region: cell.cell.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const started = performance.now();
    await prefillIdempotencyRecords(client, cell.topology.idempotencyTable, idempotencyRecords);
    client.destroy();
    console.log(
      `prefilled ${idempotencyRecords} idempotency records in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  if (warmEvents > 0) {
    const warmId = `warm${process.pid}`;
    const started = performance.now();
    const warm = await runLoadInChild({
      url: cell.apiUrl,
      apiKey: cell.apiKey,
      mode: 'burst',
      totalEvents: warmEvents,
      concurrency: Number(values.concurrency),
      batchSize: 10,
      runId: warmId,
    });
    while (cell.readModel.countByInvoicePrefix(`LT-${warmId}-`) < warm.eventsAccepted)
      await new Promise((r) => setTimeout(r, 500));
    console.log(
      `warm-up: ${warm.eventsAccepted} events recorded in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }
}

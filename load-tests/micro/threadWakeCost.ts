/**
 * What one `postMessage` to a worker thread costs the sending thread, by what the worker is doing:
 * asleep in its event loop (it has had nothing to do for `--gap-ms`), or busy (it spins for longer
 * than the gap). On this 2-core VM, waking a sleeping thread is most of the cost, and how much it
 * is depends on how busy the host is — it is what the port to the emulator worker pays per request
 * and per answer when the other thread is idle (docs/PERFORMANCE.md, "Downstream main-thread CPU
 * (branch downcpu)", where posting per event-loop turn instead was measured and not kept).
 *
 *   npx tsx load-tests/micro/threadWakeCost.ts [--messages 300] [--gap-ms 2] [--rounds 3]
 */
import { Worker } from 'node:worker_threads';
import { benchFlags } from './benchFlags.ts';
import { median } from './sdkBench.ts';

const { messages, rounds, 'gap-ms': gapMs } = benchFlags({ messages: 300, rounds: 3, 'gap-ms': 2 });

// The worker does nothing with a message but, when told, spin for that many milliseconds.
const worker = new Worker(
  `require('node:worker_threads').parentPort.on('message', (m) => {
     const end = Date.now() + m.spinMs;
     while (Date.now() < end);
   });`,
  { eval: true },
);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
await sleep(200);

/** Sender-side CPU µs per postMessage, one message per gap. */
async function measure(spinMs: number): Promise<number> {
  let cpu = 0;
  for (let i = 0; i < messages; i += 1) {
    const start = process.threadCpuUsage();
    worker.postMessage({ i, spinMs });
    const used = process.threadCpuUsage(start);
    cpu += used.user + used.system;
    await sleep(gapMs);
  }
  return cpu / messages;
}

const cases = { 'worker asleep': 0, 'worker busy': gapMs + 2 } as const;
const results = new Map<string, number[]>();
for (let round = 0; round < rounds; round += 1) {
  for (const [label, spinMs] of Object.entries(cases)) {
    const us = await measure(spinMs);
    results.set(label, [...(results.get(label) ?? []), us]);
    console.log(`round ${round + 1} ${label.padEnd(14)} ${us.toFixed(1)} µs CPU per postMessage`);
  }
}
const asleep = median(results.get('worker asleep')!);
const busy = median(results.get('worker busy')!);
console.log(
  `median: asleep ${asleep.toFixed(1)} µs, busy ${busy.toFixed(1)} µs, asleep/busy ${(asleep / busy).toFixed(1)}×`,
);
await worker.terminate();

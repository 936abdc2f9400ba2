/**
 * CPU per event of the main thread's ingest path, as the local cell runs it: the API Gateway
 * stand-in (`createApiApp`: key and usage plan, body limit, the proxy event, the answer), the ingest
 * handler (parsing, zod contract, idempotency claims and settlement, PutEvents) and its SDK clients
 * with the cell's port transport (`loopbackSdkClientConfig` over the emulator worker's `sdkPort`).
 * The emulators (DynamoDB, EventBridge) run on their worker thread as in the cell, so the main
 * thread's CPU (`process.threadCpuUsage`) is the ingest path alone; the process CPU (both threads)
 * is printed next to it.
 *
 * With `--base DIR` (another checkout's tree, e.g. one `git archive`d by `ingestPathAgainst.sh`),
 * the same requests go alternately through that tree's code and this one's, in one process against
 * the same emulators, round by round in ABBA order: the ratio is what to read on a shared machine.
 *
 *   npx tsx load-tests/micro/ingestPathCost.ts [--base DIR] [--requests 300] [--rounds 4] [--concurrency 8] [--idempotency on|off]
 */
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { InvoiceEventGenerator } from '../invoiceEventGenerator.ts';
import { BENCH_ACCOUNT, BENCH_REGION, ingestBenchEnv, startIngestBenchEmulators } from './benchEmulators.ts';
import { benchFlags } from './benchFlags.ts';

const flags = benchFlags({ base: undefined, requests: 300, rounds: 4, concurrency: 8, idempotency: 'on' });
const BATCH = 10;
const API_KEY = 'bench-ingest-path-key';
const here = resolve(import.meta.dirname, '../..');

const bench = await startIngestBenchEmulators('ingest-path');
const { emulators } = bench;

/** The path as one tree's code builds it: the API app with its ingest function and clients. */
interface Side {
  readonly label: 'before' | 'after';
  readonly post: (body: string, stage: string) => Promise<{ status: number; text: string }>;
  readonly destroy: () => void;
}

async function sideOf(label: Side['label'], root: string): Promise<Side> {
  const load = (path: string) => import(pathToFileURL(join(root, path)).href);
  const [{ createIngestHandler, ingestConfigFromEnv }, { createApiApp }, { ApiKeyGuard }, front, wire, cells] =
    await Promise.all([
      load('handlers/ingest.ts'),
      load('local/cell/api/createApiApp.ts'),
      load('local/cell/api/ApiKeyGuard.ts'),
      load('local/cell/api/front/startApiFront.ts'),
      load('local/cell/wire/loopbackSdkClientConfig.ts'),
      load('cells/cells.config.ts'),
    ]);
  const config = ingestConfigFromEnv(ingestBenchEnv(bench, flags.idempotency !== 'off'));
  const eventBridge = new EventBridgeClient(
    wire.loopbackSdkClientConfig(config.eventBridge, 'events', emulators.sdkPort),
  );
  const dynamoDB = config.idempotency
    ? new DynamoDBClient(wire.loopbackSdkClientConfig(config.idempotency.dynamoDB, 'dynamodb', emulators.sdkPort))
    : undefined;
  const ingest = createIngestHandler(config, { eventBridge, ...(dynamoDB ? { dynamoDB } : {}) });
  const cell = { ...cells.localCell(), region: BENCH_REGION, account: BENCH_ACCOUNT };
  const client = { name: 'bench', localKey: API_KEY, rateLimit: 1e9, burstLimit: 1e9, quotaPerDay: 1e12 };
  const app = createApiApp({
    cell,
    ingest,
    ingestFunctionName: 'bench-ingest',
    guard: new ApiKeyGuard([client]),
    timeline: () => ({ invoiceId: '', events: [] }),
    health: async () => ({ healthy: true, body: {} }),
  });
  return {
    label,
    // What the API front's bridge does on the main thread (`startApiFront.ts`, `answer`).
    async post(body, stage) {
      const rawHeaders = ['Host', 'localhost', 'Content-Type', 'application/json', 'x-api-key', API_KEY];
      const headers = new Headers();
      for (let i = 0; i + 1 < rawHeaders.length; i += 2) headers.append(rawHeaders[i]!, rawHeaders[i + 1]!);
      const request = new Request(`http://localhost/invoices/${stage}`, { method: 'POST', headers, body });
      const response: Response = await app.fetch(request, front.detachedBindings(rawHeaders, '127.0.0.1'));
      for (const _ of response.headers);
      return { status: response.status, text: new TextDecoder().decode(await response.arrayBuffer()) };
    },
    destroy() {
      eventBridge.destroy();
      dynamoDB?.destroy();
    },
  };
}

const generator = new InvoiceEventGenerator();

async function round(side: Side, count: number) {
  const posts = Array.from({ length: count }, () => generator.batch(BATCH)).map((p) => ({
    stage: p.stage,
    body: JSON.stringify(p.body),
  }));
  const thread = process.threadCpuUsage();
  const cpu = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < posts.length; i = next++) {
      const answer = await side.post(posts[i]!.body, posts[i]!.stage);
      if (answer.status !== 202) throw new Error(`${side.label}: ${answer.status} ${answer.text}`);
    }
  };
  await Promise.all(Array.from({ length: flags.concurrency }, worker));
  const events = count * BATCH;
  const ms = (used: { user: number; system: number }) => (used.user + used.system) / 1000 / events;
  return {
    mainMs: ms(process.threadCpuUsage(thread)),
    processMs: ms(process.cpuUsage(cpu)),
    eventsPerS: events / ((performance.now() - started) / 1000),
  };
}

const sides = [await sideOf('after', here)];
if (flags.base) sides.unshift(await sideOf('before', resolve(flags.base)));
try {
  for (const side of sides) await round(side, Math.max(30, Math.floor(flags.requests / 3)));
  const results = new Map(sides.map((s) => [s.label, [] as Awaited<ReturnType<typeof round>>[]]));
  console.log(
    `ingest path, ${flags.requests} requests × ${BATCH} new events per round, ${flags.concurrency} in flight, ` +
      `idempotency ${flags.idempotency}, load average ${loadavg()[0]!.toFixed(2)}`,
  );
  for (let r = 0; r < flags.rounds; r++) {
    for (const side of r % 2 === 0 ? sides : [...sides].reverse()) {
      const result = await round(side, flags.requests);
      results.get(side.label)!.push(result);
      console.log(
        `round ${r + 1} ${side.label}: main thread ${result.mainMs.toFixed(4)} ms/event, process ${result.processMs.toFixed(4)} ms/event, ${result.eventsPerS.toFixed(0)} events/s`,
      );
    }
  }
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  };
  const of = (label: Side['label'], k: 'mainMs' | 'processMs' | 'eventsPerS') =>
    median(results.get(label)!.map((r) => r[k]));
  for (const k of ['mainMs', 'processMs', 'eventsPerS'] as const) {
    const after = of('after', k);
    const line = `median ${k}: after ${after.toFixed(4)}`;
    console.log(
      flags.base
        ? `${line}, before ${of('before', k).toFixed(4)}, ratio ${(after / of('before', k)).toFixed(3)}`
        : line,
    );
  }
  console.log(`load average at end: ${loadavg()[0]!.toFixed(2)}`);
} finally {
  for (const side of sides) side.destroy();
  await bench.stop();
}

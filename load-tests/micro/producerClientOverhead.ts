/**
 * What the producer client (`clients/producer/`) costs per request compared with the benchmark's
 * raw `node:http` keep-alive path (`load-tests/loadGenerator.ts`), both posting the same batches of
 * 10 events to an in-process server that answers `202 {accepted}` at once, so only the client side
 * differs. Prints wall time, process CPU per request and request latency p50/p99 for each, rounds
 * interleaved after a warm-up (the machine is shared: compare CPU per request more than wall time).
 *
 *   npx tsx load-tests/micro/producerClientOverhead.ts [--requests 3000] [--concurrency 16] [--rounds 2]
 */
import { Agent, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StageEvents } from '../../clients/producer/generated/openapi.ts';
import { ProducerClient } from '../../clients/producer/ProducerClient.ts';
import { InvoiceEventGenerator, type InvoicePost } from '../invoiceEventGenerator.ts';
import { LoadTally, postBatch } from '../loadGenerator.ts';
import { percentiles } from '../percentiles.ts';
import { benchFlags } from './benchFlags.ts';

const { requests, concurrency, rounds } = benchFlags({ requests: 3000, concurrency: 16, rounds: 2 });
const apiKey = 'micro-benchmark-key-0123456789';

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const { events } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events: { eventId: string }[] };
    const body = JSON.stringify({ accepted: events.map((event) => event.eventId) });
    res.writeHead(202, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 30_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
const baseUrl = `http://127.0.0.1:${port}`;
const generator = new InvoiceEventGenerator({ runId: 'micro' });

type Send = (post: InvoicePost) => Promise<void>;

/** The load generator's own request (`postBatch`), over its own kind of keep-alive agent. */
function rawSender(): { send: Send; close(): void } {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, keepAliveMsecs: 10_000 });
  const tally = new LoadTally(undefined);
  const url = new URL(baseUrl);
  return { send: (post) => postBatch(post, url, apiKey, agent, tally), close: () => agent.destroy() };
}

function clientSender(): { send: Send; close(): void } {
  const client = new ProducerClient({ baseUrl, apiKey });
  const eventsOf = (post: InvoicePost) => (post.body as { events: StageEvents['ingestion'][] }).events;
  return { send: async (post) => void (await client.send('ingestion', eventsOf(post))), close: () => {} };
}

async function run(name: string, sender: { send: Send; close(): void }) {
  const posts = Array.from({ length: requests }, () => generator.batch(10, 'ingestion'));
  const latencies: number[] = [];
  let next = 0;
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < posts.length) {
        const post = posts[next++]!;
        const started = performance.now();
        await sender.send(post);
        latencies.push(performance.now() - started);
      }
    }),
  );
  const wallMs = performance.now() - t0;
  const { user, system } = process.cpuUsage(cpu);
  sender.close();
  const p = percentiles(latencies);
  console.log(
    `${name.padEnd(8)} ${requests} requests in ${wallMs.toFixed(0)} ms (${((requests * 1000) / wallMs).toFixed(0)}/s), ` +
      `CPU ${((user + system) / requests).toFixed(0)} µs/request, latency p50 ${p.p50.toFixed(2)} ms, p99 ${p.p99.toFixed(2)} ms`,
  );
}

await run('warm-up', rawSender());
await run('warm-up', clientSender());
for (let round = 0; round < rounds; round++) {
  await run('raw', rawSender());
  await run('client', clientSender());
}
server.close();

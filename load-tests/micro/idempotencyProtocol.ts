/**
 * The ingest handler with idempotency on, under the three protocols in one run (ADRs 0021, 0022):
 *
 * - `perEvent` — Powertools' conditional PutItem (claim) and UpdateItem (COMPLETED) per event: 2N
 *   DynamoDB calls for a request of N new events (the protocol before ADR 0021);
 * - `batchedSettlement` — the same claims, then one BatchWriteItem settling the request: N + 1
 *   calls (ADR 0021);
 * - `batched` — the claims as one BatchExecuteStatement of PartiQL INSERTs, then the BatchWriteItem:
 *   2 calls (ADR 0022).
 *
 * The handler runs in this process with the local cell's loopback SDK clients; the DynamoDB and
 * EventBridge emulators run on the emulator worker thread as in the cell, so `process.cpuUsage`
 * counts both sides (the cell's CPU per event). Requests of `--batch` new events are sent
 * `--concurrency` at a time; the protocols alternate for `--rounds` rounds after a warm-up, and
 * the DynamoDB calls are counted by the emulator. The machine is shared: read the ratio.
 *
 *   npx tsx load-tests/micro/idempotencyProtocol.ts [--requests 300] [--batch 10] [--concurrency 8] [--rounds 2]
 */
import { loadavg } from 'node:os';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventIdempotency, type EventIdempotencyOptions } from '../../handlers/ingest/EventIdempotency.ts';
import { createIngestHandler, ingestConfigFromEnv } from '../../handlers/ingest.ts';
import { toApiGatewayEvent } from '../../local/cell/api/toApiGatewayEvent.ts';
import { loopbackSdkClientConfig } from '../../local/cell/wire/loopbackSdkClientConfig.ts';
import { InvoiceEventGenerator, type InvoicePost } from '../invoiceEventGenerator.ts';
import { BENCH_ACCOUNT, BENCH_IDEMPOTENCY_TABLE, ingestBenchEnv, startIngestBenchEmulators } from './benchEmulators.ts';
import { benchFlags } from './benchFlags.ts';

const { requests, batch, concurrency, rounds } = benchFlags({ requests: 300, batch: 10, concurrency: 8, rounds: 2 });
const PROTOCOLS = ['perEvent', 'batchedSettlement', 'batched'] as const;
type Protocol = (typeof PROTOCOLS)[number];
const OPTIONS: Record<Protocol, Pick<EventIdempotencyOptions, 'settlement' | 'claims'>> = {
  perEvent: { settlement: 'perEvent' },
  batchedSettlement: { settlement: 'batched', claims: 'perEvent' },
  batched: { settlement: 'batched', claims: 'batched' },
};
const TABLE = BENCH_IDEMPOTENCY_TABLE;
const bench = await startIngestBenchEmulators('idempotency');
const { emulators } = bench;

const config = ingestConfigFromEnv(ingestBenchEnv(bench));
const eventBridge = new EventBridgeClient(loopbackSdkClientConfig(config.eventBridge, 'events'));
const dynamoDB = new DynamoDBClient(loopbackSdkClientConfig(config.idempotency!.dynamoDB, 'dynamodb'));
const handlers = Object.fromEntries(
  PROTOCOLS.map((protocol) => [
    protocol,
    createIngestHandler(config, {
      eventBridge,
      idempotency: new EventIdempotency({ tableName: TABLE, client: dynamoDB, windowHours: 24, ...OPTIONS[protocol] }),
    }),
  ]),
) as Record<Protocol, ReturnType<typeof createIngestHandler>>;
const generator = new InvoiceEventGenerator();

function apiEvent(post: InvoicePost, n: number) {
  return toApiGatewayEvent(
    {
      method: 'POST',
      path: `/invoices/${post.stage}`,
      query: new URLSearchParams(),
      rawHeaders: ['Content-Type', 'application/json'],
      body: Buffer.from(JSON.stringify(post.body)),
      sourceIp: '127.0.0.1',
    },
    {
      resourcePath: `/invoices/${post.stage}`,
      pathParameters: null,
      apiStage: 'v1',
      accountId: BENCH_ACCOUNT,
      apiKey: 'bench-key',
      apiKeyId: 'bench-key-id',
      domainName: 'localhost',
      requestId: `req-${n}`,
    },
  );
}

interface RoundResult {
  readonly requestsPerSecond: number;
  readonly cpuMsPerEvent: number;
  readonly dynamoCallsPerRequest: number;
  readonly p50Ms: number;
}

async function round(protocol: Protocol, count: number): Promise<RoundResult> {
  const posts = Array.from({ length: count }, (_, i) => apiEvent(generator.batch(batch), i));
  const before = await emulators.requestCounts();
  const cpu = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  const latencies: number[] = [];
  const worker = async () => {
    for (let i = next++; i < posts.length; i = next++) {
      const sent = performance.now();
      const answer = await handlers[protocol](posts[i]!, undefined as never);
      latencies.push(performance.now() - sent);
      if (answer.statusCode !== 202) throw new Error(`${protocol}: ${answer.statusCode} ${answer.body}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallS = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const after = await emulators.requestCounts();
  const calls = Object.entries(after.dynamodb).reduce((sum, [op, n]) => sum + n - (before.dynamodb[op] ?? 0), 0);
  return {
    requestsPerSecond: count / wallS,
    cpuMsPerEvent: (used.user + used.system) / 1000 / (count * batch),
    dynamoCallsPerRequest: calls / count,
    p50Ms: latencies.sort((a, b) => a - b)[Math.floor(latencies.length / 2)]!,
  };
}

try {
  for (const protocol of PROTOCOLS) await round(protocol, Math.max(20, Math.floor(requests / 5)));
  const results: Record<Protocol, RoundResult[]> = { perEvent: [], batchedSettlement: [], batched: [] };
  for (let r = 0; r < rounds; r++) {
    for (const protocol of r % 2 === 0 ? PROTOCOLS : [...PROTOCOLS].reverse()) {
      results[protocol].push(await round(protocol, requests));
    }
  }
  const mean = (rs: RoundResult[], k: keyof RoundResult) => rs.reduce((s, r) => s + r[k], 0) / rs.length;
  console.log(
    `ingest with idempotency, ${requests} requests × ${batch} new events, ${concurrency} in flight, ${rounds} rounds, load average ${loadavg()[0]!.toFixed(2)}`,
  );
  console.log(
    '| protocol | requests/s | events/s | request p50 ms | cell CPU ms per event | DynamoDB calls per request |',
  );
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const protocol of PROTOCOLS) {
    const rs = results[protocol];
    const rps = mean(rs, 'requestsPerSecond');
    console.log(
      `| ${protocol} | ${rps.toFixed(0)} | ${(rps * batch).toFixed(0)} | ${mean(rs, 'p50Ms').toFixed(1)} | ${mean(rs, 'cpuMsPerEvent').toFixed(3)} | ${mean(rs, 'dynamoCallsPerRequest').toFixed(2)} |`,
    );
  }
  for (const [protocol, base] of [
    ['batched', 'batchedSettlement'],
    ['batched', 'perEvent'],
    ['batchedSettlement', 'perEvent'],
  ] as const) {
    const ratio = (k: keyof RoundResult) => mean(results[protocol], k) / mean(results[base], k);
    // Each round's pair (adjacent in time), so drift in the machine's load shows as spread.
    const pairs = (k: keyof RoundResult) => results[protocol].map((b, i) => b[k] / results[base][i]![k]);
    const range = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}×`;
    console.log(
      `| ${protocol} ÷ ${base} | ${ratio('requestsPerSecond').toFixed(2)}× (rounds ${range(pairs('requestsPerSecond'))}) | | ${ratio('p50Ms').toFixed(2)}× | ${ratio('cpuMsPerEvent').toFixed(2)}× (rounds ${range(pairs('cpuMsPerEvent'))}) | ${ratio('dynamoCallsPerRequest').toFixed(2)}× |`,
    );
  }
} finally {
  eventBridge.destroy();
  dynamoDB.destroy();
  await bench.stop();
}

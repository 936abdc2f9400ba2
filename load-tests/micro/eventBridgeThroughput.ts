/**
 * Measures the EventBridge emulator's throughput: PutEvents acceptance (archive + outbox commit
 * before the answer) and end-to-end delivery to the SQS targets, with the real SDK as client.
 *
 *   npx tsx load-tests/micro/eventBridgeThroughput.ts [--events 20000] [--concurrency 8]
 *       [--target memory|fauxqs] [--client sdk|raw] [--synchronous NORMAL|FULL] [--prefill 0]
 *
 * `--prefill N` first fills the bus's archive with N events like the measured ones (earlier in
 * time, written straight into the emulator's file while it is stopped), as a long run leaves it.
 *
 * `--target memory` counts deliveries in-process (the emulator's own cost); `--target fauxqs`
 * delivers to fauxqs over HTTP with the SQS SDK, as the local cell does (fauxqs shares the
 * emulator's process and thread). The load generator runs in a child process (this file with
 * `--load <endpoint>`), so the SDK client's own CPU cost is not charged to the emulator.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { startFauxqs } from 'fauxqs';
import { localCell } from '../../cells/cells.config.ts';
import { cellTopology } from '../../cells/topology.ts';
import { SqsJsonClient } from '../../local/cell/wire/SqsJsonClient.ts';
import {
  busesForCell,
  type SendMessageBatch,
  sqsMessageBatchSender,
  startEventBridgeEmulator,
} from '../../local/eventbridge/index.ts';
import { DATABASE_FILE } from '../../local/eventbridge/store/openDatabase.ts';
import { detailTypeFor, EVENT_SOURCE } from '../../schemas/envelope.ts';
import { STAGES } from '../../schemas/stages.ts';
import { benchFlags } from './benchFlags.ts';
import { writtenBytes } from './writtenBytes.ts';

const values = benchFlags({
  events: 20_000,
  concurrency: 8,
  target: 'memory',
  synchronous: 'NORMAL',
  load: undefined,
  client: 'sdk',
  prefill: 0,
});
const totalEvents = values.events;
const concurrency = values.concurrency;
const topology = cellTopology(localCell());
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

if (values.load) await generateLoad(values.load);
else await measure();

/** Child process: sends `totalEvents` in PutEvents calls of 10 with `concurrency` in flight; prints one JSON line. */
async function generateLoad(endpoint: string): Promise<void> {
  const putEvents = values.client === 'raw' ? rawPutEvents(endpoint) : sdkPutEvents(endpoint);
  const calls = Math.ceil(totalEvents / 10);
  const latencies: number[] = [];
  let nextCall = 0;
  let failed = 0;
  process.stdout.write(`${JSON.stringify({ started: true })}\n`);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (nextCall < calls) {
        const call = nextCall++;
        const entries = Array.from({ length: Math.min(10, totalEvents - call * 10) }, (_, k) => entry(call * 10 + k));
        const t = performance.now();
        failed += await putEvents(entries);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    Number(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1));
  process.stdout.write(
    `${JSON.stringify({ elapsedMs, failed, latencyMs: { p50: pct(50), p99: pct(99), max: pct(100) } })}\n`,
  );
  process.exit(0);
}

type PutEventsCall = (entries: ReturnType<typeof entry>[]) => Promise<number>;

/** The real SDK client, as the ingest handler uses it. */
function sdkPutEvents(endpoint: string): PutEventsCall {
  const client = new EventBridgeClient({ endpoint, region: topology.region, credentials, maxAttempts: 1 });
  return async (entries) => (await client.send(new PutEventsCommand({ Entries: entries }))).FailedEntryCount ?? 0;
}

/**
 * The same wire request over plain keep-alive HTTP, without the SDK's signing and serialization
 * cost: shows what the emulator itself sustains when the client is not the bottleneck.
 */
function rawPutEvents(endpoint: string): PutEventsCall {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const { hostname, port } = new URL(endpoint);
  return (entries) =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({ Entries: entries });
      const req = request(
        {
          agent,
          host: hostname,
          port,
          method: 'POST',
          path: '/',
          headers: {
            'content-type': 'application/x-amz-json-1.1',
            'x-amz-target': 'AWSEvents.PutEvents',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            if (res.statusCode !== 200) reject(new Error(`PutEvents answered ${res.statusCode}`));
            else resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')).FailedEntryCount);
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}

/** A PutEvents entry the size of a real invoice event (≈ 700 bytes of detail). */
function entry(i: number) {
  const stage = STAGES[i % STAGES.length]!;
  return {
    EventBusName: topology.busName,
    Source: EVENT_SOURCE,
    DetailType: detailTypeFor(stage),
    Detail: JSON.stringify({
      eventId: crypto.randomUUID(),
      invoiceId: `INV-${i % 5000}`,
      stage,
      status: 'received',
      occurredAt: new Date().toISOString(),
      invoiceDate: '2026-11-28',
      amount: '1250.00',
      currency: 'EUR',
      vendor: { vendorId: 'V-1001', name: 'Acme GmbH', country: 'DE' },
      paymentTerms: { netDays: 30 },
      metadata: { sourceSystem: 'sap-fi', correlationId: `corr-${i}` },
      server: { cell: 'local', region: topology.region, receivedAt: new Date().toISOString(), schemaVersion: '1' },
    }),
  };
}

/** Where deliveries go: counted in-process (`memory`), or sent to fauxqs over HTTP as the local cell does. */
interface DeliveryTarget {
  readonly queueUrl: (name: string) => string;
  readonly send: SendMessageBatch;
  delivered(): number;
  stop(): Promise<void>;
}

async function deliveryTarget(target: 'memory' | 'fauxqs'): Promise<DeliveryTarget> {
  let delivered = 0;
  if (target === 'memory') {
    return {
      queueUrl: (name) => `http://127.0.0.1:1/${topology.account}/${name}`,
      send: async (_url, entries) => {
        delivered += entries.length;
        return { failedIds: [] };
      },
      delivered: () => delivered,
      stop: async () => {},
    };
  }
  const fauxqs = await startFauxqs({ port: 0, logger: false, defaultRegion: topology.region });
  const urls = new Map(
    topology.stages.map((s) => [s.inbox.name, fauxqs.createQueue(s.inbox.name, { region: topology.region }).queueUrl]),
  );
  const sqs = new SqsJsonClient({ endpoint: `http://127.0.0.1:${fauxqs.port}`, region: topology.region });
  const viaSqs = sqsMessageBatchSender(sqs);
  return {
    queueUrl: (name) => urls.get(name)!,
    send: async (url, entries) => {
      const result = await viaSqs(url, entries);
      delivered += entries.length - result.failedIds.length;
      return result;
    },
    delivered: () => delivered,
    stop: () => fauxqs.stop(),
  };
}

interface LoadReport {
  readonly elapsedMs: number;
  readonly failed: number;
  readonly latencyMs: Record<string, number>;
}

/**
 * Runs the load generator (this file with `--load`) in a child process against `endpoint`; returns
 * its report and when (wall clock, this process's CPU) it started sending.
 */
async function runLoadGenerator(
  endpoint: string,
): Promise<{ load: LoadReport; started: number; cpuAtStart: NodeJS.CpuUsage; writtenAtStart: number }> {
  const args = ['--load', endpoint, '--events', String(totalEvents), '--concurrency', String(concurrency)];
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), ...args, '--client', values.client],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let started = 0;
  let cpuAtStart = process.cpuUsage();
  let writtenAtStart = writtenBytes();
  let load: LoadReport | undefined;
  for await (const line of createInterface({ input: child.stdout! })) {
    const message = JSON.parse(line);
    if (message.started) {
      started = performance.now();
      cpuAtStart = process.cpuUsage();
      writtenAtStart = writtenBytes();
    } else load = message;
  }
  if (!load) throw new Error('the load generator did not report');
  return { load, started, cpuAtStart, writtenAtStart };
}

/**
 * Writes `count` archived events (the shape of `entry`'s, times before now, in order) into the
 * archive of a stopped emulator's file, in one transaction.
 */
function prefillArchive(dataDir: string, count: number): void {
  const db = new DatabaseSync(join(dataDir, DATABASE_FILE));
  try {
    const archive = db.prepare("SELECT name FROM resources WHERE kind = 'archive'").get()?.name;
    if (typeof archive !== 'string') throw new Error('--prefill: the bus has no archive');
    const insert = db.prepare(
      'INSERT INTO archive_events (archive, event_id, time_ms, received_ms, detail_type, event) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const start = Date.now() - count;
    db.exec('BEGIN');
    for (let i = 0; i < count; i++) {
      const { DetailType, Detail } = entry(i);
      const id = crypto.randomUUID();
      const event = `{"version":"0","id":"${id}","detail-type":"${DetailType}","source":"${EVENT_SOURCE}","detail":${Detail}}`;
      insert.run(archive, id, start + i, start + i, DetailType, event);
    }
    db.exec('COMMIT');
  } finally {
    db.close();
  }
}

async function measure(): Promise<void> {
  const target = values.target === 'fauxqs' ? 'fauxqs' : 'memory';
  const synchronous = values.synchronous === 'FULL' ? 'FULL' : 'NORMAL';
  if (!Number.isInteger(values.prefill) || values.prefill < 0) throw new Error('--prefill must be an integer >= 0');
  const dataDir = mkdtempSync(join(tmpdir(), 'bems-eb-bench-'));
  const targets = await deliveryTarget(target);
  const start = () =>
    startEventBridgeEmulator({
      dataDir,
      region: topology.region,
      account: topology.account,
      synchronous,
      buses: busesForCell({ topology, archiveRetentionDays: 0, queueUrl: targets.queueUrl }),
      sendMessageBatch: targets.send,
    });
  if (values.prefill > 0) {
    await (await start()).stop();
    prefillArchive(dataDir, values.prefill);
  }
  const emulator = await start();

  const { load, started, cpuAtStart, writtenAtStart } = await runLoadGenerator(emulator.endpoint);
  while (emulator.outboxDepth() > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  const deliveredAt = performance.now();
  const cpu = process.cpuUsage(cpuAtStart);
  const written = writtenBytes() - writtenAtStart;

  const stats = emulator.deliveryStats();
  const putEventsCalls = emulator.requestCounts().PutEvents ?? 0;
  const delivered = targets.delivered();
  const report = {
    target,
    client: values.client === 'raw' ? 'raw' : 'sdk',
    synchronous,
    events: totalEvents,
    prefill: values.prefill,
    concurrency,
    failedEntries: load.failed,
    acceptedPerSecond: Math.round(totalEvents / (load.elapsedMs / 1000)),
    deliveredEndToEndPerSecond: Math.round(totalEvents / ((deliveredAt - started) / 1000)),
    putEventsLatencyMs: load.latencyMs,
    // CPU the emulator's process spent per event (HTTP, matching, SQLite, delivery; plus fauxqs with
    // --target fauxqs): a figure that holds on a busy machine, where wall-clock rates do not.
    emulatorCpuMicrosPerEvent: Math.round((cpu.user + cpu.system) / totalEvents),
    // Bytes the emulator's process wrote per event (WAL frames of the archive and outbox commits,
    // their checkpoints; plus fauxqs' with --target fauxqs): exact, whatever the machine's load.
    writtenBytesPerEvent: Math.round(written / totalEvents),
    delivered,
    archived: emulator.archive.count(),
    putEventsCalls,
    sendMessageBatchCalls: stats.sendCalls,
    eventBridgeRequestsPer1000Events: Math.round((putEventsCalls / totalEvents) * 1000),
    sqsRequestsPer1000Events: Math.round((stats.sendCalls / totalEvents) * 1000),
  };
  console.log(JSON.stringify(report, null, 2));

  await emulator.stop();
  await targets.stop();
  rmSync(dataDir, { recursive: true, force: true });
  if (load.failed > 0 || delivered !== totalEvents || report.archived !== totalEvents + values.prefill) {
    console.error('measurement invalid: not every event was accepted, archived and delivered exactly once');
    process.exit(1);
  }
}

/**
 * CPU cost of fauxqs with its SQLite persistence as the local cell runs it (`startSnsSqs`, data
 * directory in a temporary folder), measured with process.cpuUsage over the whole process (client
 * and server are both in it; the client is a minimal HTTP one so the server's share dominates):
 *
 * - `sqs`: one cycle = SendMessageBatch of 10 + ReceiveMessage (10) + DeleteMessageBatch of 10 on a
 *   standard queue, as the EventBridge outbox and an inbox poller do.
 * - `sns`: one SNS PublishBatch of 10 to a FIFO topic fanning out to two FIFO queues with raw delivery
 *   (the stage topic and its two consumers), four String message attributes per entry like the
 *   forward handler's. The queues are drained between measured stretches, outside the measurement.
 *
 * `--backlog N` leaves N messages waiting in the standard queue throughout (a cell under load has
 * thousands in flight between stages), so each cycle's writes land in an index of that many live
 * messages. Each round also prints the bytes written per cycle (`writtenBytes.ts`: WAL frames and
 * checkpoints), which unlike CPU does not depend on the machine's load.
 *
 *   npx tsx load-tests/micro/fauxqsPersistenceCost.ts [--cycles 300] [--rounds 2] [--backlog 0]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RequestCounter } from '../../local/cell/metering/index.ts';
import { startSnsSqs } from '../../local/sns-sqs/startSnsSqs.ts';
import { benchFlags } from './benchFlags.ts';
import { writtenBytes } from './writtenBytes.ts';

const { cycles, rounds, backlog } = benchFlags({ cycles: 300, rounds: 2, backlog: 0 });
const REGION = 'eu-west-1';
const ACCOUNT = '000000000000';

const dataDir = mkdtempSync(join(tmpdir(), 'bems-bench-fauxqs-'));
const snsSqs = await startSnsSqs({ dataDir, region: REGION, counter: new RequestCounter() });
const url = new URL(snsSqs.endpoint);
const agent = new Agent({ keepAlive: true });
const body = JSON.stringify({ detail: 'x'.repeat(1100) });

function post(headers: Record<string, string>, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: '/',
        method: 'POST',
        agent,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(payload)) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () =>
          (res.statusCode ?? 500) < 300 ? resolve(text) : reject(new Error(`${res.statusCode}: ${text}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function sqs<T>(action: string, input: unknown): Promise<T> {
  const text = await post(
    { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${action}` },
    JSON.stringify(input),
  );
  return (text ? JSON.parse(text) : {}) as T;
}

function sns(params: Record<string, string>): Promise<string> {
  return post({ 'content-type': 'application/x-www-form-urlencoded' }, new URLSearchParams(params).toString());
}

interface Received {
  readonly Messages?: { readonly ReceiptHandle: string }[];
}

/** Receives up to 10 and deletes what came; returns how many. */
async function receiveAndDelete(queueUrl: string): Promise<number> {
  const { Messages = [] } = await sqs<Received>('ReceiveMessage', { QueueUrl: queueUrl, MaxNumberOfMessages: 10 });
  if (Messages.length === 0) return 0;
  await sqs('DeleteMessageBatch', {
    QueueUrl: queueUrl,
    Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
  });
  return Messages.length;
}

const queueUrl = (name: string) => `${snsSqs.endpoint}/${ACCOUNT}/${name}`;
await sqs('CreateQueue', { QueueName: 'bench' });
const fifoQueues = ['bench-recorder.fifo', 'bench-escalations.fifo'];
for (const name of fifoQueues) await sqs('CreateQueue', { QueueName: name, Attributes: { FifoQueue: 'true' } });
const topicXml = await sns({ Action: 'CreateTopic', Name: 'bench.fifo', 'Attributes.entry.1.key': 'FifoTopic' });
const topicArn = /<TopicArn>([^<]+)<\/TopicArn>/.exec(topicXml)?.[1];
if (!topicArn) throw new Error(`CreateTopic answered ${topicXml}`);
for (const name of fifoQueues) {
  await sns({
    Action: 'Subscribe',
    TopicArn: topicArn,
    Protocol: 'sqs',
    Endpoint: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`,
    'Attributes.entry.1.key': 'RawMessageDelivery',
    'Attributes.entry.1.value': 'true',
  });
}

async function sqsCycle(): Promise<void> {
  const entries = Array.from({ length: 10 }, (_, i) => ({ Id: String(i), MessageBody: body }));
  await sqs('SendMessageBatch', { QueueUrl: queueUrl('bench'), Entries: entries });
  if ((await receiveAndDelete(queueUrl('bench'))) !== 10) throw new Error('expected 10 messages back');
}

let published = 0;
function publishBatch(): Promise<string> {
  const params: Record<string, string> = { Action: 'PublishBatch', TopicArn: topicArn as string };
  for (let i = 1; i <= 10; i += 1) {
    const prefix = `PublishBatchRequestEntries.member.${i}`;
    published += 1;
    const id = `e${published}`;
    params[`${prefix}.Id`] = `m${i}`;
    params[`${prefix}.Message`] = body;
    params[`${prefix}.MessageGroupId`] = id;
    params[`${prefix}.MessageDeduplicationId`] = id;
    const attributes = { stage: 'ingestion', status: 'received', currency: 'EUR', vendorId: 'V-1' };
    Object.entries(attributes).forEach(([name, value], a) => {
      const attribute = `${prefix}.MessageAttributes.entry.${a + 1}`;
      params[`${attribute}.Name`] = name;
      params[`${attribute}.Value.DataType`] = 'String';
      params[`${attribute}.Value.StringValue`] = value;
    });
  }
  return sns(params);
}

async function drainFifo(expected: number): Promise<void> {
  for (const name of fifoQueues) {
    let drained = 0;
    while (drained < expected) {
      const got = await receiveAndDelete(queueUrl(name));
      if (got === 0) throw new Error(`${name}: ${drained} of ${expected} fanned-out messages arrived`);
      drained += got;
    }
  }
}

const PUBLISH_STRETCH = 20;
/** CPU ms per PublishBatch, measured over stretches of 20 with the queues drained in between. */
async function measurePublish(batches: number): Promise<number> {
  let cpuMicros = 0;
  for (let done = 0; done < batches; done += PUBLISH_STRETCH) {
    const stretch = Math.min(PUBLISH_STRETCH, batches - done);
    const before = process.cpuUsage();
    for (let i = 0; i < stretch; i += 1) await publishBatch();
    const used = process.cpuUsage(before);
    cpuMicros += used.user + used.system;
    await drainFifo(stretch * 10);
  }
  return cpuMicros / 1000 / batches;
}

/** CPU ms and bytes written per SQS cycle. */
async function measureSqs(count: number): Promise<{ cpuMs: number; bytes: number }> {
  const before = process.cpuUsage();
  const written = writtenBytes();
  for (let i = 0; i < count; i += 1) await sqsCycle();
  const used = process.cpuUsage(before);
  return { cpuMs: (used.user + used.system) / 1000 / count, bytes: (writtenBytes() - written) / count };
}

/** Messages that stay in the standard queue while the cycles run (`--backlog`). */
async function fillBacklog(count: number): Promise<void> {
  for (let sent = 0; sent < count; sent += 10) {
    const entries = Array.from({ length: Math.min(10, count - sent) }, (_, i) => ({
      Id: String(i),
      MessageBody: body,
    }));
    await sqs('SendMessageBatch', { QueueUrl: queueUrl('bench'), Entries: entries });
  }
}

try {
  await fillBacklog(backlog);
  await measureSqs(50); // warm-up (JIT, SQLite page cache)
  await measurePublish(PUBLISH_STRETCH);
  for (let round = 1; round <= rounds; round += 1) {
    const sqsCost = await measureSqs(cycles);
    const snsMs = await measurePublish(cycles);
    console.log(
      `round ${round}: sqs ${sqsCost.cpuMs.toFixed(3)} ms CPU per SendMessageBatch+ReceiveMessage+DeleteMessageBatch cycle; ` +
        `sns ${snsMs.toFixed(3)} ms CPU per PublishBatch of 10 to 2 FIFO queues; ` +
        `sqs ${(sqsCost.bytes / 1024).toFixed(1)} KiB written per cycle (backlog ${backlog})`,
    );
  }
} finally {
  agent.destroy();
  await snsSqs.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

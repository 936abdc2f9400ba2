/**
 * CPU cost of one SQS call through the AWS SDK v3 client vs a minimal JSON-protocol request, both
 * against fauxqs in this process (so the server side is included in both): SendMessageBatch,
 * ReceiveMessage and DeleteMessageBatch of 10 messages, repeated.
 *
 *   npx tsx load-tests/micro/sdkVsRawSqs.ts [--cycles 300]
 */
import { Agent, request } from 'node:http';
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import { benchFlags } from './benchFlags.ts';

const { cycles } = benchFlags({ cycles: 300 });
const fauxqs = await startFauxqs({ port: 0, logger: false });
const endpoint = `http://127.0.0.1:${fauxqs.port}`;
const sqs = new SQSClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
fauxqs.createQueue('bench');
const queueUrl = `${endpoint}/000000000000/bench`;
const agent = new Agent({ keepAlive: true });
const body = 'x'.repeat(1200);

function raw<T>(action: string, input: unknown): Promise<T> {
  const payload = JSON.stringify(input);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: fauxqs.port,
        path: '/',
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': `AmazonSQS.${action}`,
          'content-length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve((text ? JSON.parse(text) : {}) as T));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function cycle(client: 'sdk' | 'raw'): Promise<void> {
  const entries = Array.from({ length: 10 }, (_, i) => ({ Id: String(i), MessageBody: body }));
  const deletes = (messages: Message[] = []) =>
    messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! }));
  if (client === 'sdk') {
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: deletes(received.Messages) }));
  } else {
    await raw('SendMessageBatch', { QueueUrl: queueUrl, Entries: entries });
    const received = await raw<{ Messages?: Message[] }>('ReceiveMessage', {
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
    });
    await raw('DeleteMessageBatch', { QueueUrl: queueUrl, Entries: deletes(received.Messages) });
  }
}

for (const client of ['sdk', 'raw', 'sdk', 'raw'] as const) {
  for (let i = 0; i < 50; i += 1) await cycle(client); // warm-up
  const cpu = process.cpuUsage();
  for (let i = 0; i < cycles; i += 1) await cycle(client);
  const used = process.cpuUsage(cpu);
  console.log(`${client}: ${((used.user + used.system) / 1000 / (cycles * 3)).toFixed(3)} ms CPU per call`);
}
await fauxqs.stop();
process.exit(0);

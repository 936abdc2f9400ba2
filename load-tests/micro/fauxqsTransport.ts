/**
 * CPU of the local cell's SNS/SQS calls — a PublishBatch of 10 through the handlers' SNS client
 * (fanning out to one queue), and the pollers' ReceiveMessage and DeleteMessageBatch of those 10 —
 * by how they reach fauxqs on the emulator worker:
 * - `http`: loopback HTTP to fauxqs' server (the cell's `transport: 'http'`);
 * - `inject`: the port, then fauxqs' whole Fastify app without a socket (`light-my-request`);
 * - `router`: the port, then fauxqs' SQS/SNS routers directly (the cell's default).
 * Each runs on its own emulator worker, interleaved, `--rounds` times; the process CPU
 * (`process.cpuUsage`: both threads) is the figure, the main thread's is printed next to it.
 *
 *   npx tsx load-tests/micro/fauxqsTransport.ts [--cycles 300] [--rounds 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTopicCommand, PublishBatchCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig } from '../../handlers/shared/awsClientConfig.ts';
import { loopbackSdkClientConfig } from '../../local/cell/wire/loopbackSdkClientConfig.ts';
import { SqsJsonClient } from '../../local/cell/wire/SqsJsonClient.ts';
import { LOCAL_CREDENTIALS } from '../../local/sns-sqs/index.ts';
import { type RunningEmulators, startEmulatorWorker } from '../../local/worker/index.ts';
import { benchFlags } from './benchFlags.ts';

const { cycles, rounds } = benchFlags({ cycles: 300, rounds: 3 });
const region = 'eu-west-1';
type Variant = 'http' | 'inject' | 'router';
const VARIANTS: readonly Variant[] = ['http', 'inject', 'router'];

interface Setup {
  readonly emulators: RunningEmulators;
  readonly sns: SNSClient;
  readonly sqs: SqsJsonClient;
  readonly topicArn: string;
  readonly queueUrl: string;
  readonly dataDir: string;
}

async function setUp(variant: Variant): Promise<Setup> {
  const dataDir = mkdtempSync(join(tmpdir(), `bems-fauxqs-${variant}-`));
  const emulators = await startEmulatorWorker({
    dataDir,
    region,
    accountId: '000000000000',
    databases: [],
    quiet: true,
    ...(variant === 'http' ? {} : { fauxqsDispatch: variant }),
  });
  const port = variant === 'http' ? undefined : emulators.sdkPort;
  const config = awsClientConfig('sns', {
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_SNS: emulators.snsSqsEndpoint,
  });
  const sns = new SNSClient(loopbackSdkClientConfig(config, 'sns', port));
  const sqs = new SqsJsonClient({
    endpoint: emulators.snsSqsEndpoint,
    region,
    ...(port ? { requestHandler: port.handler('sqs') } : {}),
  });
  const admin = new SQSClient({ region, endpoint: emulators.snsSqsEndpoint, credentials: LOCAL_CREDENTIALS });
  const { QueueUrl } = await admin.send(new CreateQueueCommand({ QueueName: 'inbox' }));
  const { Attributes } = await admin.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'events' }));
  await sns.send(
    new SubscribeCommand({
      TopicArn,
      Protocol: 'sqs',
      Endpoint: Attributes?.QueueArn,
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );
  admin.destroy();
  return { emulators, sns, sqs, topicArn: TopicArn!, queueUrl: QueueUrl!, dataDir };
}

let sequence = 0;
/** One event batch's SNS/SQS calls: publish 10, receive them, delete them. */
async function cycle({ sns, sqs, topicArn, queueUrl }: Setup): Promise<void> {
  sequence += 1;
  await sns.send(
    new PublishBatchCommand({
      TopicArn: topicArn,
      PublishBatchRequestEntries: Array.from({ length: 10 }, (_, i) => ({
        Id: String(i),
        Message: JSON.stringify({ invoiceId: `INV-${sequence}-${i}`, body: 'x'.repeat(600) }),
        MessageAttributes: { stage: { DataType: 'String', StringValue: 'ingestion' } },
      })),
    }),
  );
  const { Messages = [] } = await sqs.receiveMessage({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 });
  if (Messages.length === 0) throw new Error('no messages received');
  await sqs.deleteMessageBatch({
    QueueUrl: queueUrl,
    Entries: Messages.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle! })),
  });
}

async function measure(setup: Setup): Promise<{ thread: number; process: number }> {
  for (let i = 0; i < 30; i += 1) await cycle(setup);
  const thread = process.threadCpuUsage();
  const total = process.cpuUsage();
  for (let i = 0; i < cycles; i += 1) await cycle(setup);
  const perCycle = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000 / cycles;
  return { thread: perCycle(process.threadCpuUsage(thread)), process: perCycle(process.cpuUsage(total)) };
}

const setups = new Map<Variant, Setup>();
const results = new Map<Variant, number[]>();
try {
  for (const variant of VARIANTS) setups.set(variant, await setUp(variant));
  console.log(
    `${cycles} cycles (PublishBatch 10 → ReceiveMessage → DeleteMessageBatch) per measurement; CPU ms per cycle`,
  );
  console.log('variant   main thread   process (both threads)');
  for (let round = 0; round < rounds; round += 1) {
    for (const variant of VARIANTS) {
      const { thread, process: total } = await measure(setups.get(variant)!);
      results.set(variant, [...(results.get(variant) ?? []), total]);
      console.log(`${variant.padEnd(8)} ${thread.toFixed(3).padStart(8)} ms ${total.toFixed(3).padStart(12)} ms`);
    }
  }
  const http = median(results.get('http')!);
  console.log('\nmedian process CPU per cycle, and ratio to http:');
  for (const variant of VARIANTS) {
    const value = median(results.get(variant)!);
    console.log(`${variant.padEnd(8)} ${value.toFixed(3).padStart(8)} ms  ${(value / http).toFixed(2)}`);
  }
} finally {
  for (const setup of setups.values()) {
    setup.sns.destroy();
    setup.sqs.destroy();
    await setup.emulators.stop();
    rmSync(setup.dataDir, { recursive: true, force: true });
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

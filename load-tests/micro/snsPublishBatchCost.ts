/**
 * CPU per SNS PublishBatch in fauxqs: its own PublishBatch against the one-pass parser of
 * `local/sns-sqs/publishBatchInOnePass.ts`, in one process and interleaved round by round, so a
 * busy machine slows both alike. Each call is what the forward function sends: 10 FIFO entries with
 * a ~1 KB body and the four BEMS message attributes, fanned out to `--subscribers` raw FIFO queues
 * (the stage's consumers), through the real SDK over loopback HTTP.
 *
 * Usage: npx tsx load-tests/micro/snsPublishBatchCost.ts [--calls 500] [--rounds 4] [--subscribers 1]
 * Prints CPU ms per call (process.cpuUsage: client and server alike) for each and their ratio.
 */
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { withPublishBatchInOnePass } from '../../local/sns-sqs/publishBatchInOnePass.ts';
import { MESSAGE_ATTRIBUTES } from '../../schemas/messageAttributes.ts';
import { benchFlags } from './benchFlags.ts';

const REGION = 'eu-west-1';
const TOPIC = 'bench-ingestion.fifo';

async function started(onePass: boolean, subscribers: number): Promise<{ server: FauxqsServer; client: SNSClient }> {
  const start = () => startFauxqs({ port: 0, logger: false, defaultRegion: REGION });
  const server = onePass ? await withPublishBatchInOnePass(start) : await start();
  server.createTopic(TOPIC, { region: REGION, attributes: { FifoTopic: 'true' } });
  for (let i = 0; i < subscribers; i++) {
    const queue = `bench-consumer-${i}.fifo`;
    server.createQueue(queue, { region: REGION, attributes: { FifoQueue: 'true' } });
    server.subscribe({ topic: TOPIC, queue, region: REGION, attributes: { RawMessageDelivery: 'true' } });
  }
  const client = new SNSClient({
    endpoint: `http://127.0.0.1:${server.port}`,
    region: REGION,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  return { server, client };
}

function batch(call: number) {
  const attribute = (value: string) => ({ DataType: 'String', StringValue: value });
  return Array.from({ length: 10 }, (_, i) => ({
    Id: `e${i}`,
    Message: JSON.stringify({ invoiceId: `INV-${call}-${i}`, padding: 'x'.repeat(900) }),
    MessageGroupId: `INV-${call}-${i}`,
    MessageDeduplicationId: `evt-${call}-${i}`,
    MessageAttributes: {
      [MESSAGE_ATTRIBUTES.stage]: attribute('ingestion'),
      [MESSAGE_ATTRIBUTES.status]: attribute('received'),
      [MESSAGE_ATTRIBUTES.currency]: attribute('EUR'),
      [MESSAGE_ATTRIBUTES.vendorId]: attribute(`V-${i}`),
    },
  }));
}

async function cpuMsPerCall(client: SNSClient, topicArn: string, calls: number, offset: number): Promise<number> {
  const cpu = process.cpuUsage();
  for (let c = 0; c < calls; c++) {
    const output = await client.send(
      new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: batch(offset + c) }),
    );
    if (output.Successful?.length !== 10) throw new Error(`PublishBatch: ${JSON.stringify(output.Failed)}`);
  }
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1000 / calls;
}

const { calls, rounds, subscribers } = benchFlags({ calls: 500, rounds: 4, subscribers: 1 });
const setups = { fauxqs: await started(false, subscribers), onePass: await started(true, subscribers) };
const topicArn = `arn:aws:sns:${REGION}:000000000000:${TOPIC}`;
const totals = { fauxqs: 0, onePass: 0 };
// A warm-up call each, so neither pays the SDK's or the JIT's first-call costs in the measurement.
for (const { client } of Object.values(setups)) await cpuMsPerCall(client, topicArn, 20, 1_000_000);
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? (['fauxqs', 'onePass'] as const) : (['onePass', 'fauxqs'] as const);
  for (const name of order) totals[name] += await cpuMsPerCall(setups[name].client, topicArn, calls, round * calls);
}
const fauxqs = totals.fauxqs / rounds;
const onePass = totals.onePass / rounds;
console.log(
  JSON.stringify(
    {
      calls,
      rounds,
      subscribers,
      cpuMsPerCall: { fauxqs: Number(fauxqs.toFixed(3)), onePass: Number(onePass.toFixed(3)) },
      ratio: Number((onePass / fauxqs).toFixed(3)),
      node: process.version,
    },
    null,
    2,
  ),
);
for (const { server, client } of Object.values(setups)) {
  client.destroy();
  await server.stop();
}

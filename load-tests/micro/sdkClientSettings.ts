/**
 * Client-side CPU of one AWS SDK call as the local cell's handlers make it — EventBridge PutEvents,
 * SNS PublishBatch, Timestream WriteRecords, 10 entries each — under the settings the local cell
 * may give a client (`local/cell/wire/loopbackSdkClientConfig.ts`), without the emulator thread:
 * each client's first call goes over the port to the real emulator, whose answer is then replayed
 * for every later call on the same thread. What is measured is the SDK alone (middleware, endpoint
 * parameters, retries, user agent, serde of the request and of the real answer) and the port
 * handler's request building; not the `postMessage` to the worker, whose cost depends mostly on
 * whether the worker thread sleeps (docs/PERFORMANCE.md, "Downstream main-thread CPU").
 *
 * Variants, interleaved in rotating order, each after its own warm-up:
 * - `plain`: `loopbackSdkClientConfig` without the settings below (the cell before branch downcpu);
 * - `cache`: `cacheMiddleware: true` (the SDK keeps each command's resolved middleware chain
 *   instead of cloning and sorting the stack per call);
 * - `no-ua`: the user-agent middleware removed (it escapes and joins the same strings per call);
 * - `cell`: what the local cell uses now (`loopbackSdkClientConfig` and `leanLocalClient`).
 *
 *   npx tsx load-tests/micro/sdkClientSettings.ts [--calls 2000] [--rounds 5]
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { TimestreamWriteClient, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { awsClientConfig, timestreamWriteClientConfig } from '../../handlers/shared/awsClientConfig.ts';
import { leanLocalClient, loopbackSdkClientConfig } from '../../local/cell/wire/loopbackSdkClientConfig.ts';
import { PortRequestHandler, type RequestSender } from '../../local/cell/wire/PortRequestHandler.ts';
import type { SdkHttpResponse } from '../../local/cell/wire/sdkHttp.ts';
import { BENCH_BUS, BENCH_LAMBDA_ENV, startBenchEmulators } from './benchEmulators.ts';
import { benchFlags } from './benchFlags.ts';

const { calls, rounds } = benchFlags({ calls: 2000, rounds: 5 });
const bench = await startBenchEmulators('sdk-settings', {
  databases: [
    {
      name: 'bench',
      tables: [{ name: 'events', memoryRetentionHours: 24, magneticRetentionDays: 30, magneticWrites: true }],
    },
  ],
});
const { emulators, eventBridgeEndpoint } = bench;
const env = {
  ...BENCH_LAMBDA_ENV,
  AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridgeEndpoint,
  AWS_ENDPOINT_URL_SNS: emulators.snsSqsEndpoint,
  AWS_ENDPOINT_URL_TIMESTREAM_WRITE: emulators.timestreamEndpoint,
};
const configs = {
  events: awsClientConfig('eventbridge', env),
  sns: awsClientConfig('sns', env),
  timestream: timestreamWriteClientConfig(env),
};
const topicArn =
  (
    await new SNSClient(loopbackSdkClientConfig(configs.sns, 'sns', emulators.sdkPort)).send(
      new CreateTopicCommand({ Name: 'bench.fifo', Attributes: { FifoTopic: 'true' } }),
    )
  ).TopicArn ?? '';

/** The emulator's first answer, then the same answer (a fresh copy of its bytes) for every request. */
function replayingSender(): RequestSender {
  let recorded: SdkHttpResponse | undefined;
  return {
    async send(service, request, timeoutMs) {
      if (!recorded) recorded = await emulators.sdkPort.send(service, request, timeoutMs);
      return { ...recorded, headers: { ...recorded.headers }, body: Buffer.from(recorded.body) };
    },
  };
}

type Variant = 'plain' | 'cache' | 'no-ua' | 'cell';
const VARIANTS: readonly Variant[] = ['plain', 'cache', 'no-ua', 'cell'];
type Service = keyof typeof configs;

function clientConfig(service: Service, variant: Variant) {
  const config = loopbackSdkClientConfig(configs[service], service, emulators.sdkPort);
  const requestHandler = new PortRequestHandler(replayingSender(), service);
  const cacheMiddleware = variant === 'cache' || variant === 'cell' ? config.cacheMiddleware : false;
  return { ...config, requestHandler, cacheMiddleware };
}

function withVariant<C extends Parameters<typeof leanLocalClient>[0]>(client: C, variant: Variant): C {
  if (variant === 'cell') return leanLocalClient(client);
  if (variant === 'no-ua') client.middlewareStack.remove('getUserAgentMiddleware');
  return client;
}

const detail = (i: number) =>
  JSON.stringify({
    eventId: `evt-${i}-${'x'.repeat(24)}`,
    invoiceId: `INV-${i}`,
    stage: 'ingestion',
    status: 'RECEIVED',
    amount: '1234.56',
    currency: 'EUR',
    vendor: { vendorId: `V-${i % 50}`, name: 'Vendor Name GmbH', country: 'DE' },
    lines: Array.from({ length: 3 }, (_, n) => ({ sku: `SKU-${n}`, description: 'x'.repeat(60) })),
  });
const ten = <T>(entry: (i: number) => T) => Array.from({ length: 10 }, (_, i) => entry(i));
const text = (Name: string, Value: string) => ({ Name, Value, Type: 'VARCHAR' as const });

const operations = {
  PutEvents: (variant: Variant) => {
    const client = withVariant(new EventBridgeClient(clientConfig('events', variant)), variant);
    return () =>
      client.send(
        new PutEventsCommand({
          Entries: ten((i) => ({ EventBusName: BENCH_BUS, Source: 'bems', DetailType: 'invoice', Detail: detail(i) })),
        }),
      );
  },
  PublishBatch: (variant: Variant) => {
    const client = withVariant(new SNSClient(clientConfig('sns', variant)), variant);
    return () =>
      client.send(
        new PublishBatchCommand({
          TopicArn: topicArn,
          PublishBatchRequestEntries: ten((i) => ({
            Id: `m${i}`,
            Message: detail(i),
            MessageGroupId: `INV-${i}`,
            MessageDeduplicationId: `d-${i}`,
            MessageAttributes: Object.fromEntries(
              ['stage', 'status', 'currency', 'vendorId'].map((n) => [n, { DataType: 'String', StringValue: n }]),
            ),
          })),
        }),
      );
  },
  WriteRecords: (variant: Variant) => {
    const client = withVariant(new TimestreamWriteClient(clientConfig('timestream', variant)), variant);
    return () =>
      client.send(
        new WriteRecordsCommand({
          DatabaseName: 'bench',
          TableName: 'events',
          Records: ten((i) => ({
            Dimensions: ['cell', 'region', 'stage', 'consumer', 'invoice_id', 'event_id', 'vendor_id', 'currency'].map(
              (Name) => ({ Name, Value: `${Name}-${i}`, DimensionValueType: 'VARCHAR' as const }),
            ),
            MeasureName: 'invoice_event',
            MeasureValueType: 'MULTI' as const,
            MeasureValues: ['status', 'amount', 'amount_text', 'vendor_name', 'vendor_country', 'invoice_date'].map(
              (name) => text(name, `${name}-value`),
            ),
            Time: String(Date.now()),
            TimeUnit: 'MILLISECONDS' as const,
            Version: 1,
          })),
        }),
      );
  },
};
type Operation = keyof typeof operations;

async function measure(operation: Operation, variant: Variant): Promise<number> {
  const call = operations[operation](variant);
  for (let i = 0; i < 300; i += 1) await call();
  const start = process.threadCpuUsage();
  for (let i = 0; i < calls; i += 1) await call();
  const used = process.threadCpuUsage(start);
  return (used.user + used.system) / 1000 / calls;
}

const results = new Map<string, number[]>();
console.log(`${calls} sequential calls per measurement; main-thread CPU ms per call (the SDK, answers replayed)`);
try {
  for (let round = 0; round < rounds; round += 1) {
    for (const operation of Object.keys(operations) as Operation[]) {
      for (const variant of VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]!)) {
        const ms = await measure(operation, variant);
        results.set(`${operation}/${variant}`, [...(results.get(`${operation}/${variant}`) ?? []), ms]);
        console.log(`round ${round + 1} ${operation.padEnd(13)} ${variant.padEnd(6)} ${ms.toFixed(4)} ms`);
      }
    }
  }
  console.log('\nmedian CPU ms per call, and ratio to plain:');
  for (const operation of Object.keys(operations) as Operation[]) {
    const plain = median(results.get(`${operation}/plain`)!);
    for (const variant of VARIANTS) {
      const value = median(results.get(`${operation}/${variant}`)!);
      console.log(`${operation.padEnd(13)} ${variant.padEnd(6)} ${value.toFixed(4)} ms  ${(value / plain).toFixed(3)}`);
    }
  }
} finally {
  await bench.stop();
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Client-side CPU of the handlers' AWS SDK calls in the local cell — EventBridge PutEvents,
 * SNS PublishBatch and Timestream WriteRecords, 10 entries each — with the SDK client as a handler
 * builds it from its environment (`default`) and with the local cell's cheaper settings
 * (`local/cell/wire/loopbackSdkClientConfig.ts`): no SigV4 signature (`unsigned`), a lean request
 * handler (`lean-http`), both (`loopback`, the cell's `transport: 'http'`), or both with the
 * requests sent over the MessagePort to the emulator worker instead of loopback HTTP (`port`, the
 * cell's default transport: `local/cell/wire/PortRequestHandler.ts`).
 *
 * The emulators run on a worker thread as in the cell (`startEmulatorWorker`), so the main thread's
 * CPU (`process.threadCpuUsage`) is the client side alone; the process CPU (`process.cpuUsage`,
 * server side included) is printed next to it. Each variant runs twice, interleaved, after a
 * warm-up: the machine is shared, compare CPU time, not wall time.
 *
 *   npx tsx load-tests/micro/sdkClientCost.ts [--calls 400] [--rounds 2]
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { TimestreamWriteClient, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { awsClientConfig, timestreamWriteClientConfig } from '../../handlers/shared/awsClientConfig.ts';
import {
  credentialScopeSigner,
  LoopbackHttpHandler,
  loopbackSdkClientConfig,
} from '../../local/cell/wire/loopbackSdkClientConfig.ts';
import { BENCH_BUS, BENCH_LAMBDA_ENV, BENCH_REGION, startBenchEmulators } from './benchEmulators.ts';
import { benchFlags } from './benchFlags.ts';

const { calls, rounds } = benchFlags({ calls: 400, rounds: 2 });
const bench = await startBenchEmulators('sdk-cost', {
  databases: [
    {
      name: 'bench',
      tables: [{ name: 'events', memoryRetentionHours: 24, magneticRetentionDays: 30, magneticWrites: true }],
    },
  ],
});
const { emulators, eventBridgeEndpoint } = bench;

/** Each handler's client config, from a Lambda-style environment exactly as the handlers read it. */
const env = {
  ...BENCH_LAMBDA_ENV,
  AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridgeEndpoint,
  AWS_ENDPOINT_URL_SNS: emulators.snsSqsEndpoint,
  AWS_ENDPOINT_URL_TIMESTREAM_WRITE: emulators.timestreamEndpoint,
};
const configs = {
  eventBridge: awsClientConfig('eventbridge', env),
  sns: awsClientConfig('sns', env),
  timestream: timestreamWriteClientConfig(env),
};

type Variant = 'default' | 'unsigned' | 'lean-http' | 'loopback' | 'port';
const VARIANTS: readonly Variant[] = ['default', 'unsigned', 'lean-http', 'loopback', 'port'];

function withVariant<T extends (typeof configs)[keyof typeof configs]>(
  config: T,
  variant: Variant,
  service: 'events' | 'sns' | 'timestream',
) {
  if (variant === 'default') return config;
  if (variant === 'loopback') return loopbackSdkClientConfig(config, service);
  if (variant === 'port') return loopbackSdkClientConfig(config, service, emulators.sdkPort);
  if (variant === 'unsigned')
    return { ...config, signer: credentialScopeSigner({ accessKeyId: 'local', region: config.region, service }) };
  return {
    ...config,
    requestHandler: new LoopbackHttpHandler({ requestTimeout: config.requestHandler.requestTimeout }),
  };
}

const topicArn =
  (
    await new SNSClient(configs.sns).send(
      new CreateTopicCommand({
        Name: 'bench.fifo',
        Attributes: { FifoTopic: 'true', ContentBasedDeduplication: 'false' },
      }),
    )
  ).TopicArn ?? '';

/** About the size of an invoice event's detail. */
const detail = (i: number) =>
  JSON.stringify({
    eventId: `evt-${i}-${'x'.repeat(24)}`,
    invoiceId: `INV-${i}`,
    stage: 'ingestion',
    status: 'RECEIVED',
    occurredAt: new Date().toISOString(),
    amount: '1234.56',
    currency: 'EUR',
    vendor: { id: `V-${i % 50}`, name: 'Vendor Name GmbH', country: 'DE' },
    invoiceDate: '2026-01-15',
    paymentTermsDays: 30,
    sourceSystem: 'erp-bench',
    lines: Array.from({ length: 3 }, (_, n) => ({ sku: `SKU-${n}`, description: 'x'.repeat(60), amount: '411.52' })),
    server: { cell: 'local', region: BENCH_REGION, receivedAt: new Date().toISOString(), schemaVersion: 1 },
  });

let sequence = 0;
const operations = {
  PutEvents: (client: EventBridgeClient) =>
    client.send(
      new PutEventsCommand({
        Entries: Array.from({ length: 10 }, (_, i) => ({
          EventBusName: BENCH_BUS,
          Source: 'bems.invoices',
          DetailType: 'invoice.ingestion',
          Detail: detail(sequence * 10 + i),
        })),
      }),
    ),
  PublishBatch: (client: SNSClient) =>
    client.send(
      new PublishBatchCommand({
        TopicArn: topicArn,
        PublishBatchRequestEntries: Array.from({ length: 10 }, (_, i) => {
          const id = `${sequence}-${i}`;
          return {
            Id: String(i),
            Message: detail(sequence * 10 + i),
            MessageGroupId: `INV-${id}`,
            MessageDeduplicationId: `dedup-${id}`,
            MessageAttributes: Object.fromEntries(
              ['stage', 'status', 'currency', 'vendorId'].map((name) => [
                name,
                { DataType: 'String', StringValue: `${name}-value` },
              ]),
            ),
          };
        }),
      }),
    ),
  WriteRecords: (client: TimestreamWriteClient) => {
    const time = Date.now();
    return client.send(
      new WriteRecordsCommand({
        DatabaseName: 'bench',
        TableName: 'events',
        Records: Array.from({ length: 10 }, (_, i) => {
          const id = `${sequence}-${i}`;
          return {
            Dimensions: ['cell', 'region', 'stage', 'consumer', 'invoice_id', 'event_id', 'vendor_id', 'currency'].map(
              (name) => ({
                Name: name,
                Value: name.endsWith('_id') ? `${name}-${id}` : name,
                DimensionValueType: 'VARCHAR' as const,
              }),
            ),
            MeasureName: 'invoice_event',
            MeasureValueType: 'MULTI' as const,
            MeasureValues: [
              { Name: 'status', Value: 'RECEIVED', Type: 'VARCHAR' as const },
              { Name: 'amount', Value: '1234.56', Type: 'DOUBLE' as const },
              { Name: 'amount_minor', Value: '123456', Type: 'BIGINT' as const },
              { Name: 'amount_text', Value: '1234.56', Type: 'VARCHAR' as const },
              { Name: 'vendor_name', Value: 'Vendor Name GmbH', Type: 'VARCHAR' as const },
              { Name: 'vendor_country', Value: 'DE', Type: 'VARCHAR' as const },
              { Name: 'invoice_date', Value: '2026-01-15', Type: 'VARCHAR' as const },
              { Name: 'received_at', Value: String(time), Type: 'TIMESTAMP' as const },
              { Name: 'processed_at', Value: String(time), Type: 'TIMESTAMP' as const },
              { Name: 'latency_ms', Value: '3', Type: 'BIGINT' as const },
              { Name: 'due_at', Value: String(time), Type: 'TIMESTAMP' as const },
              { Name: 'source_system', Value: 'erp-bench', Type: 'VARCHAR' as const },
              { Name: 'replayed', Value: 'false', Type: 'BOOLEAN' as const },
            ],
            Time: String(time),
            TimeUnit: 'MILLISECONDS' as const,
            Version: 1,
          };
        }),
      }),
    );
  },
};
type Operation = keyof typeof operations;

function clientFor(operation: Operation, variant: Variant) {
  switch (operation) {
    case 'PutEvents':
      return new EventBridgeClient(withVariant(configs.eventBridge, variant, 'events'));
    case 'PublishBatch':
      return new SNSClient(withVariant(configs.sns, variant, 'sns'));
    case 'WriteRecords':
      return new TimestreamWriteClient(withVariant(configs.timestream, variant, 'timestream'));
  }
}

async function measure(operation: Operation, variant: Variant): Promise<{ thread: number; process: number }> {
  const client = clientFor(operation, variant);
  const send = operations[operation] as (client: unknown) => Promise<unknown>;
  // Calls are sequential, like one handler invocation's: the cost per call, not concurrency effects.
  for (let i = 0; i < 50; i += 1, sequence += 1) await send(client);
  const thread = process.threadCpuUsage();
  const total = process.cpuUsage();
  for (let i = 0; i < calls; i += 1, sequence += 1) await send(client);
  const threadUsed = process.threadCpuUsage(thread);
  const totalUsed = process.cpuUsage(total);
  client.destroy();
  const perCall = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000 / calls;
  return { thread: perCall(threadUsed), process: perCall(totalUsed) };
}

const results = new Map<string, number[]>();
const processResults = new Map<string, number[]>();
console.log(`${calls} sequential calls of 10 entries per measurement; CPU ms per call (main thread = client side)`);
console.log('operation      variant     main thread   process (incl. emulators)');
try {
  for (let round = 0; round < rounds; round += 1) {
    for (const operation of Object.keys(operations) as Operation[]) {
      for (const variant of VARIANTS) {
        const { thread, process: total } = await measure(operation, variant);
        const key = `${operation}/${variant}`;
        results.set(key, [...(results.get(key) ?? []), thread]);
        processResults.set(key, [...(processResults.get(key) ?? []), total]);
        console.log(
          `${operation.padEnd(14)} ${variant.padEnd(10)} ${thread.toFixed(3).padStart(8)} ms ${total.toFixed(3).padStart(12)} ms`,
        );
      }
    }
  }
  for (const [label, of] of [
    ['main-thread', (key: string) => results.get(key)],
    ['process (both threads)', (key: string) => processResults.get(key)],
  ] as const) {
    console.log(`\nmedian ${label} CPU per call, saving vs default, and port/loopback ratio:`);
    for (const operation of Object.keys(operations) as Operation[]) {
      const base = median(of(`${operation}/default`) ?? []);
      for (const variant of VARIANTS) {
        const value = median(of(`${operation}/${variant}`) ?? []);
        const saving = variant === 'default' ? '' : `  ${(((base - value) / base) * 100).toFixed(0).padStart(3)}%`;
        const ratio =
          variant === 'port' ? `  port/loopback ${(value / median(of(`${operation}/loopback`) ?? [])).toFixed(2)}` : '';
        console.log(
          `${operation.padEnd(14)} ${variant.padEnd(10)} ${value.toFixed(3).padStart(8)} ms${saving}${ratio}`,
        );
      }
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

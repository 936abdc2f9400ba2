/**
 * What the micro-benchmarks of the handlers' AWS SDK calls share (`sdkClientCost.ts`,
 * `sdkClientSettings.ts`): the emulator worker with a Timestream table and an SNS FIFO topic, each
 * handler's client config read from a Lambda-style environment exactly as the handlers read it, and
 * the three calls of 10 entries an event's path makes on the main thread — EventBridge PutEvents,
 * SNS PublishBatch, Timestream WriteRecords — each taking the client to send with.
 */
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { type TimestreamWriteClient, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { awsClientConfig, timestreamWriteClientConfig } from '../../handlers/shared/awsClientConfig.ts';
import { ANALYTICS_DIMENSIONS } from '../../schemas/analyticsRecord.ts';
import {
  BENCH_BUS,
  BENCH_LAMBDA_ENV,
  BENCH_REGION,
  type BenchEmulators,
  startBenchEmulators,
} from './benchEmulators.ts';

export async function startSdkBench(benchmark: string) {
  const bench: BenchEmulators = await startBenchEmulators(benchmark, {
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
    eventBridge: awsClientConfig('eventbridge', env),
    sns: awsClientConfig('sns', env),
    timestream: timestreamWriteClientConfig(env),
  };
  const created = await new SNSClient(configs.sns).send(
    new CreateTopicCommand({
      Name: 'bench.fifo',
      Attributes: { FifoTopic: 'true', ContentBasedDeduplication: 'false' },
    }),
  );
  return { bench, configs, operations: sdkOperations(created.TopicArn ?? '') };
}

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

/** The three calls, each with ids of its own (a counter of calls). */
function sdkOperations(topicArn: string) {
  let calls = 0;
  const next = () => calls++;
  return {
    PutEvents: (client: EventBridgeClient) => {
      const sequence = next();
      return client.send(
        new PutEventsCommand({
          Entries: Array.from({ length: 10 }, (_, i) => ({
            EventBusName: BENCH_BUS,
            Source: 'bems.invoices',
            DetailType: 'invoice.ingestion',
            Detail: detail(sequence * 10 + i),
          })),
        }),
      );
    },
    PublishBatch: (client: SNSClient) => {
      const sequence = next();
      return client.send(
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
      );
    },
    WriteRecords: (client: TimestreamWriteClient) => {
      const sequence = next();
      const time = Date.now();
      return client.send(
        new WriteRecordsCommand({
          DatabaseName: 'bench',
          TableName: 'events',
          Records: Array.from({ length: 10 }, (_, i) => {
            const id = `${sequence}-${i}`;
            return {
              // The contract's dimensions (schemas/analyticsRecord.ts), so the benchmark's records stay the shape consume writes.
              Dimensions: ANALYTICS_DIMENSIONS.map((name) => ({
                Name: name,
                Value: name.endsWith('_id') ? `${name}-${id}` : name,
                DimensionValueType: 'VARCHAR' as const,
              })),
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
}

export type SdkOperation = keyof ReturnType<typeof sdkOperations>;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

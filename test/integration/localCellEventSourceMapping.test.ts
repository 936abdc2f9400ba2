import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CELL } from '../../cells/cells.config.ts';
import { parseCellDefinition } from '../../cells/definition.ts';
import { cellTopology } from '../../cells/topology.ts';
import { FaultInjector } from '../../local/cell/faults/index.ts';
import { RequestCounter } from '../../local/cell/metering/index.ts';
import { EventSourceMapping, type PollingSettings, type SqsBatchHandler } from '../../local/cell/pollers/index.ts';
import { SqsJsonClient } from '../../local/cell/wire/SqsJsonClient.ts';
import {
  type ProvisionedQueue,
  type ProvisionedTopology,
  provisionTopology,
  type RunningSnsSqs,
  startSnsSqs,
} from '../../local/sns-sqs/index.ts';

/**
 * The local stand-in for Lambda's SQS event source mapping, against fauxqs: partial batch
 * responses, whole-batch failures, batch size and concurrency limits, FIFO order, record shape,
 * graceful stop and fault injection — the Lambda behaviours the handlers rely on.
 */

const MAX_RECEIVE_COUNT = 2;
const FAST = { visibilityTimeoutSeconds: 1, maxReceiveCount: MAX_RECEIVE_COUNT, batchingWindowSeconds: 0 };
const cell = parseCellDefinition({
  ...LOCAL_CELL,
  id: 'esm',
  stages: { ingestion: { inbox: FAST, consumers: [{ name: 'recorder', queue: FAST }] } },
});
let dataDir: string;
let snsSqs: RunningSnsSqs;
/** The pollers' client, as the local cell gives it to them. */
let plumbing: SqsJsonClient;
let resources: ProvisionedTopology;
let inbox: ProvisionedQueue;
let fifo: ProvisionedQueue;
const mappings: EventSourceMapping[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'bems-local-esm-'));
  snsSqs = await startSnsSqs({ dataDir, region: cell.region, counter: new RequestCounter() });
  resources = await provisionTopology(cellTopology(cell), { ...snsSqs, account: cell.account });
  plumbing = new SqsJsonClient({ endpoint: snsSqs.endpoint, region: cell.region });
  inbox = resources.queues.find((queue) => queue.stage === 'ingestion' && queue.role === 'inbox')!;
  fifo = resources.queues.find((queue) => queue.stage === 'ingestion' && queue.role === 'consumer')!;
});

afterEach(async () => {
  await Promise.all(mappings.splice(0).map((mapping) => mapping.stop()));
});

afterAll(async () => {
  plumbing?.destroy();
  await snsSqs?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function startMapping(
  queue: ProvisionedQueue,
  handler: SqsBatchHandler,
  settings: Partial<PollingSettings> = {},
  faults?: FaultInjector,
): EventSourceMapping {
  const mapping = new EventSourceMapping({
    queue,
    settings: { ...queue.spec.settings, ...settings },
    region: cell.region,
    account: cell.account,
    functionName: `test-${queue.name}`,
    handler,
    sqs: plumbing,
    waitTimeSeconds: 1,
    ...(faults
      ? {
          faults,
          faultTarget: { handler: 'consume' as const, stage: 'ingestion' as const, consumer: 'recorder' },
          invoiceIdOf: (record: SQSRecord) => record.attributes.MessageGroupId,
        }
      : {}),
  });
  mapping.start();
  mappings.push(mapping);
  return mapping;
}

async function send(queue: ProvisionedQueue, bodies: readonly string[], group?: (body: string) => string) {
  for (let i = 0; i < bodies.length; i += 10) {
    const output = await snsSqs.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: bodies.slice(i, i + 10).map((body, index) => ({
          Id: String(index),
          MessageBody: body,
          ...(group ? { MessageGroupId: group(body), MessageDeduplicationId: body } : {}),
          MessageAttributes: { stage: { DataType: 'String', StringValue: 'ingestion' } },
        })),
      }),
    );
    expect(output.Failed ?? []).toEqual([]);
  }
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function depth(url: string): Promise<number> {
  const { Attributes = {} } = await snsSqs.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
}

describe('local event source mapping', () => {
  it('hands the handler real SQS records: ARN, receive count, message group and attributes', async () => {
    // Prepare
    const seen: SQSRecord[] = [];
    startMapping(fifo, async (event) => {
      seen.push(...event.Records);
      return { batchItemFailures: [] };
    });

    // Act
    await send(fifo, ['shape-1'], () => 'INV-SHAPE');
    await until(() => seen.length === 1);

    // Assess
    expect(seen[0]).toMatchObject({
      body: 'shape-1',
      eventSource: 'aws:sqs',
      eventSourceARN: fifo.arn,
      awsRegion: cell.region,
      attributes: { ApproximateReceiveCount: '1', MessageGroupId: 'INV-SHAPE', MessageDeduplicationId: 'shape-1' },
      messageAttributes: { stage: { dataType: 'String', stringValue: 'ingestion' } },
    });
    expect(seen[0]!.receiptHandle).not.toBe('');
    expect(Number(seen[0]!.attributes.SentTimestamp)).toBeGreaterThan(0);
  });

  it('deletes only the records not listed in batchItemFailures; a listed one returns and goes to the DLQ after maxReceiveCount', async () => {
    // Prepare
    const deliveries = new Map<string, number[]>();
    startMapping(inbox, async (event) => {
      for (const record of event.Records)
        deliveries.set(record.body, [
          ...(deliveries.get(record.body) ?? []),
          Number(record.attributes.ApproximateReceiveCount),
        ]);
      return {
        batchItemFailures: event.Records.filter((r) => r.body === 'partial-bad').map((r) => ({
          itemIdentifier: r.messageId,
        })),
      };
    });

    // Act
    await send(inbox, ['partial-1', 'partial-bad', 'partial-2']);
    await until(async () => (await depth(inbox.dlq.url)) === 1);

    // Assess
    expect(deliveries.get('partial-1')).toEqual([1]);
    expect(deliveries.get('partial-2')).toEqual([1]);
    expect(deliveries.get('partial-bad')).toEqual([1, 2]);
    expect(await depth(inbox.url)).toBe(0);
  });

  it.each([
    [
      'throws',
      (async () => {
        throw new Error('boom');
      }) satisfies () => Promise<unknown>,
    ],
    [
      'returns an itemIdentifier that is not in the batch',
      (async () => ({
        batchItemFailures: [{ itemIdentifier: 'not-a-message-id' }],
      })) satisfies () => Promise<unknown>,
    ],
  ])('retries the whole batch when the handler %s', async (_case, failOnce) => {
    // Prepare: first deliveries fail, redeliveries succeed
    const receives: string[] = [];
    startMapping(inbox, async (event: SQSEvent) => {
      for (const record of event.Records) receives.push(`${record.body}#${record.attributes.ApproximateReceiveCount}`);
      const firstDelivery = event.Records.some((record) => record.attributes.ApproximateReceiveCount === '1');
      return firstDelivery ? failOnce() : { batchItemFailures: [] };
    });

    // Act
    await send(inbox, ['whole-1', 'whole-2']);
    await until(() => receives.filter((r) => r.endsWith('#2')).length === 2);
    await until(async () => (await depth(inbox.url)) === 0);

    // Assess: both records came back once
    expect(receives.sort()).toEqual(['whole-1#1', 'whole-1#2', 'whole-2#1', 'whole-2#2']);
  });

  it('never exceeds batchSize records per invocation or maxConcurrency invocations at once', async () => {
    // Prepare
    let running = 0;
    let maxRunning = 0;
    let maxBatch = 0;
    let processed = 0;
    startMapping(
      inbox,
      async (event) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        maxBatch = Math.max(maxBatch, event.Records.length);
        await new Promise((resolve) => setTimeout(resolve, 50));
        processed += event.Records.length;
        running--;
        return { batchItemFailures: [] };
      },
      { batchSize: 3, maxConcurrency: 2 },
    );

    // Act
    await send(
      inbox,
      Array.from({ length: 30 }, (_, i) => `limit-${i}`),
    );
    await until(() => processed === 30);

    // Assess
    expect(maxBatch).toBeLessThanOrEqual(3);
    expect(maxRunning).toBeLessThanOrEqual(2);
    expect(maxRunning).toBe(2);
  });

  it('keeps the events of one message group in order even with concurrent invocations', async () => {
    // Prepare: 5 invoices × 8 events each, sent interleaved
    const order = new Map<string, number[]>();
    startMapping(fifo, async (event) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      for (const record of event.Records) {
        const [invoice, n] = record.body.split('#') as [string, string];
        order.set(invoice, [...(order.get(invoice) ?? []), Number(n)]);
      }
      return { batchItemFailures: [] };
    });
    const bodies = Array.from({ length: 8 }, (_, n) => Array.from({ length: 5 }, (_, i) => `ORD-${i}#${n}`)).flat();

    // Act
    await send(fifo, bodies, (body) => body.split('#')[0]!);
    await until(() => [...order.values()].reduce((sum, list) => sum + list.length, 0) === 40);

    // Assess
    for (const list of order.values()) expect(list).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('lets a batch in flight finish and delete its records when stopped', async () => {
    // Prepare
    let started = false;
    let finished = false;
    const mapping = startMapping(inbox, async () => {
      started = true;
      await new Promise((resolve) => setTimeout(resolve, 500));
      finished = true;
      return { batchItemFailures: [] };
    });
    await send(inbox, ['graceful-1']);
    await until(() => started);

    // Act
    await mapping.stop();

    // Assess
    expect(finished).toBe(true);
    expect(mapping.describe().state).toBe('stopped');
    expect(await depth(inbox.url)).toBe(0);
  });

  it('fails records whose invoice matches a fault rule without invoking the handler for them', async () => {
    // Prepare
    const handled: string[] = [];
    startMapping(
      fifo,
      async (event) => {
        handled.push(...event.Records.map((r) => r.body));
        return { batchItemFailures: [] };
      },
      {},
      new FaultInjector([{ handler: 'consume', stage: 'ingestion', invoiceIdPattern: '^FAULTY-' }]),
    );

    // Act
    await send(fifo, ['fault-ok', 'fault-bad'], (body) => (body === 'fault-bad' ? 'FAULTY-1' : 'FINE-1'));
    await until(async () => (await depth(fifo.dlq.url)) === 1);

    // Assess
    expect(handled).toEqual(['fault-ok']);
  });
});

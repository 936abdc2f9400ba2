import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import { afterEach, describe, expect, it } from 'vitest';
import { SqsJsonClient } from '../../../../local/cell/wire/SqsJsonClient.ts';
import { type BusOptions, sqsMessageBatchSender } from '../../../../local/eventbridge/index.ts';
import { BusEventSchema } from '../../../../schemas/envelope.ts';
import {
  ACCOUNT,
  BUS,
  eventBridgeClient,
  eventually,
  FakeQueues,
  invoiceEntry,
  queueUrlOf,
  REGION,
  startTestEmulator,
  tempDataDir,
  topology,
} from './support.ts';

const QUEUE_A = `http://127.0.0.1:4566/${ACCOUNT}/queue-a`;
const QUEUE_B = `http://127.0.0.1:4566/${ACCOUNT}/queue-b`;
const QUEUE_C = `http://127.0.0.1:4566/${ACCOUNT}/queue-c`;

/** One bus, two rules matching the same events: rule "fan" has two targets, rule "audit" one. */
const fanOutBus = (): BusOptions[] => [
  {
    name: 'bems-local-bus',
    archiveName: 'bems-local-archive',
    rules: [
      {
        name: 'fan',
        eventPattern: { source: ['bems.invoices'] },
        targets: [
          { id: 'a', queueUrl: QUEUE_A },
          { id: 'b', queueUrl: QUEUE_B },
        ],
      },
      {
        name: 'audit',
        eventPattern: { 'detail-type': [{ prefix: 'invoice.' }] },
        targets: [{ id: 'c', queueUrl: QUEUE_C }],
      },
    ],
  },
];

async function putMany(client: EventBridgeClient, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 10) {
    const entries = Array.from({ length: Math.min(10, count - i) }, () => invoiceEntry('posting'));
    const result = await client.send(new PutEventsCommand({ Entries: entries }));
    expect(result.FailedEntryCount).toBe(0);
    ids.push(...result.Entries!.map((e) => e.EventId!));
  }
  return ids;
}

describe('EventBridge emulator: delivery through the outbox', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(queues: FakeQueues, overrides: Parameters<typeof startTestEmulator>[2] = {}) {
    const data = tempDataDir();
    const emulator = await startTestEmulator(data.dir, queues, overrides);
    const client = eventBridgeClient(emulator.endpoint);
    cleanups.push(
      data.remove,
      () => emulator.stop(),
      () => client.destroy(),
    );
    return { emulator, client };
  }

  it('retries transient failures and delivers every event exactly once per target', async () => {
    // Prepare: every third call throws; otherwise each message fails on its first two attempts.
    const queues = new FakeQueues();
    const attemptsById = new Map<string, number>();
    queues.failures = (queueUrl, ids, call) => {
      if (call % 3 === 1) return 'throw';
      return ids.filter((id) => {
        const key = `${queueUrl}#${id}`;
        const attempts = (attemptsById.get(key) ?? 0) + 1;
        attemptsById.set(key, attempts);
        return attempts <= 2;
      });
    };
    const { emulator, client } = await start(queues, { buses: fanOutBus() });

    // Act
    const ids = await putMany(client, 50);

    // Assess
    expect(await eventually(() => emulator.outboxDepth() === 0, 15_000)).toBe(true);
    for (const queue of [QUEUE_A, QUEUE_B, QUEUE_C]) {
      const delivered = queues.bodies(queue).map((b) => b.id);
      expect(delivered).toHaveLength(50);
      expect(new Set(delivered)).toEqual(new Set(ids));
    }
    const stats = emulator.deliveryStats();
    expect(stats).toMatchObject({ pending: 0, delivered: 150, deadLettered: 0 });
    expect(stats.failedAttempts).toBeGreaterThanOrEqual(150 * 2);
    expect(emulator.logger.logs.some((log) => log.level === 'warn' && /will retry/.test(log.message))).toBe(true);
  });

  it('sends batches of at most 10 messages per queue', async () => {
    const queues = new FakeQueues();
    const { emulator, client } = await start(queues);

    await putMany(client, 60);

    expect(await eventually(() => queues.total() === 60)).toBe(true);
    // FakeQueues throws on more than 10 entries; 60 events in one queue need at least 6 calls.
    expect(queues.calls).toBeGreaterThanOrEqual(6);
    expect(queues.calls).toBeLessThanOrEqual(12);
    expect(emulator.deliveryStats().sendCalls).toBe(queues.calls);
  });

  it('backs off exponentially (with jitter) between attempts', async () => {
    const queues = new FakeQueues();
    const callTimes: number[] = [];
    queues.failures = (_url, ids) => {
      callTimes.push(performance.now());
      return callTimes.length <= 4 ? ids : [];
    };
    const { client } = await start(queues, { delivery: { baseBackoffMs: 40, maxBackoffMs: 10_000 } });

    await putMany(client, 1);

    expect(await eventually(() => queues.total() === 1)).toBe(true);
    const gaps = callTimes.slice(1).map((t, i) => t - callTimes[i]!);
    // Equal jitter: the wait before attempt n+1 is at least half of 40 ms × 2^(n-1).
    expect(gaps[0]).toBeGreaterThanOrEqual(20 - 2);
    expect(gaps[1]).toBeGreaterThanOrEqual(40 - 2);
    expect(gaps[2]).toBeGreaterThanOrEqual(80 - 2);
    expect(gaps[3]).toBeGreaterThanOrEqual(160 - 2);
  });

  it('dead-letters a delivery that exhausts its attempts, logs it, and keeps other targets flowing', async () => {
    const queues = new FakeQueues();
    const broken = queueUrlOf('posting');
    queues.failures = (queueUrl, ids) => (queueUrl === broken ? ids : []);
    const { emulator, client } = await start(queues, { delivery: { maxAttempts: 3 } });

    await client.send(new PutEventsCommand({ Entries: [invoiceEntry('posting'), invoiceEntry('ingestion')] }));

    expect(await eventually(() => emulator.deliveryStats().deadLettered === 1)).toBe(true);
    expect(emulator.outboxDepth()).toBe(0);
    expect(queues.bodies(queueUrlOf('ingestion'))).toHaveLength(1);
    expect(queues.bodies(broken)).toHaveLength(0);
    const dead = emulator.logger.logs.filter((log) => log.level === 'error');
    expect(dead).toHaveLength(1);
    expect(dead[0]!.message).toMatch(/dead-lettered/);
    expect(dead[0]!.attributes).toMatchObject({ attempts: 3 });
    // The event is still in the archive, so a replay can recover it.
    expect(emulator.archive.count({ detailTypes: ['invoice.posting'] })).toBe(1);
  });

  it('treats a SendMessageBatch call that never answers as failed and retries it', async () => {
    const queues = new FakeQueues();
    let hung = false;
    const send = queues.send;
    queues.failures = () => [];
    const { client, emulator } = await start(queues, {
      sendMessageBatch: (url, entries) => {
        if (!hung) {
          hung = true;
          return new Promise(() => {});
        }
        return send(url, entries);
      },
      delivery: { sendTimeoutMs: 100 },
    });

    await putMany(client, 1);

    expect(await eventually(() => queues.total() === 1)).toBe(true);
    expect(emulator.deliveryStats().failedAttempts).toBe(1);
  });

  it('delivers to real SQS queues (fauxqs) through sqsMessageBatchSender', async () => {
    // Prepare: fauxqs with the stage inboxes, the emulator delivering through the SQS SDK.
    const fauxqs = await startFauxqs({ port: 0, logger: false, defaultRegion: REGION });
    cleanups.push(() => fauxqs.stop());
    // Deliveries go through the local cell's own SQS client; the test reads back with the SDK.
    const plumbing = new SqsJsonClient({ endpoint: `http://127.0.0.1:${fauxqs.port}`, region: REGION });
    cleanups.push(() => plumbing.destroy());
    const sqs = new SQSClient({
      endpoint: `http://127.0.0.1:${fauxqs.port}`,
      region: REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    cleanups.push(() => sqs.destroy());
    const inbox = (stage: string) => topology.stages.find((s) => s.stage === stage)!.inbox.name;
    const urls = new Map(topology.stages.map((s) => [s.stage, fauxqs.createQueue(s.inbox.name).queueUrl]));
    const buses: BusOptions[] = [
      {
        name: BUS,
        rules: topology.stages.map((s) => ({
          name: s.ruleName,
          eventPattern: s.eventPattern,
          targets: [{ id: 'inbox', queueUrl: urls.get(s.stage)! }],
        })),
      },
    ];
    const { client, emulator } = await start(new FakeQueues(), {
      buses,
      sendMessageBatch: sqsMessageBatchSender(plumbing),
    });

    // Act: the last entry is valid JSON, but U+FFFF is a character SQS refuses (a sender fault).
    const result = await client.send(
      new PutEventsCommand({
        Entries: [
          invoiceEntry('posting'),
          invoiceEntry('posting'),
          invoiceEntry('ingestion'),
          { ...invoiceEntry('authorization'), Detail: '{"note": "\uffff"}' },
        ],
      }),
    );

    // Assess
    expect(result.FailedEntryCount).toBe(0);
    expect(await eventually(() => emulator.outboxDepth() === 0)).toBe(true);
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: urls.get('posting')!, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    const events = (received.Messages ?? []).map((m) => BusEventSchema.parse(JSON.parse(m.Body!)));
    expect(events.map((e) => e.id).sort()).toEqual([result.Entries![0]!.EventId, result.Entries![1]!.EventId].sort());
    expect(fauxqs.inspectQueue(inbox('ingestion'))!.messages.ready).toHaveLength(1);
    expect(fauxqs.inspectQueue(inbox('reconciliation'))!.messages.ready).toHaveLength(0);
    // The refused message is dead-lettered on its first attempt instead of being retried for hours.
    expect(emulator.deliveryStats()).toMatchObject({ deadLettered: 1, failedAttempts: 1 });
    expect(emulator.logger.logs.find((log) => log.level === 'error')!.attributes).toMatchObject({
      attempts: 1,
      error: expect.stringMatching(/^permanent:/),
    });
  });

  it('dead-letters entries the sender reports as permanent failures at once', async () => {
    const queues = new FakeQueues();
    const send = queues.send;
    const { client, emulator } = await start(queues, {
      sendMessageBatch: async (url, entries) => {
        if (url !== queueUrlOf('posting')) return send(url, entries);
        return { failedIds: entries.map((e) => e.Id), permanentIds: entries.map((e) => e.Id) };
      },
    });

    await client.send(new PutEventsCommand({ Entries: [invoiceEntry('posting'), invoiceEntry('ingestion')] }));

    expect(await eventually(() => emulator.deliveryStats().deadLettered === 1)).toBe(true);
    expect(emulator.deliveryStats()).toMatchObject({ failedAttempts: 1, delivered: 1, pending: 0 });
    expect(queues.bodies(queueUrlOf('ingestion'))).toHaveLength(1);
  });

  it('keeps delivering when the logger itself throws', async () => {
    const queues = new FakeQueues();
    queues.failures = (_url, ids, call) => (call === 1 ? ids : []);
    const throwing = () => {
      throw new Error('log sink is gone');
    };
    const { emulator, client } = await start(queues, {
      logger: { debug: throwing, info: throwing, warn: throwing, error: throwing },
    });

    await putMany(client, 1);

    expect(await eventually(() => queues.total() === 1)).toBe(true);
    expect(emulator.deliveryStats()).toMatchObject({ failedAttempts: 1, delivered: 1 });
  });
});

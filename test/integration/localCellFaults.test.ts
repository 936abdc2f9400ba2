import { rmSync } from 'node:fs';
import { type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CELL } from '../../cells/cells.config.ts';
import { parseCellDefinition } from '../../cells/definition.ts';
import type { RunningLocalCell } from '../../local/cell/index.ts';
import { ErrorResponseSchema } from '../../schemas/errorResponse.ts';
import { STAGES } from '../../schemas/stages.ts';
import { buildInvoiceEvent } from '../helpers/invoiceEvents.ts';
import {
  buildInvoiceRun,
  postInvoices,
  seededRandom,
  toRequests,
  waitForTimelines,
  withConcurrency,
} from '../helpers/localCellTraffic.ts';
import { startTestCell } from '../helpers/localTestCell.ts';

/**
 * Fault injection (`FaultRule`s applied by the local invokers, handlers unchanged): a consumer that
 * fails for some invoices and a forwarder that fails for others. Their messages must end in the
 * right DLQ after maxReceiveCount while every other invoice flows. Small visibility timeouts keep
 * the retries fast.
 */

const MAX_RECEIVE_COUNT = 2;
/**
 * Visibility is also the local function timeout: 3 s keeps retries quick while a healthy batch on a
 * busy CI machine still finishes in time (1 s sent healthy invoices to the DLQ under load, which
 * is what a too-short visibility timeout does on AWS too).
 */
const FAST_RETRY = { visibilityTimeoutSeconds: 3, maxReceiveCount: MAX_RECEIVE_COUNT, batchingWindowSeconds: 0 };
let cell: RunningLocalCell;
let dataDir: string;
let sqs: SQSClient;

beforeAll(async () => {
  const definition = parseCellDefinition({
    ...LOCAL_CELL,
    stages: {
      reconciliation: { consumers: [{ name: 'recorder', queue: FAST_RETRY }] },
      posting: { inbox: FAST_RETRY },
    },
  });
  ({ cell, dataDir } = await startTestCell('bems-local-faults-', definition, {
    faults: [
      { handler: 'consume', stage: 'reconciliation', invoiceIdPattern: '^POISON-' },
      { handler: 'forward', stage: 'posting', invoiceIdPattern: '^STUCK-' },
      { handler: 'ingest', invoiceIdPattern: '^DOWN-' },
    ],
  }));
  sqs = new SQSClient({
    endpoint: cell.endpoints.sqs,
    region: cell.cell.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});

afterAll(async () => {
  sqs?.destroy();
  await cell?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Reads (without deleting) up to `count` messages of a DLQ, waiting up to `timeoutMs` for them. */
async function peekDlq(queueName: string, count: number, timeoutMs: number): Promise<Message[]> {
  const url = cell.resources.queues.find((queue) => queue.dlq.name === queueName)?.dlq.url;
  if (!url) throw new Error(`no DLQ named ${queueName}`);
  const messages: Message[] = [];
  const deadline = Date.now() + timeoutMs;
  while (messages.length < count && Date.now() < deadline) {
    const output = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: 60,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    messages.push(...(output.Messages ?? []));
  }
  return messages;
}

describe('local cell fault injection', () => {
  it('parks a failing consumer’s and a failing forwarder’s messages in their DLQs after maxReceiveCount while other invoices flow', async () => {
    // Prepare: 8 invoices the reconciliation consumer fails on, 8 the posting forwarder fails on, 64 healthy.
    const random = seededRandom(4);
    const events = [
      ...buildInvoiceRun({ invoices: 8, prefix: 'POISON', seed: 1 }),
      ...buildInvoiceRun({ invoices: 8, prefix: 'STUCK', seed: 2 }),
      ...buildInvoiceRun({ invoices: 64, prefix: 'OK', seed: 3 }),
    ];
    const blocked = (event: { invoiceId: string; stage: string }) =>
      (event.invoiceId.startsWith('POISON-') && event.stage === 'reconciliation') ||
      (event.invoiceId.startsWith('STUCK-') && event.stage === 'posting');

    // Act
    const results = await withConcurrency(toRequests(events, random), 8, (request) =>
      postInvoices(cell.apiUrl, cell.apiKey, request),
    );
    const lastAcceptedAt = Math.max(...results.map((result) => result.at));
    const expected = new Map<string, Set<string>>();
    for (const event of events.filter((e) => !blocked(e)))
      expected.set(event.invoiceId, (expected.get(event.invoiceId) ?? new Set()).add(event.eventId));
    const timelines = await waitForTimelines(cell.apiUrl, cell.apiKey, expected, lastAcceptedAt + 15_000);
    const flowedWithinMs = Date.now() - lastAcceptedAt;
    const consumerDlq = await peekDlq('bems-local-reconciliation-recorder-dlq.fifo', 8, 30_000);
    const inboxDlq = await peekDlq('bems-local-posting-inbox-dlq', 8, 30_000);
    const health = (await (await fetch(`${cell.apiUrl}/health`)).json()) as {
      queues: {
        name: string;
        dlq: { name: string; visible: number; inFlight: number; oldestMessageAgeSeconds: number | null };
      }[];
    };

    // Assess: everything not blocked is recorded, exactly as expected
    expect(results.every((result) => result.status === 202)).toBe(true);
    for (const [invoiceId, eventIds] of expected) {
      const recorded = timelines.get(invoiceId)?.events.map((event) => event.eventId) ?? [];
      expect(new Set(recorded), invoiceId).toEqual(eventIds);
      expect(recorded, invoiceId).toHaveLength(eventIds.size);
    }
    expect(flowedWithinMs).toBeLessThan(15_000);
    // …the blocked events are in their DLQs, after maxReceiveCount receives, and nowhere in the store
    const poisonIds = events.filter((e) => blocked(e) && e.stage === 'reconciliation').map((e) => e.eventId);
    const stuckIds = events.filter((e) => blocked(e) && e.stage === 'posting').map((e) => e.eventId);
    expect(consumerDlq.map((m) => JSON.parse(m.Body!).eventId).sort()).toEqual([...poisonIds].sort());
    expect(inboxDlq.map((m) => JSON.parse(m.Body!).detail.eventId).sort()).toEqual([...stuckIds].sort());
    for (const message of [...consumerDlq, ...inboxDlq])
      expect(Number(message.Attributes?.ApproximateReceiveCount)).toBeGreaterThan(MAX_RECEIVE_COUNT);
    expect(consumerDlq.every((m) => m.Attributes?.MessageGroupId?.startsWith('POISON-'))).toBe(true);
    for (const eventId of [...poisonIds, ...stuckIds])
      expect(cell.store.query('SELECT count(*) AS n FROM invoice_events WHERE event_id = ?', [eventId])).toEqual([
        { n: 0 },
      ]);
    // …and GET /health shows them (depth counts the peeked, now in-flight, messages too)
    const dlqOf = (name: string) => health.queues.find((queue) => queue.name === name)!.dlq;
    for (const name of ['bems-local-reconciliation-recorder.fifo', 'bems-local-posting-inbox']) {
      const dlq = dlqOf(name);
      expect(dlq.visible + dlq.inFlight, name).toBe(8);
      expect(dlq.oldestMessageAgeSeconds, name).not.toBeNull();
    }
  });

  it('answers 502 when the ingest function fails, and nothing reaches the bus', async () => {
    // Prepare
    const archivedBefore = await cell.archive.count();

    // Act
    const response = await fetch(`${cell.apiUrl}/invoices/${STAGES[0]}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': cell.apiKey },
      body: JSON.stringify(buildInvoiceEvent('ingestion', { invoiceId: 'DOWN-1' })),
    });

    // Assess
    expect(response.status).toBe(502);
    expect(ErrorResponseSchema.parse(await response.json()).code).toBe('INTERNAL_ERROR');
    expect(await cell.archive.count()).toBe(archivedBefore);
  });
});

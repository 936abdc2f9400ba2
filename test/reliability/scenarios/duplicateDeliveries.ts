import { randomUUID } from 'node:crypto';
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import type { AnalyticsStore } from '../../../schemas/analyticsRecord.ts';
import { detailTypeFor, EVENT_SOURCE, SCHEMA_VERSION } from '../../../schemas/envelope.ts';
import type { InvoiceEvent } from '../../../schemas/invoiceEvent.ts';
import { inProcessProbe } from '../support/CellProbe.ts';
import { type RequestOutcome, RetryingClient, sendAll, sleep } from '../support/RetryingClient.ts';
import { reliabilityCell, startReliabilityCell } from '../support/reliabilityCell.ts';
import type { ScenarioResult } from '../support/ScenarioResult.ts';
import { buildScenarioEvents, eventIdsWhere, toScenarioRequests } from '../support/scenarioEvents.ts';
import { seededRandom } from '../support/seededRandom.ts';
import { verifyNothingLost } from '../support/verifyNothingLost.ts';
import { waitUntilSettled } from '../support/waitUntilSettled.ts';
import { portion, type ScenarioSize } from './ScenarioSize.ts';

/**
 * Every way one event can arrive more than once, at once:
 * - client retries after an answer was lost: ingest puts `RETRY-` events on the bus and then
 *   "crashes" (502) until the fault is lifted, so the client resends events that were accepted;
 * - the same request sent twice concurrently and once more later (`DUP-`);
 * - at-least-once delivery: copies of events injected straight into the stage inboxes (as a
 *   standard queue may deliver twice) and into the consumer FIFO queues with a fresh
 *   deduplication id (as after the 5-minute deduplication window);
 * - a replay of the whole archive window.
 * Each must end as one record per event: Timestream refuses the repeats (first write wins), the
 * lakehouse's unique key turns them into updates of the same row (last write wins).
 */
export async function duplicateDeliveriesScenario(
  size: ScenarioSize,
  store: AnalyticsStore = 'timestream',
): Promise<ScenarioResult> {
  const startedAt = Date.now();
  const random = seededRandom(size.seed + 40);
  const { cell, dispose } = await startReliabilityCell(
    `duplicates-${store}`,
    reliabilityCell({}, { analytics: { store } }),
  );
  const probe = inProcessProbe(cell);
  try {
    const retried = buildScenarioEvents({
      seed: size.seed + 41,
      invoices: portion(size, 0.3),
      prefix: 'RETRY',
      random,
    });
    const doubled = buildScenarioEvents({ seed: size.seed + 42, invoices: portion(size, 0.4), prefix: 'DUP', random });
    const plain = buildScenarioEvents({ seed: size.seed + 43, invoices: portion(size, 0.3), prefix: 'OK', random });
    const client = new RetryingClient({ apiUrl: () => cell.apiUrl, apiKey: cell.apiKey, random, maxAttempts: 12 });

    // Ingest runs, then answers 502, for ~1.5 s: the client's retries land before and after.
    cell.faults.setRules([{ handler: 'ingest', invoiceIdPattern: '^RETRY-', mode: 'crash' }]);
    const lift = sleep(1_500).then(() => cell.faults.setRules([]));
    const doubledRequests = toScenarioRequests(doubled, random);
    const outcomes: RequestOutcome[] = (
      await Promise.all([
        sendAll(client, toScenarioRequests(retried, random), size.concurrency),
        sendAll(client, [...doubledRequests, ...doubledRequests], size.concurrency),
        sendAll(client, toScenarioRequests(plain, random), size.concurrency),
      ])
    ).flat();
    await lift;
    await waitUntilSettled(probe, { timeoutMs: 60_000 });
    outcomes.push(...(await sendAll(client, doubledRequests, size.concurrency)));

    const everything = [...retried, ...doubled, ...plain];
    const accepted = new Set(outcomes.flatMap((o) => o.accepted));
    const copies = everything.filter((event) => accepted.has(event.eventId));
    await injectCopies(cell, copies);
    const from = new Date(startedAt - 60_000);
    await cell.archive.startReplay({ name: `duplicates-${startedAt}`, from, to: new Date(Date.now() + 60_000) });

    const retriedAfter5xx = outcomes.filter(
      (o) => o.request.events[0]!.invoiceId.startsWith('RETRY-') && o.statuses[0] === 502 && o.accepted.length > 0,
    ).length;
    return await verifyNothingLost({
      scenario: 'duplicated deliveries and client retries',
      fault: 'answers lost after ingest, concurrent and repeated POSTs, inbox and FIFO copies, archive replay',
      probe,
      outcomes,
      // Nothing is broken here, so every invoice must also meet the SLA.
      affected: eventIdsWhere(everything, () => false),
      startedAt,
      facts: async () => ({
        retriedAfter5xx,
        copies: copies.length,
        consumerDeliveries: await consumerDeliveries(cell),
      }),
      notes: [
        `requests answered 502 after ingest had run, then accepted on retry: ${retriedAfter5xx}`,
        `client attempts: ${outcomes.reduce((n, o) => n + o.statuses.length, 0)} for ${outcomes.length} requests`,
        `copies injected: ${copies.length} into inboxes, ${copies.length} into FIFO queues, plus one archive replay`,
      ],
    });
  } finally {
    probe.close();
    await dispose();
  }
}

type Cell = Awaited<ReturnType<typeof startReliabilityCell>>['cell'];

/** Records the consume functions were handed, over all their invocations (from `GET /health`). */
async function consumerDeliveries(cell: Cell): Promise<number> {
  const body = (await cell.health()).body as {
    components: { eventSourceMappings: { function: string; recordsReceived: number }[] };
  };
  return body.components.eventSourceMappings
    .filter((mapping) => mapping.function.includes('-consume-'))
    .reduce((sum, mapping) => sum + mapping.recordsReceived, 0);
}

/** One copy of each event into its stage inbox and one into its consumer FIFO queue. */
async function injectCopies(cell: Cell, events: readonly InvoiceEvent[]): Promise<void> {
  const probe = inProcessProbe(cell);
  try {
    const sqs = probe.sqs();
    for (const stage of cell.topology.stages) {
      const ofStage = events.filter((event) => event.stage === stage.stage);
      const inbox = cell.resources.queues.find((q) => q.stage === stage.stage && q.role === 'inbox')!;
      const fifo = cell.resources.queues.find((q) => q.stage === stage.stage && q.role === 'consumer')!;
      for (let i = 0; i < ofStage.length; i += 10) {
        const chunk = ofStage.slice(i, i + 10).map((event) => ({ event, detail: detailOf(event, cell) }));
        await sendBatch(
          sqs,
          inbox.url,
          chunk.map(({ event, detail }, index) => ({
            Id: String(index),
            MessageBody: JSON.stringify({
              version: '0',
              id: randomUUID(),
              'detail-type': detailTypeFor(event.stage),
              source: EVENT_SOURCE,
              account: cell.cell.account,
              time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
              region: cell.cell.region,
              resources: [],
              detail,
            }),
          })),
        );
        await sendBatch(
          sqs,
          fifo.url,
          chunk.map(({ event, detail }, index) => ({
            Id: String(index),
            MessageBody: JSON.stringify(detail),
            MessageGroupId: event.invoiceId,
            // A fresh deduplication id: SQS must not drop it, so the consumer has to.
            MessageDeduplicationId: `${event.eventId}:copy`,
            MessageAttributes: {
              stage: { DataType: 'String', StringValue: event.stage },
              status: { DataType: 'String', StringValue: event.status },
              currency: { DataType: 'String', StringValue: event.currency },
              vendorId: { DataType: 'String', StringValue: event.vendor.vendorId },
            },
          })),
        );
      }
    }
  } finally {
    probe.close();
  }
}

function detailOf(event: InvoiceEvent, cell: Cell) {
  return {
    ...event,
    // What ingest stamps (handlers/ingest/withServerMetadata.ts), so a copy is the same record.
    server: {
      cell: cell.cell.id,
      account: cell.cell.account,
      region: cell.cell.region,
      receivedAt: new Date().toISOString(),
      schemaVersion: SCHEMA_VERSION,
    },
  };
}

async function sendBatch(
  sqs: ReturnType<ReturnType<typeof inProcessProbe>['sqs']>,
  queueUrl: string,
  entries: SendMessageBatchRequestEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  const result = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  if (result.Failed?.length) throw new Error(`injecting copies failed: ${JSON.stringify(result.Failed)}`);
}

import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { rmSync } from 'node:fs';
import type { ClientRequest } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { localCell } from '../../cells/cells.config.ts';
import type { RunningLocalCell } from '../../local/cell/index.ts';
import { STAGES } from '../../schemas/stages.ts';
import { buildInvoiceRun, postInvoices } from '../helpers/localCellTraffic.ts';
import { startTestCell } from '../helpers/localTestCell.ts';

/**
 * The cell's own clients reach the emulator thread over the port (default) or over loopback HTTP
 * (`transport: 'http'`): both carry the whole flow, and the emulators count the same AWS requests
 * either way — the bench's requests per event come from those counts.
 */
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface FlowResult {
  readonly recorded: number;
  readonly counts: Record<string, number>;
  /** HTTP requests this thread's node:http clients sent during the flow (the API is called with fetch). */
  readonly httpClientRequests: number;
}

async function runFlow(transport: 'port' | 'http', gatherPortMessages = false): Promise<FlowResult> {
  const name = `${transport}${gatherPortMessages ? '-gathered' : ''}`;
  const { cell, dataDir } = await startTestCell(`bems-transport-${name}-`, localCell(), {
    transport,
    gatherPortMessages,
  });
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  cleanups.push(() => cell.stop());
  const prefix = `TR-${name}`;
  const events = buildInvoiceRun({ invoices: 10, prefix, seed: 7 });
  let httpClientRequests = 0;
  const onRequest = (message: unknown) => {
    if ((message as { request: ClientRequest }).request) httpClientRequests += 1;
  };
  subscribe('http.client.request.start', onRequest);
  // One batch of 10 per stage: 4 ingest invocations, 40 idempotency claims (in BatchExecuteStatement
  // calls, ADR 0022), 4 PutEvents.
  const answers = await Promise.all(
    STAGES.map((stage) =>
      postInvoices(cell.apiUrl, cell.apiKey, {
        stage,
        events: events.filter((event) => event.stage === stage),
        asBatch: true,
      }),
    ),
  );
  expect(answers.map((answer) => answer.status)).toEqual(STAGES.map(() => 202));
  const recorded = await recordedWithin(cell, prefix, events.length, 30_000);
  unsubscribe('http.client.request.start', onRequest);
  return { recorded, counts: await cell.requestCountsByAction(), httpClientRequests };
}

async function recordedWithin(cell: RunningLocalCell, prefix: string, expected: number, ms: number): Promise<number> {
  const deadline = Date.now() + ms;
  let recorded = cell.readModel.countByInvoicePrefix(`${prefix}-`);
  while (recorded < expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    recorded = cell.readModel.countByInvoicePrefix(`${prefix}-`);
  }
  return recorded;
}

describe('the local cell on either transport', () => {
  it('records every event and counts the same requests per action over the port and over HTTP', async () => {
    // Act
    const port = await runFlow('port');
    const http = await runFlow('http');
    const gathered = await runFlow('port', true);

    // Assert
    for (const run of [port, http, gathered]) {
      expect(run.recorded).toBe(40);
      expect(run.counts).toMatchObject({
        'lambda:bems-local-ingest': 4,
        'eventbridge:PutEvents': 4,
      });
      // Every claim is new, so none falls back to a conditional PutItem; requests in the same turn
      // of the event loop share a BatchExecuteStatement, so 1 to 4 of them, and so do the settles'
      // BatchWriteItem calls (over the port, answers the emulator thread gives together arrive in
      // one message, and the invocations they resume settle in the same turn).
      expect(run.counts['dynamodb:PutItem']).toBeUndefined();
      for (const action of ['dynamodb:BatchExecuteStatement', 'dynamodb:BatchWriteItem']) {
        expect(run.counts[action], action).toBeGreaterThanOrEqual(1);
        expect(run.counts[action], action).toBeLessThanOrEqual(4);
      }
      // Downstream calls batch by timing; each must be there and counted.
      for (const action of [
        'sqs:SendMessageBatch',
        'sqs:ReceiveMessage',
        'sqs:DeleteMessageBatch',
        'sns:query',
        'timestream:WriteRecords',
      ])
        expect(run.counts[action], action).toBeGreaterThan(0);
    }
    // Over the port the handlers and pollers open no HTTP request at all; over HTTP every call is one.
    expect(port.httpClientRequests).toBe(0);
    expect(gathered.httpClientRequests).toBe(0);
    // Over HTTP each of the handlers' SDK calls is a node:http request.
    const handlerCalls = Object.entries(http.counts)
      .filter(([action]) => /^(dynamodb:|eventbridge:PutEvents$|timestream:WriteRecords$|sns:)/.test(action))
      .reduce((sum, [, count]) => sum + count, 0);
    expect(handlerCalls).toBeGreaterThanOrEqual(13);
    expect(http.httpClientRequests).toBeGreaterThanOrEqual(handlerCalls);
    // EventBridge delivers each of the 4 PutEvents' entries to one inbox: as many SendMessageBatch.
    expect(port.counts['sqs:SendMessageBatch']).toBe(http.counts['sqs:SendMessageBatch']);
    expect(Object.keys(port.counts).sort()).toEqual(Object.keys(http.counts).sort());
    expect(Object.keys(gathered.counts).sort()).toEqual(Object.keys(http.counts).sort());
  });
});

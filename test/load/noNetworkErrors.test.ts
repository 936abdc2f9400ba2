import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAcceptedLog } from '../../load-tests/acceptedLog.ts';
import { storeRecordSource } from '../../load-tests/recordSources.ts';
import { runLoadInChild } from '../../load-tests/runLoadInChild.ts';
import { verifyCompleteness } from '../../load-tests/verifyCompleteness.ts';
import { type RunningLocalCell, startLocalCell } from '../../local/cell/LocalCell.ts';
import { ERROR_CODES, type ErrorResponse } from '../../schemas/errorResponse.ts';
import { buildInvoiceEvent } from '../helpers/invoiceEvents.ts';
import { runCommand } from '../helpers/runCommand.ts';

/**
 * Issue 20, item 1: a producer never gets a connection reset or a hang from the local API. Under
 * more load than the cell takes it sheds with 503 OVERLOADED and Retry-After; the test fails on any
 * network error the load generator sees.
 */
describe('the local API under load: answers, never network errors', () => {
  it('keeps an idle keep-alive connection open through a stalled event loop (the cause of the resets)', async () => {
    // Act: the reproduction script (a client reusing its connection while the server's loop stalls).
    const run = await runCommand(
      process.execPath,
      ['--import', 'tsx', 'load-tests/reproduceConnectionResets.ts'],
      {},
      50_000,
    );

    // Assess: Node's defaults reset the connection, the local API's server answers.
    expect(run.output).toMatch(/node-defaults\s+second request: network error ECONNRESET/);
    expect(run.output).toMatch(/local-api\s+second request: 202/);
    expect(run.code, run.output).toBe(0);
  }, 60_000);

  describe('a cell that admits 2 requests at a time', () => {
    const work = mkdtempSync(join(tmpdir(), 'bems-no-resets-'));
    let cell: RunningLocalCell;

    beforeAll(async () => {
      cell = await startLocalCell({
        port: 0,
        dataDir: join(work, 'data'),
        quiet: true,
        admission: { maxInFlight: 2, retryAfterSeconds: 2 },
      });
    });

    afterAll(async () => {
      await cell?.stop();
      rmSync(work, { recursive: true, force: true });
    });

    it('sheds what it cannot take with 503 OVERLOADED and Retry-After, and publishes none of it', async () => {
      // Prepare: 12 single-event requests at once, in-process.
      const events = Array.from({ length: 12 }, (_, i) => buildInvoiceEvent('ingestion', { invoiceId: `SHED-${i}` }));

      // Act
      const responses = await Promise.all(
        events.map((event) =>
          cell.fetch(
            new Request(`${cell.apiUrl}/invoices/ingestion`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-api-key': cell.apiKey },
              body: JSON.stringify(event),
            }),
          ),
        ),
      );

      // Assess: two in progress at a time; the rest refused with the catalogue's code and a wait.
      const refused = responses.filter((r) => r.status === 503);
      expect(refused.length).toBeGreaterThan(0);
      expect(responses.filter((r) => r.status === 202).length).toBeGreaterThanOrEqual(2);
      expect(refused.length + responses.filter((r) => r.status === 202).length).toBe(events.length);
      for (const response of refused) {
        expect(response.headers.get('retry-after')).toBe('2');
        const body = (await response.json()) as ErrorResponse;
        expect(body.code).toBe(ERROR_CODES.overloaded);
        expect(body.requestId).toBeTruthy();
      }
      const refusedIds = new Set(events.filter((_, i) => responses[i]!.status === 503).map((event) => event.invoiceId));
      await new Promise((r) => setTimeout(r, 3_000));
      for (const invoiceId of refusedIds) expect(cell.readModel.timeline(invoiceId)).toEqual([]);
    });

    it('answers every request of a burst over 48 connections with 202 or 503, with no network error', async () => {
      // Act: the benchmark's load generator, 3,000 events in batches of 10, as fast as it can.
      const runId = `nne${process.pid}`;
      const acceptedFile = join(work, 'accepted.jsonl');
      const load = await runLoadInChild({
        url: cell.apiUrl,
        apiKey: cell.apiKey,
        mode: 'burst',
        totalEvents: 3_000,
        concurrency: 48,
        batchSize: 10,
        runId,
        acceptedFile,
      });

      // Assess: answers only — refusals with a status, never a reset or a timeout …
      expect(load.networkErrors, JSON.stringify(load.networkErrorKinds)).toBe(0);
      expect(Object.keys(load.statusCounts).sort()).toEqual(['202', '503']);
      expect(load.requests).toBe(300);
      // … and every accepted event recorded exactly once.
      await expectRecordedOnce(cell, runId, acceptedFile, load.eventsAccepted);
    }, 180_000);
  });

  describe('a cell whose main thread is saturated (a busy loop 1.5 s of every 1.6 s)', () => {
    const work = mkdtempSync(join(tmpdir(), 'bems-busy-main-'));
    let cell: RunningLocalCell;

    beforeAll(async () => {
      cell = await startLocalCell({ port: 0, dataDir: join(work, 'data'), quiet: true });
    });

    afterAll(async () => {
      await cell?.stop();
      rmSync(work, { recursive: true, force: true });
    });

    it('answers every request at 1,000 events/s with 202, 503 or 504 within the integration timeout', async () => {
      // Prepare: the cell's main thread (this one: handlers, pollers) blocked as a saturated one is.
      const busy = setInterval(() => {
        const until = performance.now() + 1_500;
        while (performance.now() < until);
      }, 1_600);
      const runId = `bsy${process.pid}`;
      const acceptedFile = join(work, 'accepted.jsonl');

      // Act: open loop, 10 s, from the load generator's own process.
      const load = await runLoadInChild({
        url: cell.apiUrl,
        apiKey: cell.apiKey,
        mode: 'rate',
        eventsPerSecond: 1_000,
        durationS: 10,
        concurrency: 256,
        batchSize: 10,
        runId,
        acceptedFile,
      }).finally(() => clearInterval(busy));

      // Assess: an answer for every request, none later than API Gateway's 29 s (plus scheduling) …
      expect(load.networkErrors, JSON.stringify(load.networkErrorKinds)).toBe(0);
      expect(load.requests).toBe(1_000);
      expect(Object.keys(load.statusCounts).filter((status) => !['202', '503', '504'].includes(status))).toEqual([]);
      expect(load.statusCounts['503']).toBeGreaterThan(0);
      expect(load.httpMs.max).toBeLessThan(31_000);
      // … and every accepted event recorded exactly once.
      await expectRecordedOnce(cell, runId, acceptedFile, load.eventsAccepted);
    }, 180_000);
  });
});

/** Every event the load generator saw accepted is in the store, exactly once. */
async function expectRecordedOnce(cell: RunningLocalCell, runId: string, acceptedFile: string, eventsAccepted: number) {
  const accepted = readAcceptedLog(acceptedFile).events;
  expect(accepted.length).toBe(eventsAccepted);
  const report = await verifyCompleteness({
    accepted,
    source: storeRecordSource(cell.store, { invoicePrefix: `LT-${runId}-`, readModel: cell.readModel }),
    deadlineMs: 90_000,
  });
  expect(report.missing).toEqual([]);
  expect(report.duplicates).toEqual([]);
}

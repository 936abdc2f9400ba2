import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningLocalCell, startLocalCell } from '../../local/cell/index.ts';
import { ANALYTICS_STORES } from '../../schemas/analyticsRecord.ts';
import { ErrorResponseSchema } from '../../schemas/errorResponse.ts';
import type { InvoiceEvent } from '../../schemas/invoiceEvent.ts';
import { buildInvoiceEvent } from '../helpers/invoiceEvents.ts';
import {
  buildInvoiceRun,
  getTimeline,
  type PostRequest,
  postInvoices,
  seededRandom,
  toRequests,
  waitForDrain,
  waitForTimelines,
  withConcurrency,
} from '../helpers/localCellTraffic.ts';

/**
 * The local cell as a new user meets it: started in-process on port 0 with a fresh data
 * directory, driven only over HTTP (fetch), read back through `GET /invoices/{id}` — once with each
 * analytics store (Timestream; the lakehouse's Firehose stream into Iceberg).
 */

const SEED = 20261128;
const VISIBLE_WITHIN_MS = 10_000;
let cell: RunningLocalCell;
let dataDir: string;

const post = (path: string, body: string | undefined, headers: Record<string, string> = {}) =>
  fetch(`${cell.apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': cell.apiKey, ...headers },
    ...(body === undefined ? {} : { body }),
  });

describe.each(ANALYTICS_STORES)('local cell with the %s store', (store) => {
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bems-local-cell-'));
    cell = await startLocalCell({ port: 0, dataDir, quiet: true, monitorIntervalMs: 0, analyticsStore: store });
  });

  afterAll(async () => {
    await cell?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('local cell: valid traffic', () => {
    it('shows 2,000 events of 500 invoices over 4 stages exactly once, with exact amounts, within 10 s of the last 202', async () => {
      // Prepare: 500 invoices × 4 stages, as single and batch POSTs; 5% of the events sent twice.
      const random = seededRandom(SEED);
      const events = buildInvoiceRun({ invoices: 500, prefix: 'INV-IT', seed: SEED });
      expect(events).toHaveLength(2000);
      const resent = events.filter(() => random() < 0.05).slice(0, 100);
      const requests: PostRequest[] = [...toRequests(events, random), ...toRequests(resent, random)].sort(
        () => random() - 0.5,
      );

      // Act: 8 clients posting as fast as the API answers
      const startedAt = Date.now();
      const results = await withConcurrency(requests, 8, (request) => postInvoices(cell.apiUrl, cell.apiKey, request));
      const lastAcceptedAt = Math.max(...results.map((result) => result.at));
      const expected = new Map<string, Set<string>>();
      for (const event of events)
        expected.set(event.invoiceId, (expected.get(event.invoiceId) ?? new Set()).add(event.eventId));
      const deadline = lastAcceptedAt + VISIBLE_WITHIN_MS;
      await waitForDrain(cell.apiUrl, deadline);
      const timelines = await waitForTimelines(cell.apiUrl, cell.apiKey, expected, deadline);
      const visibleAfterMs = Date.now() - lastAcceptedAt;
      console.info(
        `[localCell] ${requests.length} POSTs (${events.length + resent.length} events) in ${lastAcceptedAt - startedAt} ms; ` +
          `all ${events.length} visible ${visibleAfterMs} ms after the last 202`,
      );

      // Assess: every request accepted with exactly its eventIds
      expect(resent.length).toBeGreaterThan(50);
      const repeated: string[] = [];
      for (const result of results) {
        expect(result.status, JSON.stringify(result.body)).toBe(202);
        const body = result.body as { accepted: string[]; repeated?: string[] };
        expect(body.accepted).toEqual(result.request.events.map((event) => event.eventId));
        repeated.push(...(body.repeated ?? []));
      }
      // …each re-sent event answered once as new and once as a repeat (whichever request came second)
      expect(repeated.sort()).toEqual(resent.map((event) => event.eventId).sort());
      // …every event visible once, as sent, within the deadline
      const byId = new Map(events.map((event) => [event.eventId, event]));
      const problems: string[] = [];
      for (const [invoiceId, eventIds] of expected) {
        const timeline = timelines.get(invoiceId);
        const seen = timeline?.events.map((event) => event.eventId) ?? [];
        if (seen.length !== eventIds.size || new Set(seen).size !== seen.length || seen.some((id) => !eventIds.has(id)))
          problems.push(`${invoiceId}: expected ${[...eventIds].join(',')}, got ${seen.join(',')}`);
        for (const recorded of timeline?.events ?? []) {
          const sent = byId.get(recorded.eventId) as InvoiceEvent;
          if (
            recorded.amount !== sent.amount ||
            recorded.currency !== sent.currency ||
            recorded.status !== sent.status ||
            recorded.stage !== sent.stage ||
            Date.parse(recorded.occurredAt) !== Date.parse(sent.occurredAt)
          )
            problems.push(`${recorded.eventId}: recorded ${JSON.stringify(recorded)} for ${JSON.stringify(sent)}`);
        }
      }
      expect(problems.slice(0, 10)).toEqual([]);
      expect(visibleAfterMs).toBeLessThanOrEqual(VISIBLE_WITHIN_MS);
      // Each re-sent event is published and archived once: the idempotency check answered the repeat.
      expect(await cell.archive.count()).toBe(2000);
      expect(cell.readModel.duplicateIdentities()).toEqual([]);
    });

    it("records the cell's account, with its cell and Region, as processing metadata of every event", async () => {
      // Prepare: one invoice through all four stages.
      const events = buildInvoiceRun({ invoices: 1, prefix: 'INV-ACCOUNT', seed: SEED });
      const invoiceId = events[0]!.invoiceId;

      // Act
      for (const event of events) {
        const result = await postInvoices(cell.apiUrl, cell.apiKey, {
          stage: event.stage,
          events: [event],
          asBatch: false,
        });
        expect(result.status, JSON.stringify(result.body)).toBe(202);
      }
      await waitForTimelines(
        cell.apiUrl,
        cell.apiKey,
        new Map([[invoiceId, new Set(events.map((e) => e.eventId))]]),
        Date.now() + VISIBLE_WITHIN_MS,
      );

      // Assess: the analytics records (the read model, as the dashboards read them) carry the account.
      const recorded = cell.readModel.timeline(invoiceId);
      expect(recorded.map((r) => r.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
      expect(cell.cell.account).toMatch(/^\d{12}$/);
      for (const record of recorded) {
        expect(record).toMatchObject({ accountId: cell.cell.account, cell: cell.cell.id, region: cell.cell.region });
      }
    });

    it('reports every component as running and, once the re-sent duplicates are through, every queue drained', async () => {
      // Act: the duplicates of re-sent events may still be on their way (they are absorbed by eventId).
      type Health = {
        status: string;
        components: Record<string, unknown> & { eventSourceMappings: { state: string }[] };
        queues: QueueHealthBody[];
      };
      type QueueHealthBody = {
        name: string;
        visible: number;
        inFlight: number;
        oldestMessageAgeSeconds: number | null;
        dlq: { visible: number };
      };
      const drained = (health: Health) => health.queues.every((queue) => queue.visible + queue.inFlight === 0);
      let response: Response;
      let body: Health;
      const deadline = Date.now() + 20_000;
      do {
        response = await fetch(`${cell.apiUrl}/health`);
        body = (await response.json()) as Health;
        if (drained(body)) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      } while (Date.now() < deadline);

      // Assess
      expect(response.status).toBe(200);
      expect(body.status).toBe('ok');
      expect(Object.keys(body.components)).toEqual(
        expect.arrayContaining([
          'api',
          'snsSqs',
          'eventBridge',
          store === 'lakehouse' ? 'firehose' : 'timestream',
          'eventSourceMappings',
        ]),
      );
      expect(body.components.eventSourceMappings).toHaveLength(8);
      expect(body.components.eventSourceMappings.every((mapping) => mapping.state === 'running')).toBe(true);
      expect(body.queues.map((queue) => queue.name)).toContain('bems-local-posting-recorder.fifo');
      for (const queue of body.queues) {
        expect(queue.visible + queue.inFlight, queue.name).toBe(0);
        expect(queue.oldestMessageAgeSeconds, queue.name).toBeNull();
        expect(queue.dlq.visible, `${queue.name} DLQ`).toBe(0);
      }
    });
  });

  /** One invalid request and what the API must answer. */
  interface InvalidCase {
    readonly category: string;
    readonly send: () => Promise<Response>;
    readonly status: number;
    readonly code: string;
    /** A field path the error must name (field-level detail). */
    readonly path?: string;
  }

  function badEvent(stage: InvoiceEvent['stage'] = 'ingestion', overrides: Record<string, unknown> = {}) {
    return { ...buildInvoiceEvent(stage, { invoiceId: `BAD-${randomUUID().slice(0, 8)}` }), ...overrides };
  }

  function invalidCases(): InvalidCase[] {
    const cases: InvalidCase[] = [];
    const times = (n: number, build: (i: number) => InvalidCase) => {
      for (let i = 0; i < n; i++) cases.push(build(i));
    };
    const brokenJson = ['{', '{"eventId": }', '[1, 2', "{'eventId': 'x'}", '{"a":1,}', 'not json', '{"events": [}'];
    times(25, (i) => ({
      category: 'bad JSON',
      send: () => post('/invoices/ingestion', `${brokenJson[i % brokenJson.length]} `),
      status: 400,
      code: 'VALIDATION_FAILED',
      path: '',
    }));
    const wrongTypes: [Record<string, unknown>, string][] = [
      [{ amount: 1250 }, 'amount'],
      [{ eventId: 42 }, 'eventId'],
      [{ vendor: 'Acme GmbH' }, 'vendor'],
      [{ paymentTerms: { netDays: '30' } }, 'paymentTerms.netDays'],
      [{ occurredAt: 1764322200000 }, 'occurredAt'],
      [{ status: 'posted' }, 'status'],
      [{ currency: 'eur' }, 'currency'],
      [{ metadata: null }, 'metadata'],
    ];
    times(25, (i) => {
      const [override, path] = wrongTypes[i % wrongTypes.length]!;
      return {
        category: 'wrong types',
        send: () => post('/invoices/ingestion', JSON.stringify(badEvent('ingestion', override))),
        status: 400,
        code: 'VALIDATION_FAILED',
        path,
      };
    });
    const unknownStages = ['shipping', 'INGESTION', 'payment', 'posting2', 'ingestion%20'];
    times(25, (i) => ({
      category: 'unknown stage',
      send: () => post(`/invoices/${unknownStages[i % unknownStages.length]}`, JSON.stringify(badEvent())),
      status: 404,
      code: 'UNKNOWN_STAGE',
    }));
    const decimals: [string, string][] = [
      ['JPY', '100.5'],
      ['EUR', '1.234'],
      ['BHD', '1.2345'],
      ['USD', '0.001'],
    ];
    times(25, (i) => {
      const [currency, amount] = decimals[i % decimals.length]!;
      const inBatch = i % 2 === 0;
      const events = [badEvent('posting'), badEvent('posting', { currency, amount }), badEvent('posting')];
      return {
        category: 'too many decimals',
        send: () =>
          post('/invoices/posting', JSON.stringify(inBatch ? { events } : badEvent('posting', { currency, amount }))),
        status: 400,
        code: 'VALIDATION_FAILED',
        path: inBatch ? 'events.1.amount' : 'amount',
      };
    });
    times(25, () => ({
      category: 'batch of 11',
      send: () =>
        post(
          '/invoices/authorization',
          JSON.stringify({ events: Array.from({ length: 11 }, () => badEvent('authorization')) }),
        ),
      status: 400,
      code: 'VALIDATION_FAILED',
      path: 'events',
    }));
    times(25, () => ({
      category: 'no key',
      send: () =>
        fetch(`${cell.apiUrl}/invoices/ingestion`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(badEvent()),
        }),
      status: 403,
      code: 'FORBIDDEN',
    }));
    times(25, (i) => ({
      category: 'wrong key',
      send: () =>
        post('/invoices/ingestion', JSON.stringify(badEvent()), { 'x-api-key': `wrong-key-${i}-0123456789abcdef` }),
      status: 403,
      code: 'FORBIDDEN',
    }));
    const huge = JSON.stringify({ ...badEvent(), padding: 'x'.repeat(300 * 1024) });
    times(13, (i) => ({
      category: '300 KB body',
      // Half with Content-Length, half streamed (chunked): neither may be buffered without bound.
      send: () =>
        i % 2 === 0
          ? post('/invoices/ingestion', huge)
          : fetch(`${cell.apiUrl}/invoices/ingestion`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-api-key': cell.apiKey },
              body: new Blob([huge]).stream(),
              duplex: 'half',
            } as RequestInit),
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    }));
    const contentTypes = [
      'text/plain',
      'application/xml',
      'application/x-www-form-urlencoded',
      'application/json; charset=latin1',
    ];
    times(12, (i) => ({
      category: 'wrong content type',
      send: () =>
        post('/invoices/ingestion', JSON.stringify(badEvent()), {
          'content-type': contentTypes[i % contentTypes.length]!,
        }),
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    }));
    return cases;
  }

  describe('local cell: invalid requests', () => {
    it('answers 200 invalid requests with the right 4xx and field detail, and lets none reach the archive or the store', async () => {
      // Prepare
      const cases = invalidCases();
      expect(cases).toHaveLength(200);
      const archivedBefore = await cell.archive.count();
      const recordedBefore = cell.readModel.countRecords();

      // Act
      const answers = await withConcurrency(cases, 8, async (invalid) => {
        const response = await invalid.send();
        return { invalid, status: response.status, body: (await response.json()) as unknown };
      });
      // Anything that slipped through would be recorded within a couple of seconds.
      await new Promise((resolve) => setTimeout(resolve, 2_500));

      // Assess
      for (const { invalid, status, body } of answers) {
        const where = `${invalid.category}: ${JSON.stringify(body).slice(0, 300)}`;
        expect(status, where).toBe(invalid.status);
        const error = ErrorResponseSchema.parse(body);
        expect(error.code, where).toBe(invalid.code);
        expect(error.message.length, where).toBeGreaterThan(0);
        if (invalid.path !== undefined)
          expect(
            error.issues?.map((issue) => issue.path),
            where,
          ).toContain(invalid.path);
      }
      expect(await cell.archive.count()).toBe(archivedBefore);
      expect(cell.readModel.countRecords()).toBe(recordedBefore);
      expect(cell.store.query(`SELECT count(*) AS n FROM invoice_events WHERE invoice_id LIKE 'BAD-%'`)).toEqual([
        { n: 0 },
      ]);
    });

    it('answers unknown routes with 404 and wrong methods with 405, in the ErrorResponse shape', async () => {
      // Act
      const unknown = await fetch(`${cell.apiUrl}/nothing/here`);
      const put = await fetch(`${cell.apiUrl}/invoices/ingestion`, {
        method: 'PUT',
        headers: { 'x-api-key': cell.apiKey },
      });
      const deleteHealth = await fetch(`${cell.apiUrl}/health`, { method: 'DELETE' });
      const noTimeline = await getTimeline(cell.apiUrl, cell.apiKey, 'INV-NEVER-SENT');

      // Assess
      expect(unknown.status).toBe(404);
      expect(ErrorResponseSchema.parse(await unknown.json()).code).toBe('NOT_FOUND');
      expect(put.status).toBe(405);
      expect(put.headers.get('allow')).toBe('GET, POST');
      expect(ErrorResponseSchema.parse(await put.json()).code).toBe('METHOD_NOT_ALLOWED');
      expect(deleteHealth.status).toBe(405);
      expect(noTimeline).toBeNull();
    });
  });
});

import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runLoadInChild } from '../../load-tests/runLoadInChild.ts';
import { DEFAULT_ADMISSION } from '../../local/cell/api/AdmissionControl.ts';
import { startApiFront } from '../../local/cell/api/front/startApiFront.ts';
import type { FetchHandler, RunningApiServer } from '../../local/cell/api/startApiServer.ts';
import { ERROR_CODES, type ErrorResponse, INTEGRATION_TIMEOUT_MESSAGE } from '../../schemas/errorResponse.ts';

/**
 * Issue 20, item 1: the API's HTTP front answers on its own thread, so a saturated main thread
 * (where the handlers run) makes requests late or refused — never unanswered. The front here is
 * the real one (its own worker thread); the main thread is this test's, blocked by a busy loop.
 */
const INTEGRATION_TIMEOUT_MS = 3_000;
const accepted = () => Response.json({ accepted: [] }, { status: 202 });

describe('the API front while the main thread is blocked', () => {
  let front: RunningApiServer | undefined;
  afterEach(async () => {
    await front?.stop(1_000);
    front = undefined;
  });

  const start = (fetch: FetchHandler, admission: Partial<typeof DEFAULT_ADMISSION> = {}) =>
    startApiFront({
      host: '127.0.0.1',
      port: 0,
      fetch,
      admission: { ...DEFAULT_ADMISSION, ...admission },
      integrationTimeoutMs: INTEGRATION_TIMEOUT_MS,
    });

  it("answers a request the main thread never answers with the AWS cell's 504 at the integration timeout", async () => {
    // Prepare: a backend that takes the request and never answers.
    front = await start(() => new Promise<Response>(() => undefined));

    // Act
    const startedAt = performance.now();
    const response = await fetch(`${front.url}/invoices/posting`, { method: 'POST', body: '{}' });
    const elapsedMs = performance.now() - startedAt;

    // Assess
    expect(response.status).toBe(504);
    // The body of the cell's INTEGRATION_TIMEOUT gateway response on AWS (errorParity renders it).
    const body = (await response.json()) as ErrorResponse;
    expect(body).toEqual({
      code: ERROR_CODES.internal,
      message: INTEGRATION_TIMEOUT_MESSAGE,
      requestId: expect.any(String),
    });
    expect(response.headers.get('x-amzn-requestid')).toBe(body.requestId);
    expect(elapsedMs).toBeGreaterThanOrEqual(INTEGRATION_TIMEOUT_MS - 50);
    expect(elapsedMs).toBeLessThan(INTEGRATION_TIMEOUT_MS + 2_000);
  });

  it('sheds a POST past the requests handed over with 503 OVERLOADED and Retry-After, and serves other routes', async () => {
    // Prepare: one request may be handed over; the backend holds it.
    let release: (() => void) | undefined;
    front = await start(
      (request) =>
        new URL(request.url).pathname === '/health'
          ? Response.json({ status: 'ok' })
          : new Promise<Response>((resolve) => {
              release = () => resolve(accepted());
            }),
      { maxInFlight: 1, retryAfterSeconds: 4 },
    );
    const held = fetch(`${front.url}/invoices/posting`, { method: 'POST', body: '{}' });
    await waitFor(() => release !== undefined);

    // Act
    const shed = await fetch(`${front.url}/invoices/posting`, { method: 'POST', body: '{"events":[]}' });
    const health = await fetch(`${front.url}/health`);
    release!();

    // Assess
    expect(shed.status).toBe(503);
    expect(shed.headers.get('retry-after')).toBe('4');
    const body = (await shed.json()) as ErrorResponse;
    expect(body.code).toBe(ERROR_CODES.overloaded);
    expect(body.message).toMatch(/1 requests are in progress/);
    expect(shed.headers.get('x-amzn-requestid')).toBe(body.requestId);
    expect(health.status).toBe(200);
    expect((await held).status).toBe(202);
  });

  it('frees the admission slot of a request whose client went away mid-body', async () => {
    // Prepare: one request may be handed over at a time; a client sends half a body and hangs up.
    front = await start(accepted, { maxInFlight: 1 });
    const { port } = new URL(front.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('POST /invoices/posting HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{"half":');
    await new Promise((r) => setTimeout(r, 200));

    // Act
    socket.destroy();
    await new Promise((r) => setTimeout(r, 200));
    const next = await fetch(`${front.url}/invoices/posting`, { method: 'POST', body: '{}' });

    // Assess: the abandoned request holds no slot; the next one is admitted and answered.
    expect(next.status).toBe(202);
  });

  it('answers every request with 202, 503 or 504 within the bound while the main thread is busy for 8 s', async () => {
    // Prepare: the first request that reaches the main thread blocks it (a busy loop) for 8 s,
    // longer than the integration timeout; the others are answered at once.
    let blocked = false;
    front = await start(
      () => {
        if (!blocked) {
          blocked = true;
          const until = performance.now() + 8_000;
          while (performance.now() < until);
        }
        return accepted();
      },
      { maxInFlight: 16, maxRequestAgeMs: 1_000, maxEventLoopDelayMs: 500 },
    );

    // Act: 40 requests/s for 8 s from another process (its own event loop; this one is blocked).
    const load = await runLoadInChild({
      url: front.url,
      apiKey: 'none',
      mode: 'rate',
      eventsPerSecond: 400,
      durationS: 8,
      concurrency: 128,
      batchSize: 10,
      runId: `blk${process.pid}`,
    });

    // Assess: an HTTP answer for each, none later than the integration timeout (plus scheduling).
    expect(blocked).toBe(true);
    expect(load.networkErrors, JSON.stringify(load.networkErrorKinds)).toBe(0);
    expect(load.requests).toBe(320);
    expect(Object.keys(load.statusCounts).every((status) => ['202', '503', '504'].includes(status))).toBe(true);
    expect(load.statusCounts['503']).toBeGreaterThan(0);
    expect(load.statusCounts['504']).toBeGreaterThan(0);
    expect(load.httpMs.max).toBeLessThan(INTEGRATION_TIMEOUT_MS + 2_000);
  }, 60_000);
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i += 1) await new Promise((r) => setTimeout(r, 10));
  if (!condition()) throw new Error('condition not met within 2 s');
}

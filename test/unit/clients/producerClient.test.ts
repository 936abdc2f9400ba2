import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  IdempotencyConflictError,
  RequestRejectedError,
  RetriesExhaustedError,
} from '../../../clients/producer/errors.ts';
import type { IngestionEvent } from '../../../clients/producer/generated/openapi.ts';
import { ProducerClient, type ProducerClientOptions } from '../../../clients/producer/ProducerClient.ts';
import { parseRetryAfter, retryDelayMs } from '../../../clients/producer/retryPolicy.ts';
import { ERROR_CODES } from '../../../schemas/errorResponse.ts';
import { buildInvoiceEvent } from '../../helpers/invoiceEvents.ts';

/** The producer client against a fake fetch: batching, the retry schedule, Retry-After, typed errors. */

interface SentRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly eventIds: string[];
  readonly at: number;
}

type Answer = Response | Error | ((eventIds: string[]) => Response);

/** A fake API answering from `answers` in order, then 202 for everything; records each request. */
function fakeApi(answers: Answer[] = []) {
  const sent: SentRequest[] = [];
  const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body)) as { events: { eventId: string }[] };
    const eventIds = body.events.map((event) => event.eventId);
    sent.push({ url: String(url), headers: init?.headers as Record<string, string>, eventIds, at: Date.now() });
    const answer = answers.shift() ?? accepted;
    if (answer instanceof Error) throw answer;
    return typeof answer === 'function' ? answer(eventIds) : answer;
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, sent };
}

const accepted = (eventIds: string[], repeated?: string[]) =>
  Response.json({ accepted: eventIds, ...(repeated ? { repeated } : {}) }, { status: 202 });
const error = (status: number, code: string, extra: object = {}, headers: Record<string, string> = {}) =>
  Response.json({ code, message: `${code} (test)`, ...extra }, { status, headers });

/** The builder is typed with the zod contract's looser union; its ingestion events are valid IngestionEvents. */
const events = (count: number): IngestionEvent[] =>
  Array.from({ length: count }, () => buildInvoiceEvent('ingestion') as IngestionEvent);
const ids = (list: readonly { eventId: string }[]) => list.map((event) => event.eventId);

function client(fetch: typeof globalThis.fetch, options: Partial<ProducerClientOptions> = {}) {
  // random() = 0.5: the middle of each full-jitter range, so the schedule is exact.
  return new ProducerClient({
    baseUrl: 'http://cell.test/',
    apiKey: 'key-0123456789abcdefghij',
    fetch,
    random: () => 0.5,
    ...options,
  });
}

describe('ProducerClient.send: batching', () => {
  it('splits 23 events into batches of 10, 10 and 3, in order, each a POST to the stage path with the key', async () => {
    // Prepare
    const api = fakeApi();
    const batch = events(23);

    // Act
    const result = await client(api.fetch).send('ingestion', batch);

    // Assess
    expect(api.sent.map((request) => request.eventIds.length)).toEqual([10, 10, 3]);
    expect(api.sent.flatMap((request) => request.eventIds)).toEqual(ids(batch));
    expect(api.sent[0]!.url).toBe('http://cell.test/invoices/ingestion');
    expect(api.sent[0]!.headers).toMatchObject({
      'x-api-key': 'key-0123456789abcdefghij',
      'content-type': 'application/json',
    });
    expect(result.outcomes).toEqual(batch.map(({ eventId }) => ({ eventId, outcome: 'accepted' })));
    expect(result.requests).toBe(3);
  });

  it('reports each event as accepted or repeated from the 202 body', async () => {
    // Prepare
    const batch = events(3);
    const api = fakeApi([(eventIds) => accepted(eventIds, [eventIds[1]!])]);

    // Act
    const { outcomes } = await client(api.fetch).send('ingestion', batch);

    // Assess
    expect(outcomes.map((outcome) => outcome.outcome)).toEqual(['accepted', 'repeated', 'accepted']);
  });

  it('sends nothing for no events', async () => {
    const api = fakeApi();
    expect(await client(api.fetch).send('posting', [])).toEqual({ outcomes: [], requests: 0 });
    expect(api.sent).toEqual([]);
  });
});

describe('ProducerClient.send: retries', () => {
  beforeEach(() => vi.useFakeTimers({ now: Date.parse('2026-03-01T12:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('retries 500, 502, a network error and 504 on the full-jitter schedule, resending the same eventIds', async () => {
    // Prepare: base 100 ms, random 0.5 → waits 50, 100, 200, 400 ms
    const api = fakeApi([
      error(500, ERROR_CODES.internal),
      error(502, ERROR_CODES.internal),
      new TypeError('fetch failed'),
      error(504, ERROR_CODES.internal),
    ]);
    const batch = events(4);

    // Act
    const sending = client(api.fetch).send('ingestion', batch);
    await vi.runAllTimersAsync();
    const result = await sending;

    // Assess
    const start = api.sent[0]!.at;
    expect(api.sent.map((request) => request.at - start)).toEqual([0, 50, 150, 350, 750]);
    for (const request of api.sent) expect(request.eventIds).toEqual(ids(batch));
    expect(result.requests).toBe(5);
    expect(result.outcomes).toHaveLength(4);
  });

  it('caps the backoff step at maxDelayMs', () => {
    const policy = { maxAttempts: 20, baseDelayMs: 100, maxDelayMs: 1000, budgetMs: 60_000 };
    expect([1, 2, 3, 4, 5, 10].map((attempt) => retryDelayMs(policy, attempt, () => 0.999, undefined))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    expect(retryDelayMs(policy, 3, () => 0, undefined)).toBe(0);
  });

  it('waits Retry-After (seconds) on 429, spread by at most one base step', async () => {
    // Prepare
    const api = fakeApi([error(429, ERROR_CODES.throttled, {}, { 'retry-after': '2' })]);

    // Act
    const sending = client(api.fetch).send('ingestion', events(1));
    await vi.runAllTimersAsync();
    await sending;

    // Assess: 2000 ms + 0.5 × 100 ms
    expect(api.sent[1]!.at - api.sent[0]!.at).toBe(2050);
  });

  it('waits until a Retry-After HTTP date on 503', async () => {
    // Prepare
    const at = new Date(Date.now() + 3000).toUTCString();
    const api = fakeApi([error(503, ERROR_CODES.idempotencyUnavailable, {}, { 'retry-after': at })]);

    // Act
    const sending = client(api.fetch).send('ingestion', events(1));
    await vi.runAllTimersAsync();
    await sending;

    // Assess
    expect(api.sent[1]!.at - api.sent[0]!.at).toBe(3050);
  });

  it('retries 409 IDEMPOTENCY_IN_PROGRESS (another request holds the eventId)', async () => {
    const api = fakeApi([error(409, ERROR_CODES.idempotencyInProgress, {}, { 'retry-after': '1' })]);
    const sending = client(api.fetch).send('ingestion', events(2));
    await vi.runAllTimersAsync();
    expect((await sending).requests).toBe(2);
  });

  it('resends only the rejectedEventIds of a 503 BUS_UNAVAILABLE and counts the others accepted', async () => {
    // Prepare
    const batch = events(3);
    const api = fakeApi([
      error(503, ERROR_CODES.busUnavailable, { rejectedEventIds: [batch[2]!.eventId] }, { 'retry-after': '1' }),
    ]);

    // Act
    const sending = client(api.fetch).send('ingestion', batch);
    await vi.runAllTimersAsync();
    const result = await sending;

    // Assess
    expect(api.sent.map((request) => request.eventIds)).toEqual([ids(batch), [batch[2]!.eventId]]);
    expect(result.outcomes).toEqual(batch.map(({ eventId }) => ({ eventId, outcome: 'accepted' })));
  });

  it('resends a 202 that does not confirm every event of the batch', async () => {
    const batch = events(2);
    const api = fakeApi([Response.json({ accepted: [batch[0]!.eventId] }, { status: 202 })]);
    const sending = client(api.fetch).send('ingestion', batch);
    await vi.runAllTimersAsync();
    expect((await sending).requests).toBe(2);
  });

  it('gives up after maxAttempts with RetriesExhaustedError naming the unconfirmed events and the last answer', async () => {
    // Prepare: the first batch goes through, the second never does
    const batch = events(15);
    const api = fakeApi([
      accepted(ids(batch.slice(0, 10))),
      ...Array.from({ length: 3 }, () => error(500, ERROR_CODES.internal)),
    ]);

    // Act
    const sending = client(api.fetch, { retry: { maxAttempts: 3 } }).send('ingestion', batch);
    const settled = sending.catch((caught: unknown) => caught);
    await vi.runAllTimersAsync();
    const failure = await settled;

    // Assess
    expect(failure).toBeInstanceOf(RetriesExhaustedError);
    const exhausted = failure as RetriesExhaustedError<IngestionEvent>;
    expect(exhausted.attempts).toBe(3);
    expect(exhausted.last).toMatchObject({ status: 500, body: { code: 'INTERNAL_ERROR' } });
    expect(exhausted.unconfirmed).toEqual(batch.slice(10));
    expect(ids(exhausted.confirmed)).toEqual(ids(batch.slice(0, 10)));
    expect(api.sent).toHaveLength(4);
  });

  it('gives up at once when Retry-After would outlast the budget (a used-up daily quota)', async () => {
    // Prepare
    const api = fakeApi([error(429, ERROR_CODES.quotaExceeded, {}, { 'retry-after': '43200' })]);
    const batch = events(2);

    // Act
    const failure = await client(api.fetch, { retry: { budgetMs: 10_000 } })
      .send('ingestion', batch)
      .catch((caught: unknown) => caught);

    // Assess
    expect(failure).toBeInstanceOf(RetriesExhaustedError);
    expect((failure as RetriesExhaustedError).last).toMatchObject({ status: 429, body: { code: 'QUOTA_EXCEEDED' } });
    expect((failure as RetriesExhaustedError).unconfirmed).toEqual(batch);
    expect(api.sent).toHaveLength(1);
  });

  it('keeps the cause of a network error it gave up on', async () => {
    const api = fakeApi([new TypeError('fetch failed'), new TypeError('fetch failed')]);
    const sending = client(api.fetch, { retry: { maxAttempts: 2 } })
      .send('ingestion', events(1))
      .catch((caught: unknown) => caught);
    await vi.runAllTimersAsync();
    const failure = (await sending) as RetriesExhaustedError;
    expect(failure.last.status).toBeUndefined();
    expect(failure.cause).toBeInstanceOf(TypeError);
  });
});

describe('ProducerClient.send: permanent errors', () => {
  it('surfaces 409 IDEMPOTENCY_CONFLICT as IdempotencyConflictError without retrying', async () => {
    // Prepare
    const batch = events(3);
    const body = { conflictingEventIds: [batch[1]!.eventId] };
    const api = fakeApi([error(409, ERROR_CODES.idempotencyConflict, body)]);

    // Act
    const failure = await client(api.fetch)
      .send('ingestion', batch)
      .catch((caught: unknown) => caught);

    // Assess
    expect(failure).toBeInstanceOf(IdempotencyConflictError);
    const conflict = failure as IdempotencyConflictError<IngestionEvent>;
    expect(conflict.conflictingEventIds).toEqual([batch[1]!.eventId]);
    expect(conflict.unconfirmed).toEqual(batch);
    expect(conflict.confirmed).toEqual([]);
    expect(conflict.message).toContain('IDEMPOTENCY_CONFLICT');
    expect(api.sent).toHaveLength(1);
  });

  it.each([
    [400, ERROR_CODES.validationFailed],
    [403, ERROR_CODES.forbidden],
    [404, ERROR_CODES.unknownStage],
    [413, ERROR_CODES.payloadTooLarge],
    [415, ERROR_CODES.unsupportedMediaType],
  ])('treats %i %s as a RequestRejectedError without retrying', async (status, code) => {
    // Prepare
    const issues = [{ path: 'events.0.amount', message: 'JPY allows at most 0 decimal places' }];
    const api = fakeApi([error(status, code, { issues })]);

    // Act
    const failure = await client(api.fetch)
      .send('ingestion', events(2))
      .catch((caught: unknown) => caught);

    // Assess
    expect(failure).toBeInstanceOf(RequestRejectedError);
    expect(failure).toMatchObject({ status, code, issues });
    expect(api.sent).toHaveLength(1);
  });

  it('stops at the rejected batch: earlier batches confirmed, it and later ones unconfirmed', async () => {
    const batch = events(25);
    const api = fakeApi([accepted(ids(batch.slice(0, 10))), error(400, ERROR_CODES.validationFailed)]);
    const failure = (await client(api.fetch)
      .send('ingestion', batch)
      .catch((caught: unknown) => caught)) as RequestRejectedError<IngestionEvent>;
    expect(ids(failure.confirmed)).toEqual(ids(batch.slice(0, 10)));
    expect(failure.unconfirmed).toEqual(batch.slice(10));
    expect(api.sent).toHaveLength(2);
  });

  it('rejects a 4xx without a JSON body with status and no code', async () => {
    const api = fakeApi([new Response('nope', { status: 400 })]);
    const failure = await client(api.fetch)
      .send('ingestion', events(1))
      .catch((caught: unknown) => caught);
    expect(failure).toMatchObject({ status: 400, code: undefined, issues: [] });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');
  it.each([
    ['0', 0],
    ['7', 7000],
    [' 120 ', 120_000],
    ['Sun, 01 Mar 2026 12:00:30 GMT', 30_000],
    ['Sun, 01 Mar 2026 11:59:00 GMT', 0],
    ['soon', undefined],
    ['-5', undefined],
    ['', undefined],
    [null, undefined],
  ])('reads %j as %j ms', (header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });
});

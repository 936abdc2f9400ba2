import { Agent } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvoiceEventDetailSchema } from '../../schemas/envelope.ts';
import { ERROR_CODES, ErrorResponseSchema } from '../../schemas/errorResponse.ts';
import { STAGES, type Stage } from '../../schemas/stages.ts';
import { arbValidBody } from '../helpers/arbitraries.ts';
import { inProcessProbe } from '../reliability/support/CellProbe.ts';
import { readArchivedDetails, readRecordedEvents } from '../reliability/support/cellRecords.ts';
import { type StartedCell, startReliabilityCell } from '../reliability/support/reliabilityCell.ts';
import { waitUntilSettled } from '../reliability/support/waitUntilSettled.ts';
import { ABUSE_KEYS, abuseCell, QUOTA_PER_DAY, THROTTLE } from './support/abuseCell.ts';
import { type HttpAnswer, post, trickleHeaders } from './support/httpCalls.ts';

const JSON_HEADERS = { 'content-type': 'application/json' };
/** Slow uploads send this many bytes (a valid body padded with whitespace): 32 pieces, ~3 s. */
const SLOW_BODY_BYTES = 2_048;

/**
 * Authentication, usage plans and the transport under abuse, over real HTTP on loopback: keys
 * (missing, wrong, revoked), a daily quota, rate limits with Retry-After, slow and oversized
 * uploads, and many connections at once. Every loop is bounded in count and time.
 */
describe('API abuse: keys, quotas, rate limits and the transport', () => {
  let started: StartedCell;
  const accepted: string[] = [];
  const refused: string[] = [];
  let counter = 0;

  /** A valid body with fresh eventIds (single event or batch) for `stage`. */
  const validBody = (stage: Stage = 'posting'): { body: string; eventIds: string[] } => {
    const [sample] = fc.sample(arbValidBody(stage, { latestOccurredAtMs: Date.now() - 1_000 }), {
      numRuns: 1,
      seed: ++counter,
    });
    const events = (Array.isArray(sample!.events) ? sample!.events : [sample]) as Record<string, unknown>[];
    const fresh = events.map((event, i) => ({
      ...event,
      eventId: crypto.randomUUID(),
      occurredAt: new Date(Date.now() - 60_000 - i).toISOString(),
    }));
    return {
      body: JSON.stringify(Array.isArray(sample!.events) ? { events: fresh } : fresh[0]),
      eventIds: fresh.map((e) => e.eventId),
    };
  };
  /**
   * Sends a valid body with `key` (padded with trailing whitespace to `padTo` bytes, still valid
   * JSON) and books its eventIds as accepted (202) or refused.
   */
  const send = async (key: string | undefined, extra: Partial<Parameters<typeof post>[0]> = {}, padTo = 0) => {
    const stage = STAGES[counter % STAGES.length]!;
    const { body, eventIds } = validBody(stage);
    const answer = await post({
      apiUrl: started.cell.apiUrl,
      path: `/invoices/${stage}`,
      headers: { ...JSON_HEADERS, ...(key !== undefined ? { 'x-api-key': key } : {}) },
      body: body.padEnd(padTo, ' '),
      ...extra,
    });
    (answer.status === 202 ? accepted : refused).push(...eventIds.map((id) => `${stage}/${id}`));
    return answer;
  };
  const errorOf = (answer: HttpAnswer) => ErrorResponseSchema.parse(JSON.parse(answer.body));

  beforeAll(async () => {
    started = await startReliabilityCell('abuse-limits', abuseCell());
  });
  afterAll(async () => {
    await started?.dispose();
  });

  it('refuses a missing, a wrong and a revoked key with 403 and a reason', async () => {
    // Act
    const missing = await send(undefined);
    const wrong = await send('not-a-key-of-this-cell-0000');
    const revoked = await send(ABUSE_KEYS.revoked);

    // Assess
    expect([missing.status, wrong.status, revoked.status]).toEqual([403, 403, 403]);
    // One code for all three, as API Gateway gives (its INVALID_API_KEY answers a missing key too).
    expect(errorOf(missing)).toMatchObject({ code: ERROR_CODES.forbidden, message: expect.stringMatching(/missing/) });
    expect(errorOf(wrong)).toMatchObject({ code: ERROR_CODES.forbidden, message: expect.stringMatching(/not valid/) });
    expect(errorOf(revoked)).toMatchObject({ code: ERROR_CODES.forbidden, message: expect.stringMatching(/revoked/) });
  });

  it('answers 429 QUOTA_EXCEEDED with Retry-After until midnight UTC once the daily quota is used up', async () => {
    // Act
    const answers: HttpAnswer[] = [];
    for (let i = 0; i < QUOTA_PER_DAY + 3; i++) answers.push(await send(ABUSE_KEYS.quota));

    // Assess
    expect(answers.map((a) => a.status)).toEqual([...Array(QUOTA_PER_DAY).fill(202), 429, 429, 429]);
    const over = answers.at(-1)!;
    expect(errorOf(over).code).toBe(ERROR_CODES.quotaExceeded);
    const retryAfter = Number(over.headers['retry-after']);
    const untilMidnight = Math.ceil((Math.ceil(Date.now() / 86_400_000) * 86_400_000 - Date.now()) / 1000);
    expect(retryAfter).toBeGreaterThan(0);
    expect(Math.abs(retryAfter - untilMidnight)).toBeLessThanOrEqual(2);
  });

  it('throttles a burst past the rate limit with 429 THROTTLED and Retry-After, and serves again after the wait', async () => {
    // Act: three times the burst, all at once.
    const burst = await Promise.all(Array.from({ length: THROTTLE.burstLimit * 3 }, () => send(ABUSE_KEYS.throttled)));
    const throttled = burst.filter((a) => a.status === 429);
    const wait = Math.max(...throttled.map((a) => Number(a.headers['retry-after'])));
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    const later = await send(ABUSE_KEYS.throttled);

    // Assess: the bucket holds the burst (plus what refilled meanwhile), the rest is refused.
    const passed = burst.filter((a) => a.status === 202).length;
    expect(passed).toBeGreaterThanOrEqual(THROTTLE.burstLimit);
    expect(passed).toBeLessThanOrEqual(THROTTLE.burstLimit + 2);
    expect(throttled.length + passed).toBe(burst.length);
    for (const answer of throttled) {
      expect(errorOf(answer).code).toBe(ERROR_CODES.throttled);
      expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    expect(later.status).toBe(202);
  });

  it('keeps serving other clients while slow uploads and never-ending headers hold connections (bounded)', async () => {
    // Prepare: 30 connections that never finish their headers, 20 uploads of 2 KB at 64 bytes per 100 ms.
    const lorises = Array.from({ length: 30 }, () => trickleHeaders(started.cell.apiUrl, 100));
    try {
      const slow = Array.from({ length: 20 }, () =>
        send(ABUSE_KEYS.fuzz, { chunkBytes: 64, chunkIntervalMs: 100 }, SLOW_BODY_BYTES),
      );

      // Act: ordinary clients meanwhile.
      const agent = new Agent({ keepAlive: true, maxSockets: 10 });
      const normal = await Promise.all(Array.from({ length: 100 }, () => send(ABUSE_KEYS.fuzz, { agent })));
      agent.destroy();
      const slowAnswers = await Promise.all(slow);

      // Assess
      expect(normal.map((a) => a.status)).toEqual(Array(100).fill(202));
      const latencies = normal.map((a) => a.ms).sort((a, b) => a - b);
      expect(latencies[98]!).toBeLessThan(5_000);
      expect(slowAnswers.map((a) => a.status)).toEqual(Array(20).fill(202));
      // Each took as long as its 64-byte pieces, 100 ms apart, needed to arrive.
      expect(Math.min(...slowAnswers.map((a) => a.ms))).toBeGreaterThanOrEqual((SLOW_BODY_BYTES / 64 - 1) * 100);
    } finally {
      for (const loris of lorises) loris.stop();
    }
  });

  it('refuses oversized uploads with 413, stops reading a body past 10 MB, and keeps serving', async () => {
    // Act
    const justOver = await send(ABUSE_KEYS.fuzz, { body: `{"events": []}${' '.repeat(256 * 1024)}` });
    const huge = await post({
      apiUrl: started.cell.apiUrl,
      path: '/invoices/posting',
      headers: { ...JSON_HEADERS, 'x-api-key': ABUSE_KEYS.fuzz },
      body: Buffer.alloc(12 * 1024 * 1024, 0x20),
      chunked: true,
      chunkBytes: 256 * 1024,
      chunkIntervalMs: 1,
    });
    const after = await send(ABUSE_KEYS.fuzz);

    // Assess
    expect(justOver.status).toBe(413);
    expect(errorOf(justOver).code).toBe(ERROR_CODES.payloadTooLarge);
    // Past 10 MB the server answers 413 and closes; a client still writing may only see the reset.
    if (huge.status !== 0) {
      expect(huge.status).toBe(413);
      expect(errorOf(huge).code).toBe(ERROR_CODES.payloadTooLarge);
    } else expect(huge.error).toMatch(/EPIPE|ECONNRESET|socket hang up/);
    expect(after.status).toBe(202);
  });

  it('answers 300 simultaneous connections without a 5xx or a reset', async () => {
    // Act: a fresh connection each, all at once.
    const answers = await Promise.all(Array.from({ length: 300 }, () => send(ABUSE_KEYS.fuzz, { agent: false })));

    // Assess
    expect(answers.filter((a) => a.status !== 202).map((a) => `${a.status} ${a.error ?? a.body}`)).toEqual([]);
  });

  it('lets exactly the accepted events onto the bus, into the archive and into the store', {
    timeout: 120_000,
  }, async () => {
    // Prepare
    const { cell, dataDir } = started;
    const probe = inProcessProbe(cell);
    try {
      await waitUntilSettled(probe, { timeoutMs: 100_000 });

      // Act
      const records = readRecordedEvents(dataDir).filter((r) => r.consumer === 'recorder');
      await cell.stop();
      const archived = readArchivedDetails(dataDir).map((detail) => {
        const parsed = InvoiceEventDetailSchema.safeParse(detail);
        return parsed.success ? `${parsed.data.stage}/${parsed.data.eventId}` : `invalid: ${JSON.stringify(detail)}`;
      });

      // Assess
      expect(refused.length).toBeGreaterThan(0);
      expect(records.map((r) => `${r.stage}/${r.eventId}`).sort()).toEqual([...accepted].sort());
      expect(archived.sort()).toEqual([...accepted].sort());
    } finally {
      probe.close();
    }
  });
});

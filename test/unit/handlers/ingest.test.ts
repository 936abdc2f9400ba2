import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createIngestHandler,
  type IngestConfig,
  ingestConfigFromEnv,
  handler as lambdaHandler,
} from '../../../handlers/ingest.ts';
import { ConfigError } from '../../../handlers/shared/errors.ts';
import { createLambdaContext } from '../../../local/cell/pollers/index.ts';
import { InvoiceEventDetailSchema } from '../../../schemas/envelope.ts';
import { AcceptedResponseSchema, ErrorResponseSchema } from '../../../schemas/errorResponse.ts';
import { buildApiGatewayEvent } from '../../helpers/apiGatewayEvents.ts';
import { handlerTestEnv, instantRetryClock, metricsRecorder } from '../../helpers/handlerTestEnv.ts';
import { buildInvoiceEvent } from '../../helpers/invoiceEvents.ts';

const NOW = Date.parse('2026-11-28T09:30:00.000Z');
const eventBridge = mockClient(EventBridgeClient);

function setup(envOverrides: Record<string, string> = {}) {
  const config: IngestConfig = ingestConfigFromEnv(
    handlerTestEnv({ EVENT_BUS_NAME: 'bems-test-bus', ...envOverrides }),
  );
  const metrics = metricsRecorder();
  const clock = instantRetryClock();
  const handler = createIngestHandler(config, {
    now: () => NOW,
    retryClock: clock,
    publishMetrics: metrics.publishMetrics,
  });
  return { handler, metrics, clock };
}

function eventAt(stage: Parameters<typeof buildInvoiceEvent>[0] = 'ingestion', overrides = {}) {
  return buildInvoiceEvent(stage, { occurredAt: '2026-11-28T09:00:00Z', invoiceDate: '2026-11-28', ...overrides });
}

/** The entries of every PutEvents call, in call order. */
function sentEntries(): PutEventsRequestEntry[][] {
  return eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries ?? []);
}

function okFor(count: number) {
  return { FailedEntryCount: 0, Entries: Array.from({ length: count }, (_, i) => ({ EventId: `bus-${i}` })) };
}

function parseError(body: string) {
  return ErrorResponseSchema.parse(JSON.parse(body));
}

beforeEach(() => {
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => okFor(input.Entries.length));
});

afterEach(() => {
  eventBridge.reset();
});

describe('ingest handler', () => {
  describe('accepting events', () => {
    it('puts one event on the bus with server metadata and answers 202 with its eventId', async () => {
      // Prepare
      const { handler, metrics } = setup();
      const { stage: _omitted, ...body } = eventAt('reconciliation', { status: 'matched' });

      // Act
      const result = await handler(buildApiGatewayEvent({ stage: 'reconciliation', body }));

      // Assess
      expect(result.statusCode).toBe(202);
      expect(AcceptedResponseSchema.parse(JSON.parse(result.body))).toEqual({ accepted: [body.eventId] });
      const calls = sentEntries();
      expect(calls).toHaveLength(1);
      const [entry] = calls[0]!;
      expect(entry).toMatchObject({
        Source: 'bems.invoices',
        DetailType: 'invoice.reconciliation',
        EventBusName: 'bems-test-bus',
      });
      const detail = InvoiceEventDetailSchema.parse(JSON.parse(entry!.Detail!));
      expect(detail).toMatchObject({ ...body, stage: 'reconciliation' });
      expect(detail.server).toEqual({
        cell: 'test',
        region: 'eu-west-1',
        receivedAt: '2026-11-28T09:30:00.000Z',
        schemaVersion: '1',
      });
      expect(metrics.total('EventsAccepted', { stage: 'reconciliation' })).toBe(1);
    });

    describe('stamping the account the function runs in', () => {
      /** What Lambda passes on AWS: the invoked function's ARN names the account (here with an alias). */
      const awsContext = {
        functionName: 'bems-euw1-a-ingest',
        invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:bems-euw1-a-ingest:live',
        awsRequestId: 'req-aws',
        getRemainingTimeInMillis: () => 10_000,
      } as Context;

      async function stampedWith(context: Context | undefined) {
        const { handler } = setup();
        const result = await handler(buildApiGatewayEvent({ body: eventAt() }), context);
        expect(result.statusCode).toBe(202);
        const [entry] = sentEntries()[0]!;
        return InvoiceEventDetailSchema.parse(JSON.parse(entry!.Detail!)).server;
      }

      it('reads it from the invoked function ARN on AWS', async () => {
        expect(await stampedWith(awsContext)).toEqual({
          cell: 'test',
          account: '123456789012',
          region: 'eu-west-1',
          receivedAt: '2026-11-28T09:30:00.000Z',
          schemaVersion: '1',
        });
      });

      it("reads the local cell's account from the context the local cell builds", async () => {
        const context = createLambdaContext({
          functionName: 'bems-local-ingest',
          region: 'eu-west-1',
          account: '000000000000',
          timeoutMs: 10_000,
        });

        expect((await stampedWith(context)).account).toBe('000000000000');
      });

      it('stamps no account it cannot read (no context, or an ARN of another shape)', async () => {
        expect(await stampedWith(undefined)).not.toHaveProperty('account');
        eventBridge.resetHistory();
        const odd = { ...awsContext, invokedFunctionArn: 'arn:aws:lambda:eu-west-1:12345:function:x' } as Context;
        expect(await stampedWith(odd)).not.toHaveProperty('account');
      });
    });

    it('sends a batch of 10 in a single PutEvents call and lists every eventId in order', async () => {
      const { handler, metrics } = setup();
      const events = Array.from({ length: 10 }, () => eventAt('posting', { status: 'posted' }));

      const result = await handler(buildApiGatewayEvent({ stage: 'posting', body: { events } }));

      expect(result.statusCode).toBe(202);
      expect(JSON.parse(result.body).accepted).toEqual(events.map((e) => e.eventId));
      expect(sentEntries()).toHaveLength(1);
      expect(sentEntries()[0]!.map((e) => JSON.parse(e.Detail!).eventId)).toEqual(events.map((e) => e.eventId));
      expect(metrics.total('EventsAccepted', { stage: 'posting' })).toBe(10);
    });

    it('accepts a UTF-8 charset and +json media types, and a base64-encoded body', async () => {
      const { handler } = setup();
      const charset = await handler(
        buildApiGatewayEvent({ body: eventAt(), headers: { 'content-type': 'application/json; charset=UTF-8' } }),
      );
      const vendorType = await handler(
        buildApiGatewayEvent({ body: eventAt(), headers: { 'Content-Type': 'application/vnd.bems+json' } }),
      );
      const base64 = await handler(
        buildApiGatewayEvent({
          body: Buffer.from(JSON.stringify(eventAt())).toString('base64'),
          isBase64Encoded: true,
        }),
      );

      expect([charset.statusCode, vendorType.statusCode, base64.statusCode]).toEqual([202, 202, 202]);
    });
  });

  describe('rejecting requests', () => {
    it('answers 404 UNKNOWN_STAGE for a stage that does not exist', async () => {
      const { handler } = setup();

      const result = await handler(buildApiGatewayEvent({ stage: 'shipping', body: eventAt() }));

      expect(result.statusCode).toBe(404);
      expect(parseError(result.body)).toMatchObject({ code: 'UNKNOWN_STAGE', requestId: 'req-1' });
      expect(sentEntries()).toHaveLength(0);
    });

    it('answers 404 for a real stage this function is not configured to serve (STAGES)', async () => {
      const { handler } = setup({ STAGES: 'ingestion,posting' });

      const result = await handler(buildApiGatewayEvent({ stage: 'reconciliation', body: eventAt('reconciliation') }));

      expect(result.statusCode).toBe(404);
      expect(parseError(result.body).code).toBe('UNKNOWN_STAGE');
    });

    it.each([
      ['text/plain', { 'Content-Type': 'text/plain' }],
      ['form encoding', { 'content-type': 'application/x-www-form-urlencoded' }],
      ['a non-UTF-8 charset', { 'content-type': 'application/json; charset=iso-8859-1' }],
      ['no content type', {}],
    ])('answers 415 for %s', async (_label, headers) => {
      const { handler } = setup();

      const result = await handler(buildApiGatewayEvent({ body: eventAt(), headers }));

      expect(result.statusCode).toBe(415);
      expect(parseError(result.body).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers 413 when the body is over 256 KB in bytes, even if it has fewer characters', async () => {
      const { handler } = setup();
      // 'é' is 2 bytes in UTF-8: 140,000 characters are 280,000 bytes.
      const body = JSON.stringify({ ...eventAt(), padding: 'é'.repeat(140_000) });
      expect(body.length).toBeLessThan(256 * 1024);

      const result = await handler(buildApiGatewayEvent({ body }));

      expect(result.statusCode).toBe(413);
      expect(parseError(result.body).code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('answers a body that is not UTF-8 with 400, and the next request as if it were the first', async () => {
      const { handler } = setup();
      const truncated = Buffer.concat([Buffer.from(JSON.stringify(eventAt())), Buffer.from([0xe2, 0x82])]);

      const bad = await handler(buildApiGatewayEvent({ body: truncated.toString('base64'), isBase64Encoded: true }));
      const good = await handler(buildApiGatewayEvent({ body: eventAt() }));

      expect(bad.statusCode).toBe(400);
      expect(parseError(bad.body).message).toBe('request body is not valid JSON: the body is not valid UTF-8');
      expect(good.statusCode).toBe(202);
    });

    it('measures a base64-encoded body after decoding it', async () => {
      const { handler } = setup();
      const raw = Buffer.alloc(256 * 1024 + 1, 0x20);

      const result = await handler(buildApiGatewayEvent({ body: raw.toString('base64'), isBase64Encoded: true }));

      expect(result.statusCode).toBe(413);
    });

    it.each([
      ['malformed JSON', '{"eventId": '],
      ['an empty body', ''],
    ])(
      'answers 400 VALIDATION_FAILED with one whole-body issue for %s (the code API Gateway gives)',
      async (_label, body) => {
        const { handler } = setup();

        const result = await handler(buildApiGatewayEvent({ body }));

        expect(result.statusCode).toBe(400);
        const error = parseError(result.body);
        expect(error.code).toBe('VALIDATION_FAILED');
        expect(error.issues).toEqual([{ path: '', message: error.message }]);
        expect(error.message).toMatch(/not valid JSON/);
      },
    );

    it('answers 400 VALIDATION_FAILED listing every problem with its field path', async () => {
      const { handler } = setup();
      const body = {
        ...eventAt(),
        amount: '12.345',
        currency: 'XXQ',
        vendor: { vendorId: 'V-1', name: 'Acme', country: 'de' },
        color: 'red',
      };

      const result = await handler(buildApiGatewayEvent({ body }));

      expect(result.statusCode).toBe(400);
      const error = parseError(result.body);
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.issues!.map((i) => i.path).sort()).toEqual(['color', 'currency', 'vendor.country']);
      expect(error.issues!.every((i) => i.message.length > 0)).toBe(true);
      expect(sentEntries()).toHaveLength(0);
    });

    it('refuses an occurredAt older than MAX_EVENT_AGE_DAYS (400 at its path), accepts one just inside it', async () => {
      const { handler } = setup({ MAX_EVENT_AGE_DAYS: '30' });
      const daysAgo = (days: number) => new Date(NOW - days * 86_400_000).toISOString();

      const tooOld = await handler(
        buildApiGatewayEvent({ body: eventAt('ingestion', { occurredAt: daysAgo(30.01) }) }),
      );
      const inside = await handler(
        buildApiGatewayEvent({ body: eventAt('ingestion', { occurredAt: daysAgo(29.99) }) }),
      );

      expect(tooOld.statusCode).toBe(400);
      expect(parseError(tooOld.body).issues).toEqual([
        { path: 'occurredAt', message: expect.stringContaining('must not be more than 30 days in the past') },
      ]);
      expect(inside.statusCode).toBe(202);
      expect(sentEntries()).toHaveLength(1);
    });

    it('reports a decimal-places problem for the currency at the amount path', async () => {
      const { handler } = setup();

      const result = await handler(buildApiGatewayEvent({ body: { ...eventAt(), amount: '100.5', currency: 'JPY' } }));

      expect(parseError(result.body).issues).toEqual([
        { path: 'amount', message: 'JPY allows at most 0 decimal places' },
      ]);
    });

    it('rejects a body whose stage differs from the path', async () => {
      const { handler } = setup();

      const result = await handler(buildApiGatewayEvent({ stage: 'ingestion', body: eventAt('posting') }));

      expect(result.statusCode).toBe(400);
      expect(parseError(result.body).issues!.map((i) => i.path)).toContain('stage');
    });

    it('rejects a batch where one event names another stage, at that event', async () => {
      const { handler } = setup();
      const events = [eventAt('ingestion'), eventAt('posting', { status: 'posted' })];

      const result = await handler(buildApiGatewayEvent({ stage: 'ingestion', body: { events } }));

      expect(result.statusCode).toBe(400);
      expect(parseError(result.body).issues!.map((i) => i.path)).toContain('events.1.stage');
      expect(sentEntries()).toHaveLength(0);
    });

    it('rejects a batch of 11 events', async () => {
      const { handler } = setup();
      const events = Array.from({ length: 11 }, () => eventAt());

      const result = await handler(buildApiGatewayEvent({ body: { events } }));

      expect(result.statusCode).toBe(400);
      const issue = parseError(result.body).issues!.find((i) => i.path === 'events');
      expect(issue?.message).toMatch(/at most 10/);
      expect(sentEntries()).toHaveLength(0);
    });

    it('rejects an empty batch', async () => {
      const { handler } = setup();

      const result = await handler(buildApiGatewayEvent({ body: { events: [] } }));

      expect(result.statusCode).toBe(400);
      expect(parseError(result.body).issues!.map((i) => i.path)).toEqual(['events']);
    });

    it('rejects a batch that repeats an eventId, pointing at the repeat', async () => {
      const { handler } = setup();
      const first = eventAt();
      const events = [first, eventAt(), eventAt('ingestion', { eventId: first.eventId })];

      const result = await handler(buildApiGatewayEvent({ body: { events } }));

      expect(result.statusCode).toBe(400);
      expect(parseError(result.body).issues).toEqual([
        { path: 'events.2.eventId', message: expect.stringMatching(/^duplicates events(\.0|\[0\])\.eventId/) },
      ]);
    });

    it('rejects a body that is not a JSON object', async () => {
      const { handler } = setup();

      const result = await handler(buildApiGatewayEvent({ body: [eventAt()] }));

      expect(result.statusCode).toBe(400);
      expect(parseError(result.body)).toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: '' }] });
    });
  });

  describe('when the bus fails', () => {
    it('resends only the failed entries with backoff and answers 202 once they are accepted', async () => {
      // Prepare: the second of three entries is throttled once.
      const { handler, clock } = setup();
      const events = [eventAt(), eventAt(), eventAt()];
      eventBridge
        .on(PutEventsCommand)
        .resolvesOnce({
          FailedEntryCount: 1,
          Entries: [
            { EventId: 'a' },
            { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' },
            { EventId: 'c' },
          ],
        })
        .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'b' }] });

      // Act
      const result = await handler(buildApiGatewayEvent({ body: { events } }));

      // Assess
      expect(result.statusCode).toBe(202);
      expect(JSON.parse(result.body).accepted).toEqual(events.map((e) => e.eventId));
      const calls = sentEntries();
      expect(calls).toHaveLength(2);
      expect(calls[1]!.map((e) => JSON.parse(e.Detail!).eventId)).toEqual([events[1]!.eventId]);
      expect(clock.sleeps).toHaveLength(1);
    });

    it('gives up after the retry bound and answers 503 naming the eventIds not accepted', async () => {
      const { handler, clock, metrics } = setup();
      const events = [eventAt(), eventAt()];
      eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
        FailedEntryCount: 1,
        Entries: input.Entries.map((e) =>
          JSON.parse(e.Detail!).eventId === events[0]!.eventId
            ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }
            : { EventId: 'ok' },
        ),
      }));

      const result = await handler(buildApiGatewayEvent({ body: { events } }));

      expect(result.statusCode).toBe(503);
      expect(result.headers).toMatchObject({ 'retry-after': '1' });
      expect(parseError(result.body)).toMatchObject({
        code: 'BUS_UNAVAILABLE',
        rejectedEventIds: [events[0]!.eventId],
      });
      expect(sentEntries()).toHaveLength(4); // INGEST_RETRY_POLICY.maxAttempts
      // Full jitter with random()=0.5: half of 50, 100, 200 ms.
      expect(clock.sleeps).toEqual([25, 50, 100]);
      expect(metrics.total('EventsAccepted')).toBe(1);
      expect(metrics.total('EventsRejected')).toBe(1);
    });

    it('does not resend an entry the bus rejects permanently, and answers 503 at once', async () => {
      const { handler } = setup();
      const events = [eventAt(), eventAt()];
      eventBridge.on(PutEventsCommand).resolves({
        FailedEntryCount: 1,
        Entries: [{ EventId: 'a' }, { ErrorCode: 'AccessDeniedException', ErrorMessage: 'not allowed' }],
      });

      const result = await handler(buildApiGatewayEvent({ body: { events } }));

      expect(result.statusCode).toBe(503);
      expect(parseError(result.body).rejectedEventIds).toEqual([events[1]!.eventId]);
      expect(sentEntries()).toHaveLength(1);
    });

    it('retries a thrown throttling error and then succeeds', async () => {
      const { handler } = setup();
      const throttled = Object.assign(new Error('Rate exceeded'), {
        name: 'ThrottlingException',
        $metadata: { httpStatusCode: 400 },
      });
      eventBridge.on(PutEventsCommand).rejectsOnce(throttled).resolves(okFor(1));

      const result = await handler(buildApiGatewayEvent({ body: eventAt() }));

      expect(result.statusCode).toBe(202);
      expect(sentEntries()).toHaveLength(2);
    });

    it('answers 503 (not 500, no stack) when the bus keeps failing with network errors', async () => {
      const { handler } = setup();
      const event = eventAt();
      eventBridge.on(PutEventsCommand).rejects(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));

      const result = await handler(buildApiGatewayEvent({ body: event }));

      expect(result.statusCode).toBe(503);
      expect(parseError(result.body).rejectedEventIds).toEqual([event.eventId]);
      expect(result.body).not.toMatch(/\bat \S+:\d+/);
    });

    it('does not retry a thrown permanent error (missing bus) and answers 503', async () => {
      const { handler } = setup();
      eventBridge.on(PutEventsCommand).rejects(
        Object.assign(new Error('Event bus bems-test-bus does not exist.'), {
          name: 'ResourceNotFoundException',
          $metadata: { httpStatusCode: 400 },
        }),
      );

      const result = await handler(buildApiGatewayEvent({ body: eventAt() }));

      expect(result.statusCode).toBe(503);
      expect(sentEntries()).toHaveLength(1);
    });
  });

  it('answers 500 INTERNAL_ERROR without internals when something unexpected breaks', async () => {
    const config = ingestConfigFromEnv(handlerTestEnv({ EVENT_BUS_NAME: 'bus' }));
    const handler = createIngestHandler(config, {
      now: () => {
        throw new Error('clock is broken');
      },
    });

    const result = await handler(buildApiGatewayEvent({ body: eventAt() }));

    expect(result.statusCode).toBe(500);
    expect(parseError(result.body)).toEqual({ code: 'INTERNAL_ERROR', message: 'internal error', requestId: 'req-1' });
  });
});

describe('ingest Lambda entry point', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it('builds itself from process.env on first invoke, and a missing variable is named', async () => {
    // Prepare: the Lambda environment without EVENT_BUS_NAME; tracing left to Powertools (no X-Ray here).
    const env = handlerTestEnv();
    delete env.POWERTOOLS_TRACE_ENABLED;
    Object.assign(process.env, env);
    delete process.env.EVENT_BUS_NAME;

    // Act + Assess: refused with the variable named, then built once the variable is there.
    await expect(lambdaHandler(buildApiGatewayEvent({ body: eventAt() }))).rejects.toThrow(/EVENT_BUS_NAME/);
    process.env.EVENT_BUS_NAME = 'bems-test-bus';
    const result = await lambdaHandler(buildApiGatewayEvent({ body: buildInvoiceEvent() }));
    expect(result.statusCode).toBe(202);
    expect(sentEntries()[0]![0]!.EventBusName).toBe('bems-test-bus');
  });
});

describe('ingestConfigFromEnv', () => {
  it('names every missing variable in one error', () => {
    const env = handlerTestEnv();
    delete env.CELL_ID;
    delete env.AWS_REGION;

    const attempt = () => ingestConfigFromEnv(env);

    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      expect((error as ConfigError).variables.sort()).toEqual(['AWS_REGION', 'CELL_ID', 'EVENT_BUS_NAME']);
      expect((error as Error).message).toContain('EVENT_BUS_NAME: is required but not set');
    }
  });

  it('rejects unknown stages in STAGES and a malformed endpoint URL', () => {
    const env = handlerTestEnv({
      EVENT_BUS_NAME: 'bus',
      STAGES: 'ingestion,shipping',
      AWS_ENDPOINT_URL: 'localhost:4010',
    });

    expect(() => ingestConfigFromEnv(env)).toThrow(
      /STAGES: unknown stage\(s\) shipping[\s\S]*AWS_ENDPOINT_URL: must be an http/,
    );
  });

  it('reads MAX_EVENT_AGE_DAYS as a whole number of days and names a malformed one', () => {
    expect(ingestConfigFromEnv(handlerTestEnv({ EVENT_BUS_NAME: 'bus' })).maxEventAgeDays).toBeUndefined();
    expect(
      ingestConfigFromEnv(handlerTestEnv({ EVENT_BUS_NAME: 'bus', MAX_EVENT_AGE_DAYS: '2554' })).maxEventAgeDays,
    ).toBe(2554);
    for (const bad of ['0', '-3', '7.5', 'seven'])
      expect(
        () => ingestConfigFromEnv(handlerTestEnv({ EVENT_BUS_NAME: 'bus', MAX_EVENT_AGE_DAYS: bad })),
        bad,
      ).toThrow(`MAX_EVENT_AGE_DAYS: must be a whole number of at least 1, got "${bad}"`);
  });

  it('uses the EventBridge endpoint override over the general one', () => {
    const config = ingestConfigFromEnv(
      handlerTestEnv({
        EVENT_BUS_NAME: 'bus',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
        AWS_ENDPOINT_URL_EVENTBRIDGE: 'http://127.0.0.1:2',
      }),
    );

    expect(config.eventBridge.endpoint).toBe('http://127.0.0.1:2');
    expect(config.stages).toEqual(['ingestion', 'reconciliation', 'authorization', 'posting']);
  });
});

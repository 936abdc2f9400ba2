import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventIdempotency, IDEMPOTENCY_KEY_PREFIX } from '../../../handlers/ingest/EventIdempotency.ts';
import { createIngestHandler, ingestConfigFromEnv } from '../../../handlers/ingest.ts';
import { ConfigError } from '../../../handlers/shared/errors.ts';
import { type RunningDynamoDBEmulator, startDynamoDBEmulator } from '../../../local/dynamodb/index.ts';
import { AcceptedResponseSchema, ErrorResponseSchema } from '../../../schemas/errorResponse.ts';
import { IDEMPOTENCY_RECORD } from '../../../schemas/idempotencyRecord.ts';
import { buildApiGatewayEvent } from '../../helpers/apiGatewayEvents.ts';
import { handlerTestEnv, instantRetryClock } from '../../helpers/handlerTestEnv.ts';
import { buildInvoiceEvent } from '../../helpers/invoiceEvents.ts';
import { tempDataDir } from '../local/dynamodb/support.ts';

/**
 * The ingest handler's idempotency, on the same code path as on AWS: Powertools' DynamoDB
 * persistence layer and the real DynamoDB client, against the local DynamoDB emulator.
 */
const TABLE = 'bems-test-idempotency';
const eventBridge = mockClient(EventBridgeClient);
let emulator: RunningDynamoDBEmulator;
let dataDir: string;

beforeAll(async () => {
  dataDir = tempDataDir();
  emulator = await startDynamoDBEmulator({
    dataDir,
    tables: [
      {
        name: TABLE,
        partitionKey: { name: IDEMPOTENCY_RECORD.partitionKey, type: 'S' },
        ttlAttribute: IDEMPOTENCY_RECORD.ttlAttribute,
      },
    ],
    ttlSweepIntervalMs: 0,
  });
});
afterAll(async () => {
  await emulator.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_, i) => ({ EventId: `bus-${i}` })),
  }));
});
afterEach(() => {
  vi.useRealTimers();
  eventBridge.reset();
});

function setupConfig(env: Record<string, string> = {}) {
  return ingestConfigFromEnv(
    handlerTestEnv({
      EVENT_BUS_NAME: 'bems-test-bus',
      IDEMPOTENCY_TABLE_NAME: TABLE,
      AWS_ENDPOINT_URL_DYNAMODB: emulator.endpoint,
      ...env,
    }),
  );
}

function setup(env: Record<string, string> = {}) {
  return createIngestHandler(setupConfig(env), { retryClock: instantRetryClock() });
}

/** The record key Powertools derives from an eventId (`eventKeyJmesPath: 'eventId'`, sha256). */
const recordKey = (eventId: string) => ({
  [IDEMPOTENCY_RECORD.partitionKey]: {
    S: `${IDEMPOTENCY_KEY_PREFIX}#${createHash('sha256').update(JSON.stringify(eventId)).digest('base64')}`,
  },
});

const event = (overrides = {}) => buildInvoiceEvent('ingestion', overrides);
const post = (body: unknown) => buildApiGatewayEvent({ stage: 'ingestion', body });
/** eventIds of every entry put on the bus, in order. */
const published = () =>
  eventBridge
    .commandCalls(PutEventsCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .map((entry: PutEventsRequestEntry) => JSON.parse(entry.Detail!).eventId as string);

describe('ingest handler idempotency', () => {
  it('answers a repeat within the window with 202, the original outcome and Idempotent-Replayed, publishing once', async () => {
    // Prepare
    const handler = setup();
    const first = event();

    // Act
    const original = await handler(post(first));
    const repeat = await handler(post(first));

    // Assess
    expect(original.statusCode).toBe(202);
    expect(original.headers?.['idempotent-replayed']).toBeUndefined();
    expect(repeat.statusCode).toBe(202);
    expect(repeat.headers?.['idempotent-replayed']).toBe('true');
    expect(AcceptedResponseSchema.parse(JSON.parse(repeat.body))).toEqual({
      accepted: [first.eventId],
      repeated: [first.eventId],
    });
    expect(published()).toEqual([first.eventId]);
  });

  it('claims a request of 10 new events in one BatchExecuteStatement and settles them in one BatchWriteItem: 2 DynamoDB calls, not 20', async () => {
    // Prepare: the real client, counting the commands it sends.
    const config = ingestConfigFromEnv(
      handlerTestEnv({
        EVENT_BUS_NAME: 'b',
        IDEMPOTENCY_TABLE_NAME: TABLE,
        AWS_ENDPOINT_URL_DYNAMODB: emulator.endpoint,
      }),
    );
    const dynamoDB = new DynamoDBClient(config.idempotency!.dynamoDB);
    const sent: string[] = [];
    dynamoDB.middlewareStack.add(
      (next, context) => (args) => {
        sent.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize' },
    );
    const handler = createIngestHandler(config, { retryClock: instantRetryClock(), dynamoDB });
    const events = Array.from({ length: 10 }, () => event());

    // Act
    const first = await handler(post({ events }));
    const counts = (names: string[]) =>
      Object.fromEntries([...new Set(names)].map((n) => [n, names.filter((x) => x === n).length]));
    const onFirst = counts(sent.splice(0));
    const repeat = await handler(post({ events }));

    // Assess
    expect(first.statusCode).toBe(202);
    expect(onFirst).toEqual({ BatchExecuteStatementCommand: 1, BatchWriteItemCommand: 1 });
    expect(repeat.statusCode).toBe(202);
    expect(repeat.headers?.['idempotent-replayed']).toBe('true');
    expect(JSON.parse(repeat.body).repeated).toEqual(events.map((e) => e.eventId));
    // Every INSERT found its key taken: each falls back to Powertools' conditional PutItem, which
    // returns the COMPLETED record a repeat is answered from.
    expect(counts(sent)).toEqual({ BatchExecuteStatementCommand: 1, PutItemCommand: 10 });
    expect(published()).toEqual(events.map((e) => e.eventId));
  });

  it('treats a body that omits the stage as the same content as one that names it', async () => {
    const handler = setup();
    const first = event();
    const { stage: _stage, ...withoutStage } = first;
    await handler(post(first));
    const repeat = await handler(post(withoutStage));
    expect(repeat.statusCode).toBe(202);
    expect(published()).toEqual([first.eventId]);
  });

  it('refuses the same eventId with a changed amount: 409 IDEMPOTENCY_CONFLICT naming it, nothing published', async () => {
    // Prepare
    const handler = setup();
    const first = event({ amount: '100.00' });
    await handler(post(first));

    // Act
    const changed = await handler(post({ ...first, amount: '100.01' }));

    // Assess
    expect(changed.statusCode).toBe(409);
    const error = ErrorResponseSchema.parse(JSON.parse(changed.body));
    expect(error.code).toBe('IDEMPOTENCY_CONFLICT');
    expect(error.conflictingEventIds).toEqual([first.eventId]);
    expect(error.message).toContain(first.eventId);
    expect(published()).toEqual([first.eventId]);
  });

  it('reports each event of a mixed batch: new ones published, repeats named', async () => {
    // Prepare
    const handler = setup();
    const seen = event();
    await handler(post(seen));
    const fresh = event();

    // Act
    const result = await handler(post({ events: [fresh, seen] }));

    // Assess
    expect(result.statusCode).toBe(202);
    expect(result.headers?.['idempotent-replayed']).toBeUndefined();
    expect(JSON.parse(result.body)).toEqual({ accepted: [fresh.eventId, seen.eventId], repeated: [seen.eventId] });
    expect(published()).toEqual([seen.eventId, fresh.eventId]);
  });

  it('refuses a whole batch with one conflict, publishing none of it; its new events can be resent as they are', async () => {
    // Prepare
    const handler = setup();
    const seen = event({ amount: '5.00' });
    await handler(post(seen));
    const fresh = event();

    // Act
    const refused = await handler(post({ events: [fresh, { ...seen, amount: '6.00' }] }));
    const resent = await handler(post(fresh));

    // Assess
    expect(refused.statusCode).toBe(409);
    expect(ErrorResponseSchema.parse(JSON.parse(refused.body)).conflictingEventIds).toEqual([seen.eventId]);
    expect(resent.statusCode).toBe(202);
    expect(JSON.parse(resent.body)).toEqual({ accepted: [fresh.eventId] });
    expect(published()).toEqual([seen.eventId, fresh.eventId]);
  });

  it('publishes exactly once when two requests with one eventId arrive together', async () => {
    // Prepare
    const handler = setup();
    const same = event();

    // Act
    const answers = await Promise.all([handler(post(same)), handler(post(same))]);

    // Assess
    expect(answers.map((a) => a.statusCode)).toEqual([202, 202]);
    expect(answers.filter((a) => a.headers?.['idempotent-replayed'] === 'true')).toHaveLength(1);
    expect(published()).toEqual([same.eventId]);
  });

  it('forgets an eventId after the window: the same eventId with other content is accepted again', async () => {
    // Prepare
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse('2026-11-28T09:00:00Z'));
    const handler = setup({ IDEMPOTENCY_WINDOW_HOURS: '1' });
    const first = event({ occurredAt: '2026-11-28T08:59:00Z', invoiceDate: '2026-11-28', amount: '1.00' });
    await handler(post(first));

    // Act
    vi.setSystemTime(Date.parse('2026-11-28T09:59:00Z'));
    const within = await handler(post({ ...first, amount: '2.00' }));
    vi.setSystemTime(Date.parse('2026-11-28T10:01:00Z'));
    const after = await handler(post({ ...first, amount: '2.00' }));

    // Assess
    expect(within.statusCode).toBe(409);
    expect(after.statusCode).toBe(202);
    expect(after.headers?.['idempotent-replayed']).toBeUndefined();
    expect(published()).toEqual([first.eventId, first.eventId]);
  });

  it('releases the claim of an event the bus refused, so resending it publishes it', async () => {
    // Prepare
    const handler = setup();
    const once = event();
    let calls = 0;
    eventBridge
      .on(PutEventsCommand)
      .callsFake(() =>
        calls++ === 0
          ? { FailedEntryCount: 1, Entries: [{ ErrorCode: 'AccessDeniedException', ErrorMessage: 'no' }] }
          : { FailedEntryCount: 0, Entries: [{ EventId: 'bus-1' }] },
      );

    // Act
    const refused = await handler(post(once));
    const resent = await handler(post(once));

    // Assess
    expect(refused.statusCode).toBe(503);
    expect(resent.statusCode).toBe(202);
    expect(resent.headers?.['idempotent-replayed']).toBeUndefined();
  });

  it('answers 409 IDEMPOTENCY_IN_PROGRESS with Retry-After while another request holds the eventId', async () => {
    // Prepare: a claim another invocation made and has not finished (in progress for another minute).
    const handler = setup();
    const held = event();
    const claimant = ingestConfigFromEnv(
      handlerTestEnv({
        EVENT_BUS_NAME: 'b',
        IDEMPOTENCY_TABLE_NAME: TABLE,
        AWS_ENDPOINT_URL_DYNAMODB: emulator.endpoint,
      }),
    );
    const other = new EventIdempotency({
      tableName: TABLE,
      client: new DynamoDBClient(claimant.idempotency!.dynamoDB),
      windowHours: 24,
    });
    expect((await other.claim(held, 60_000)).kind).toBe('new');

    // Act
    const answer = await handler(post(held));

    // Assess
    expect(answer.statusCode).toBe(409);
    expect(answer.headers?.['retry-after']).toBe('1');
    expect(ErrorResponseSchema.parse(JSON.parse(answer.body))).toMatchObject({
      code: 'IDEMPOTENCY_IN_PROGRESS',
      conflictingEventIds: [held.eventId],
    });
    expect(published()).toEqual([]);
  });

  it("claims with the record Powertools' own conditional PutItem writes, attribute for attribute", async () => {
    // Prepare: one instant for both claims, so the expiries agree too.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse('2026-12-07T12:00:00Z'));
    const client = new DynamoDBClient(setupConfig().idempotency!.dynamoDB);
    const claimWith = (claims: 'batched' | 'perEvent') =>
      new EventIdempotency({ tableName: TABLE, client, windowHours: 24, claims });
    const claimed = event();
    const read = async () =>
      (
        await client.send(
          new GetItemCommand({ TableName: TABLE, Key: recordKey(claimed.eventId), ConsistentRead: true }),
        )
      ).Item;

    // Act
    expect((await claimWith('batched').claim(claimed, 30_000)).kind).toBe('new');
    const batched = await read();
    await claimWith('batched').release(claimed);
    expect((await claimWith('perEvent').claim(claimed, 30_000)).kind).toBe('new');
    const perEvent = await read();

    // Assess
    expect(batched).toEqual(perEvent);
    expect(Object.keys(batched!).sort()).toEqual(
      [
        IDEMPOTENCY_RECORD.partitionKey,
        IDEMPOTENCY_RECORD.ttlAttribute,
        'in_progress_expiration',
        'status',
        'validation',
      ].sort(),
    );
  });

  it('reclaims an eventId whose claimant died once its in-progress expiry has passed', async () => {
    // Prepare: a claim held for 1 ms by a request that never settles it.
    const handler = setup();
    const orphan = event();
    const other = new EventIdempotency({
      tableName: TABLE,
      client: new DynamoDBClient(setupConfig().idempotency!.dynamoDB),
      windowHours: 24,
    });
    expect((await other.claim(orphan, 1)).kind).toBe('new');
    await new Promise((resolve) => setTimeout(resolve, 5));

    // Act
    const answer = await handler(post({ events: [orphan, event()] }));

    // Assess
    expect(answer.statusCode).toBe(202);
    expect(answer.headers?.['idempotent-replayed']).toBeUndefined();
    expect(published()).toHaveLength(2);
  });

  it('answers 503 IDEMPOTENCY_UNAVAILABLE and publishes nothing when the store cannot be reached', async () => {
    const handler = setup({ IDEMPOTENCY_TABLE_NAME: 'no-such-table' });
    const answer = await handler(post(event()));
    expect(answer.statusCode).toBe(503);
    expect(ErrorResponseSchema.parse(JSON.parse(answer.body)).code).toBe('IDEMPOTENCY_UNAVAILABLE');
    expect(published()).toEqual([]);
  });

  it('reads the window from IDEMPOTENCY_WINDOW_HOURS and refuses it without a table', () => {
    const base = handlerTestEnv({ EVENT_BUS_NAME: 'b' });
    expect(ingestConfigFromEnv({ ...base, IDEMPOTENCY_TABLE_NAME: 't' }).idempotency?.windowHours).toBe(24);
    expect(
      ingestConfigFromEnv({ ...base, IDEMPOTENCY_TABLE_NAME: 't', IDEMPOTENCY_WINDOW_HOURS: '48' }).idempotency
        ?.windowHours,
    ).toBe(48);
    expect(ingestConfigFromEnv(base).idempotency).toBeUndefined();
    expect(() => ingestConfigFromEnv({ ...base, IDEMPOTENCY_WINDOW_HOURS: '48' })).toThrow(ConfigError);
    expect(() => ingestConfigFromEnv({ ...base, IDEMPOTENCY_TABLE_NAME: 't', IDEMPOTENCY_WINDOW_HOURS: '0' })).toThrow(
      /IDEMPOTENCY_WINDOW_HOURS/,
    );
  });
});

import { createHash } from 'node:crypto';
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { BatchExecuteStatementCommand, BatchWriteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { EventIdempotency, introspectedOnce } from '../../../handlers/ingest/EventIdempotency.ts';
import type { InvoiceEvent } from '../../../schemas/invoiceEvent.ts';
import { buildInvoiceEvent } from '../../helpers/invoiceEvents.ts';

/**
 * The idempotency record's key and payload hash are what a repeat is recognised by, across
 * deployments and between the local cell and AWS: the CPU savings of the ingest path (JMESPath
 * functions introspected once, the key remembered per event) must leave both exactly as Powertools
 * defines them — `<prefix>#` + base64 SHA-256 of the JSON of `eventId`, and base64 SHA-256 of the
 * event's JSON with its keys sorted — computed here independently of Powertools.
 */
const TABLE = 'bems-test-idempotency';
const sha256 = (text: string) => createHash('sha256').update(text).digest('base64');
const sortedJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
const expectedKey = (event: InvoiceEvent) => `bems-ingest#${sha256(JSON.stringify(event.eventId))}`;
const expectedHash = (event: InvoiceEvent) => sha256(sortedJson(event));

function setup() {
  const client = new DynamoDBClient({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  const dynamo = mockClient(client);
  dynamo.on(BatchExecuteStatementCommand).callsFake((input: { Statements: unknown[] }) => ({
    Responses: input.Statements.map(() => ({ TableName: TABLE })),
  }));
  dynamo.on(BatchWriteItemCommand).resolves({ UnprocessedItems: {} });
  const idempotency = new EventIdempotency({ tableName: TABLE, client, windowHours: 24 });
  /** Every claim sent: its key and payload hash (the INSERT's parameters, named by its statement). */
  const claims = () =>
    dynamo.commandCalls(BatchExecuteStatementCommand).flatMap((call) =>
      (call.args[0].input.Statements ?? []).map((s) => {
        const names = [...(s.Statement ?? '').matchAll(/'([^']+)': \?/g)].map((m) => m[1]);
        const value = (name: string) => s.Parameters?.[names.indexOf(name)]?.S;
        return { key: value('id'), hash: value('validation') };
      }),
    );
  /** Every COMPLETED record put: its key and payload hash. */
  const completions = () =>
    dynamo.commandCalls(BatchWriteItemCommand).flatMap((call) =>
      (call.args[0].input.RequestItems?.[TABLE] ?? []).map((w) => ({
        key: w.PutRequest?.Item?.id?.S,
        hash: w.PutRequest?.Item?.validation?.S,
        expiresInS: Number(w.PutRequest?.Item?.expiration?.N) - Date.now() / 1000,
      })),
    );
  return { idempotency, claims, completions };
}
const outcome = (e: { eventId: string }) => ({ eventId: e.eventId, receivedAt: '2026-12-07T00:00:00.000Z' });

describe('idempotency record keys and payload hashes', () => {
  it('claims and completes each event under Powertools’ key and payload hash', async () => {
    const { idempotency, claims, completions } = setup();
    const events = [buildInvoiceEvent('posting'), buildInvoiceEvent('posting'), buildInvoiceEvent('ingestion')];

    const claimed = await Promise.all(events.map((e) => idempotency.claim(e, 30_000)));
    await Promise.all(events.map((e) => idempotency.complete(e, outcome(e))));

    expect(claimed.map((c) => c.kind)).toEqual(['new', 'new', 'new']);
    const expected = events.map((e) => ({ key: expectedKey(e), hash: expectedHash(e) }));
    expect(claims()).toEqual(expected);
    expect(completions().map(({ key, hash }) => ({ key, hash }))).toEqual(expected);
    for (const { expiresInS } of completions()) expect(Math.abs(expiresInS - 24 * 3600)).toBeLessThan(5);
  });

  it('completes an event it did not claim (another instance did) under the same key and hash', async () => {
    const { idempotency, claims, completions } = setup();
    const event = buildInvoiceEvent('posting');

    await idempotency.complete(event, outcome(event));

    expect(claims()).toEqual([]);
    expect(completions()).toEqual([
      { key: expectedKey(event), hash: expectedHash(event), expiresInS: expect.closeTo(24 * 3600, -1) },
    ]);
  });

  it('keys an equal event in another object the same, and a changed copy by its own content', async () => {
    const { idempotency, claims } = setup();
    const event = buildInvoiceEvent('posting');
    const copy = structuredClone(event);
    const changed = { ...event, amount: '1.00' };

    for (const e of [event, copy, changed]) await idempotency.claim(e, 30_000);

    const [first, second, third] = claims();
    expect(second).toEqual(first);
    expect(third).toEqual({ key: expectedKey(event), hash: expectedHash(changed) });
    expect(third!.hash).not.toBe(first!.hash);
  });

  it('keeps JMESPath functions working once introspected', () => {
    // A key path that calls a Powertools JMESPath function, so the interpreter must find it.
    class Exposed extends DynamoDBPersistenceLayer {
      keyOf(data: { body: string }): string {
        return this.getHashedIdempotencyKey(data);
      }
    }
    const layer = (once: boolean) => {
      const config = new IdempotencyConfig({ eventKeyJmesPath: 'powertools_json(body).id', hashFunction: 'sha256' });
      const persistence = new Exposed({ tableName: TABLE });
      persistence.configure({ keyPrefix: 'k', config: once ? introspectedOnce(config) : config });
      return persistence;
    };
    const [plain, once] = [layer(false), layer(true)];
    const data = { body: JSON.stringify({ id: 'abc-1' }) };

    expect(once.keyOf(data)).toBe(`k#${sha256(JSON.stringify('abc-1'))}`);
    expect(once.keyOf(data)).toBe(plain.keyOf(data));
    expect(once.keyOf({ body: JSON.stringify({ id: 'abc-2' }) })).toBe(`k#${sha256(JSON.stringify('abc-2'))}`);
  });
});

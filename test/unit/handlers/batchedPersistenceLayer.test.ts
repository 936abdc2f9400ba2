import { MessageChannel } from 'node:worker_threads';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import {
  BatchExecuteStatementCommand,
  type BatchStatementRequest,
  BatchWriteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { BatchedPersistenceLayer, RECORD_ATTRIBUTES } from '../../../handlers/ingest/batchedPersistenceLayer.ts';
import { EventIdempotency } from '../../../handlers/ingest/EventIdempotency.ts';
import { buildInvoiceEvent } from '../../helpers/invoiceEvents.ts';

/**
 * The batched claims' and settlement's handling of what the emulator never does: per-statement
 * throttling and `UnprocessedItems` (DynamoDB's answers under throttling), and more claims or writes
 * in one turn than one call may carry. The DynamoDB answers
 * here are AWS's documented shapes; the protocol against a real store is in ingestIdempotency.test.ts.
 */
const TABLE = 'bems-test-idempotency';

function setup() {
  const client = new DynamoDBClient({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  const dynamo = mockClient(client);
  const idempotency = new EventIdempotency({ tableName: TABLE, client, windowHours: 24 });
  const sent = () => dynamo.commandCalls(BatchWriteItemCommand).map((c) => c.args[0].input.RequestItems?.[TABLE] ?? []);
  return { dynamo, idempotency, sent };
}
const event = () => buildInvoiceEvent('ingestion');
const outcome = (e: { eventId: string }) => ({ eventId: e.eventId, receivedAt: '2026-12-07T00:00:00.000Z' });

describe('batched settlement of idempotency claims', () => {
  it('sends again what DynamoDB hands back as UnprocessedItems, and only that', async () => {
    // Prepare
    const { dynamo, idempotency, sent } = setup();
    const [a, b] = [event(), event()];
    let calls = 0;
    dynamo.on(BatchWriteItemCommand).callsFake((input: { RequestItems: Record<string, WriteRequest[]> }) => {
      const requests = input.RequestItems[TABLE]!;
      return calls++ === 0 ? { UnprocessedItems: { [TABLE]: [requests[1]!] } } : { UnprocessedItems: {} };
    });

    // Act
    await Promise.all([idempotency.complete(a, outcome(a)), idempotency.release(b)]);

    // Assess
    const batches = sent();
    expect(batches.map((r) => r.length)).toEqual([2, 1]);
    expect(batches[0]![0]!.PutRequest?.Item?.status).toEqual({ S: 'COMPLETED' });
    expect(batches[0]![0]!.PutRequest?.Item?.data?.M?.eventId).toEqual({ S: a.eventId });
    expect(batches[0]![0]!.PutRequest?.Item?.validation?.S).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(batches[1]![0]!.DeleteRequest).toBeDefined();
  });

  it('rejects the writes still unprocessed after its retries, so the caller logs them', async () => {
    const { dynamo, idempotency, sent } = setup();
    dynamo.on(BatchWriteItemCommand).callsFake((input: { RequestItems: Record<string, WriteRequest[]> }) => ({
      UnprocessedItems: input.RequestItems,
    }));
    const e = event();
    await expect(idempotency.complete(e, outcome(e))).rejects.toThrow(/unprocessed after retries/);
    expect(sent()).toHaveLength(4);
  });

  it('splits a turn of more than 25 writes into calls of at most 25, and names a key once per call', async () => {
    const { dynamo, idempotency, sent } = setup();
    dynamo.on(BatchWriteItemCommand).resolves({ UnprocessedItems: {} });
    const events = Array.from({ length: 30 }, event);
    const twice = events[0]!;
    await Promise.all([...events.map((e) => idempotency.complete(e, outcome(e))), idempotency.release(twice)]);
    const batches = sent();
    expect(batches.map((r) => r.length)).toEqual([25, 6]);
    for (const batch of batches) {
      const keys = batch.map((r) => (r.PutRequest?.Item ?? r.DeleteRequest?.Key)?.id?.S);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  it('rejects every write of a call that failed', async () => {
    const { dynamo, idempotency } = setup();
    dynamo.on(BatchWriteItemCommand).rejects(new Error('ProvisionedThroughputExceeded'));
    const e = event();
    await expect(idempotency.release(e)).rejects.toThrow('ProvisionedThroughputExceeded');
  });
});

describe('batched claims', () => {
  const statements = (dynamo: ReturnType<typeof setup>['dynamo']) =>
    dynamo.commandCalls(BatchExecuteStatementCommand).map((c) => c.args[0].input.Statements ?? []);
  const keyOf = (s: BatchStatementRequest) => s.Parameters?.[0]?.S;
  /** DynamoDB's answers, call by call (the last repeats): per statement an error code, or none. */
  const answer = (...codes: (string | undefined)[][]) => {
    let call = 0;
    return (input: { Statements: unknown[] }) => {
      const these = codes[Math.min(call++, codes.length - 1)]!;
      return {
        Responses: input.Statements.map((_, i) => {
          const code = these[i];
          return code ? { TableName: TABLE, Error: { Code: code, Message: `${code} here` } } : { TableName: TABLE };
        }),
      };
    };
  };

  it('inserts the record Powertools builds, with its attributes as parameters', async () => {
    const { dynamo, idempotency } = setup();
    dynamo.on(BatchExecuteStatementCommand).callsFake(answer([undefined]));
    expect((await idempotency.claim(event(), 30_000)).kind).toBe('new');
    const [[statement]] = statements(dynamo) as [[BatchStatementRequest]];
    expect(statement.Statement).toBe(
      `INSERT INTO "${TABLE}" VALUE {'id': ?, 'expiration': ?, 'status': ?, 'in_progress_expiration': ?, 'validation': ?}`,
    );
    expect(statement.Parameters?.[2]).toEqual({ S: 'INPROGRESS' });
  });

  it('sends again only the statements DynamoDB throttled', async () => {
    const { dynamo, idempotency } = setup();
    dynamo.on(BatchExecuteStatementCommand).callsFake(answer([undefined, 'ThrottlingError', undefined], [undefined]));
    const events = [event(), event(), event()];
    const claims = await Promise.all(events.map((e) => idempotency.claim(e, 30_000)));
    expect(claims.map((c) => c.kind)).toEqual(['new', 'new', 'new']);
    const calls = statements(dynamo);
    expect(calls.map((c) => c.length)).toEqual([3, 1]);
    expect(keyOf(calls[1]![0]!)).toBe(keyOf(calls[0]![1]!));
  });

  it('gives up on a statement still throttled after its retries, and at once on one refused for good', async () => {
    const { dynamo, idempotency } = setup();
    dynamo.on(BatchExecuteStatementCommand).callsFake(answer(['ProvisionedThroughputExceeded', 'AccessDenied']));
    const [throttled, denied] = await Promise.all([idempotency.claim(event(), 1), idempotency.claim(event(), 1)]);
    expect(throttled).toMatchObject({ kind: 'unavailable' });
    expect(String((throttled as { error: unknown }).error)).toMatch(/ProvisionedThroughputExceeded/);
    expect(String((denied as { error: unknown }).error)).toMatch(/AccessDenied: AccessDenied here/);
    expect(statements(dynamo).map((c) => c.length)).toEqual([2, 1, 1, 1]);
  });

  it("hands a taken key to Powertools' conditional PutItem, which reclaims an expired record", async () => {
    const { dynamo, idempotency } = setup();
    dynamo.on(BatchExecuteStatementCommand).callsFake(answer(['DuplicateItem']));
    dynamo.on(PutItemCommand).resolves({});
    expect((await idempotency.claim(event(), 30_000)).kind).toBe('new');
    const [put] = dynamo.commandCalls(PutItemCommand);
    expect(put!.args[0].input.ConditionExpression).toMatch(/^attribute_not_exists\(#id\) OR #expiry < :now/);
  });

  it('splits a turn of more than 25 claims into calls of at most 25, a key once per call', async () => {
    const { dynamo, idempotency } = setup();
    dynamo.on(BatchExecuteStatementCommand).callsFake(answer([]));
    const events = Array.from({ length: 30 }, event);
    await Promise.all([...events, events[0]!].map((e) => idempotency.claim(e, 30_000)));
    const calls = statements(dynamo);
    expect(calls.map((c) => c.length)).toEqual([25, 6]);
    for (const call of calls) expect(new Set(call.map(keyOf)).size).toBe(call.length);
  });

  it('makes every claim of a call that failed unavailable', async () => {
    const { dynamo, idempotency } = setup();
    dynamo.on(BatchExecuteStatementCommand).rejects(new Error('socket hang up'));
    expect(await idempotency.claim(event(), 1)).toMatchObject({ kind: 'unavailable' });
  });
});

describe('claims and settlements of concurrent requests', () => {
  /**
   * Runs `work` for each of `count` messages posted together on one MessagePort: Node delivers them
   * in one drain, with a microtask checkpoint after each — as requests resume in the local cell when
   * the SDK port's answers they wait for arrive together.
   */
  const onMessagesOfOneDrain = <T>(count: number, work: (i: number) => Promise<T>): Promise<T[]> => {
    const { port1, port2 } = new MessageChannel();
    const started: Promise<T>[] = [];
    return new Promise((resolve, reject) => {
      port2.on('message', (i: number) => {
        started.push(work(i));
        if (started.length < count) return;
        port2.close();
        Promise.all(started).then(resolve, reject);
      });
      for (let i = 0; i < count; i++) port1.postMessage(i);
    });
  };

  it('sends the claims, then the settling writes, of requests resumed in one turn as one call each', async () => {
    // Prepare
    const { dynamo, idempotency, sent } = setup();
    dynamo.on(BatchExecuteStatementCommand).callsFake((input: { Statements: unknown[] }) => ({
      Responses: input.Statements.map(() => ({ TableName: TABLE })),
    }));
    dynamo.on(BatchWriteItemCommand).resolves({ UnprocessedItems: {} });
    const requests = [
      [event(), event()],
      [event(), event(), event()],
    ];

    // Act
    const claims = await onMessagesOfOneDrain(2, (i) =>
      Promise.all(requests[i]!.map((e) => idempotency.claim(e, 30_000))),
    );
    await onMessagesOfOneDrain(2, (i) => Promise.all(requests[i]!.map((e) => idempotency.complete(e, outcome(e)))));

    // Assess
    expect(claims.flat().map((c) => c.kind)).toEqual(['new', 'new', 'new', 'new', 'new']);
    const calls = dynamo.commandCalls(BatchExecuteStatementCommand).map((c) => c.args[0].input.Statements ?? []);
    expect(calls.map((c) => c.length)).toEqual([5]);
    expect(sent().map((r) => r.length)).toEqual([5]);
  });
});

describe('record keys and statements', () => {
  it("builds a record's key as Powertools' own getKey does", () => {
    class Plain extends DynamoDBPersistenceLayer {
      keyOf = (key: string) => this.getKey(key);
    }
    class Batched extends BatchedPersistenceLayer {
      keyOf = (key: string) => this.getKey(key);
    }
    const client = new DynamoDBClient({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const plain = new Plain({ tableName: TABLE, awsSdkV3Client: client, ...RECORD_ATTRIBUTES });
    const batched = new Batched({ tableName: TABLE, client });
    for (const key of ['bems-ingest#3q2+7w/Ab=', `it's "quoted"`, 'ünï©ødé', ''])
      expect(batched.keyOf(key)).toEqual(plain.keyOf(key));
  });

  it('sends every claim of a record shape with the same statement, whichever claim built it first', async () => {
    const { dynamo, idempotency } = setup();
    dynamo.on(BatchExecuteStatementCommand).callsFake((input: { Statements: unknown[] }) => ({
      Responses: input.Statements.map(() => ({ TableName: TABLE })),
    }));
    await idempotency.claim(event(), 30_000);
    await Promise.all([idempotency.claim(event(), 30_000), idempotency.claim(event(), 30_000)]);
    const texts = dynamo
      .commandCalls(BatchExecuteStatementCommand)
      .flatMap((c) => (c.args[0].input.Statements ?? []).map((s) => s.Statement));
    expect(texts).toEqual(
      Array(3).fill(
        `INSERT INTO "${TABLE}" VALUE {'id': ?, 'expiration': ?, 'status': ?, 'in_progress_expiration': ?, 'validation': ?}`,
      ),
    );
  });
});

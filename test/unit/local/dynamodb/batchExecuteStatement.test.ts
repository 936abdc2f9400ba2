import {
  type AttributeValue,
  BatchExecuteStatementCommand,
  type BatchStatementRequest,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { failureOf, readItem, TABLE, useEmulator } from './support.ts';

const key = (id: string) => ({ id: { S: id } });
const insert = (id: string, extra: Record<string, AttributeValue> = {}): BatchStatementRequest => {
  const names = Object.keys(extra);
  return {
    Statement: `INSERT INTO "${TABLE}" VALUE {'id': ?${names.map((n) => `, '${n}': ?`).join('')}}`,
    Parameters: [{ S: id }, ...names.map((n) => extra[n]!)],
  };
};

describe('DynamoDB emulator: BatchExecuteStatement (PartiQL INSERT)', () => {
  const env = useEmulator({ ttlSweepIntervalMs: 0 });
  const batch = (Statements: BatchStatementRequest[]) =>
    env.client.send(new BatchExecuteStatementCommand({ Statements }));
  const read = (id: string) => readItem(env.client, id);
  const failure = failureOf;

  it('inserts the items whose keys are free and fails the others on their own with DuplicateItem', async () => {
    // Prepare
    await env.client.send(new PutItemCommand({ TableName: TABLE, Item: { ...key('taken'), v: { N: '1' } } }));

    // Act
    const output = await batch([
      insert('new', { status: { S: 'INPROGRESS' }, expiration: { N: '1800000000' } }),
      insert('taken', { v: { N: '2' } }),
      { Statement: `INSERT INTO ${TABLE} VALUE {'id': 'literal', 'l': [1, 'a'], 'ok': true}` },
    ]);

    // Assess
    expect(output.Responses).toEqual([
      { TableName: TABLE },
      { TableName: TABLE, Error: { Code: 'DuplicateItem', Message: 'Duplicate primary key exists in table' } },
      { TableName: TABLE },
    ]);
    expect(await read('new')).toEqual({ ...key('new'), status: { S: 'INPROGRESS' }, expiration: { N: '1800000000' } });
    expect(await read('taken')).toEqual({ ...key('taken'), v: { N: '1' } });
    expect(await read('literal')).toEqual({
      ...key('literal'),
      l: { L: [{ N: '1' }, { S: 'a' }] },
      ok: { BOOL: true },
    });
  });

  it('answers an unknown table and an item off the key schema per statement, running the rest', async () => {
    const output = await batch([
      { Statement: `INSERT INTO "nope" VALUE {'id': ?}`, Parameters: [{ S: 'a' }] },
      { Statement: `INSERT INTO "${TABLE}" VALUE {'other': ?}`, Parameters: [{ S: 'a' }] },
      { Statement: `INSERT INTO "${TABLE}" VALUE {'id': ?}`, Parameters: [{ N: '1' }] },
      insert('fine'),
    ]);
    expect(output.Responses).toEqual([
      { Error: { Code: 'ResourceNotFound', Message: 'Requested resource not found' } },
      {
        TableName: TABLE,
        Error: {
          Code: 'ValidationError',
          Message: 'One or more parameter values were invalid: Missing the key id in the item',
        },
      },
      {
        TableName: TABLE,
        Error: {
          Code: 'ValidationError',
          Message: 'One or more parameter values were invalid: Type mismatch for key id expected: S actual: N',
        },
      },
      { TableName: TABLE },
    ]);
    expect(await read('fine')).toEqual(key('fine'));
  });

  it('refuses the whole call, writing nothing, for a statement that does not parse or mismatched Parameters', async () => {
    expect(await failure(batch([insert('a'), { Statement: `INSERT INTO t VALUE ('id', 'x')` }]))).toEqual({
      name: 'ValidationException',
      status: 400,
      message: "Statement wasn't well formed, can't be processed: unexpected character '(' at position 21",
    });
    expect(
      await failure(batch([{ Statement: `INSERT INTO "${TABLE}" VALUE {'id': ?}`, Parameters: [] }])),
    ).toMatchObject({
      name: 'ValidationException',
      message: "Number of parameters in request and statement don't match.",
    });
    expect(await failure(batch([{ Statement: `SELECT * FROM "${TABLE}"` }]))).toMatchObject({
      name: 'ValidationException',
      message: 'SELECT statements are not supported by this emulator (INSERT INTO … VALUE {…} is)',
    });
    expect(await read('a')).toBeUndefined();
  });

  it('refuses no statements, more than 25, and one key named twice', async () => {
    expect(await failure(batch([]))).toMatchObject({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value at 'statements' failed to satisfy constraint: Member must have length greater than or equal to 1",
    });
    const many = Array.from({ length: 26 }, (_, i) => insert(`k${i}`));
    expect(await failure(batch(many))).toMatchObject({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value at 'statements' failed to satisfy constraint: Member must have length less than or equal to 25",
    });
    expect(await failure(batch([insert('twice'), insert('other'), insert('twice')]))).toMatchObject({
      name: 'ValidationException',
      message: 'Provided list of item keys contains duplicates',
    });
    expect(await read('k0')).toBeUndefined();
    expect(await read('other')).toBeUndefined();
    expect((await batch(many.slice(0, 25))).Responses?.every((r) => r.Error === undefined)).toBe(true);
  });

  it('writes a call of inserts in one transaction, and counts the expiry for the TTL sweep', async () => {
    // The TTL attribute of `records` is `expiration`: an inserted item in the past is swept like a put one.
    const aMinuteAgo = String(Math.floor(Date.now() / 1000) - 60);
    await batch([
      insert('old', { expiration: { N: aMinuteAgo } }),
      insert('live', { expiration: { N: '4000000000' } }),
    ]);
    expect(env.emulator.sweepExpired()).toBe(1);
    expect(await read('old')).toBeUndefined();
    expect(await read('live')).toBeDefined();
  });
});

import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  GetItemCommand,
  PutItemCommand,
  ResourceNotFoundException,
  UpdateItemCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { TABLE, useEmulator } from './support.ts';

const key = (id: string) => ({ id: { S: id } });

describe('DynamoDB emulator', () => {
  const env = useEmulator({ ttlSweepIntervalMs: 0 });

  describe('PutItem and GetItem', () => {
    it('stores an item whole and reads it back with every attribute type', async () => {
      // Prepare
      const item = {
        ...key('a'),
        n: { N: '1.5' },
        b: { BOOL: true },
        nil: { NULL: true as const },
        m: { M: { inner: { S: 'x' } } },
        l: { L: [{ N: '1' }, { S: 'two' }] },
        ss: { SS: ['p', 'q'] },
      };

      // Act
      await env.client.send(new PutItemCommand({ TableName: TABLE, Item: item }));
      const { Item } = await env.client.send(
        new GetItemCommand({ TableName: TABLE, Key: key('a'), ConsistentRead: true }),
      );

      // Assess
      expect(Item).toEqual(item);
    });

    it('answers GetItem of a missing item without Item', async () => {
      const result = await env.client.send(new GetItemCommand({ TableName: TABLE, Key: key('none') }));
      expect(result.Item).toBeUndefined();
    });

    it('projects the attributes a ProjectionExpression names', async () => {
      await env.client.send(
        new PutItemCommand({ TableName: TABLE, Item: { ...key('p'), a: { S: '1' }, b: { S: '2' } } }),
      );
      const { Item } = await env.client.send(
        new GetItemCommand({
          TableName: TABLE,
          Key: key('p'),
          ProjectionExpression: '#a, id',
          ExpressionAttributeNames: { '#a': 'a' },
        }),
      );
      expect(Item).toEqual({ ...key('p'), a: { S: '1' } });
    });

    it('returns the replaced item with ReturnValues ALL_OLD', async () => {
      await env.client.send(new PutItemCommand({ TableName: TABLE, Item: { ...key('r'), v: { N: '1' } } }));
      const result = await env.client.send(
        new PutItemCommand({ TableName: TABLE, Item: { ...key('r'), v: { N: '2' } }, ReturnValues: 'ALL_OLD' }),
      );
      expect(result.Attributes).toEqual({ ...key('r'), v: { N: '1' } });
    });

    it('keys composite tables by partition and sort key', async () => {
      const put = (sk: string, v: string) =>
        env.client.send(
          new PutItemCommand({ TableName: 'composite', Item: { pk: { S: 'p' }, sk: { N: sk }, v: { S: v } } }),
        );
      await put('1', 'one');
      await put('2', 'two');
      const { Item } = await env.client.send(
        new GetItemCommand({ TableName: 'composite', Key: { pk: { S: 'p' }, sk: { N: '1' } } }),
      );
      expect(Item?.v).toEqual({ S: 'one' });
    });
  });

  describe('condition expressions', () => {
    const claim = (id: string, expiry: number, now: number) =>
      env.client.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: { ...key(id), expiration: { N: String(expiry) }, status: { S: 'INPROGRESS' } },
          ConditionExpression: 'attribute_not_exists(#id) OR #expiry < :now',
          ExpressionAttributeNames: { '#id': 'id', '#expiry': 'expiration' },
          ExpressionAttributeValues: { ':now': { N: String(now) } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );

    it('writes when attribute_not_exists holds and refuses the second write with the item as it is', async () => {
      // Act
      await claim('c', 2000, 1000);
      const second = await claim('c', 3000, 1500).catch((error: unknown) => error);

      // Assess
      expect(second).toBeInstanceOf(ConditionalCheckFailedException);
      expect((second as ConditionalCheckFailedException).Item).toEqual({
        ...key('c'),
        expiration: { N: '2000' },
        status: { S: 'INPROGRESS' },
      });
      const { Item } = await env.client.send(new GetItemCommand({ TableName: TABLE, Key: key('c') }));
      expect(Item?.expiration).toEqual({ N: '2000' });
    });

    it('overwrites once the number comparison in the OR branch holds', async () => {
      await claim('e', 2000, 1000);
      await claim('e', 4000, 2500);
      const { Item } = await env.client.send(new GetItemCommand({ TableName: TABLE, Key: key('e') }));
      expect(Item?.expiration).toEqual({ N: '4000' });
    });

    it('leaves out the item on failure unless ALL_OLD is asked for', async () => {
      await env.client.send(new PutItemCommand({ TableName: TABLE, Item: key('x') }));
      const error = await env.client
        .send(new PutItemCommand({ TableName: TABLE, Item: key('x'), ConditionExpression: 'attribute_not_exists(id)' }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConditionalCheckFailedException);
      expect((error as ConditionalCheckFailedException).Item).toBeUndefined();
    });

    it.each([
      ['#s = :a AND NOT (#n > :ten)', true],
      ['#s IN (:b, :a) AND #n BETWEEN :one AND :ten', true],
      ['begins_with(#s, :prefix) AND size(#s) = :three', true],
      ['#s <> :a OR attribute_type(#n, :string)', false],
      ['#missing <> :a', true],
      ['#missing = :a OR #missing < :ten', false],
    ])('evaluates %s as %s', async (expression, holds) => {
      // Prepare
      await env.client.send(
        new PutItemCommand({ TableName: TABLE, Item: { ...key('k'), s: { S: 'abc' }, n: { N: '5' } } }),
      );
      const names = { '#s': 's', '#n': 'n', '#missing': 'missing' };
      const values = {
        ':a': { S: 'abc' },
        ':b': { S: 'other' },
        ':ten': { N: '10' },
        ':one': { N: '1' },
        ':prefix': { S: 'ab' },
        ':three': { N: '3' },
        ':string': { S: 'S' },
      };
      const used = <T extends object>(all: T) =>
        Object.fromEntries(
          Object.entries(all).filter(([placeholder]) => new RegExp(`${placeholder}\\b`).test(expression)),
        );

      // Act
      const outcome = await env.client
        .send(
          new PutItemCommand({
            TableName: TABLE,
            Item: { ...key('k'), s: { S: 'abc' }, n: { N: '5' } },
            ConditionExpression: expression,
            ExpressionAttributeNames: used(names),
            ExpressionAttributeValues: used(values),
          }),
        )
        .then(
          () => true,
          (error: unknown) => {
            if (error instanceof ConditionalCheckFailedException) return false;
            throw error;
          },
        );

      // Assess
      expect(outcome).toBe(holds);
    });
  });

  describe('UpdateItem', () => {
    it('SETs and REMOVEs attributes and returns the new item', async () => {
      await env.client.send(
        new PutItemCommand({ TableName: TABLE, Item: { ...key('u'), status: { S: 'INPROGRESS' }, gone: { S: 'x' } } }),
      );
      const { Attributes } = await env.client.send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: key('u'),
          UpdateExpression: 'SET #status = :status, #count = if_not_exists(#count, :zero) + :one REMOVE gone',
          ExpressionAttributeNames: { '#status': 'status', '#count': 'count' },
          ExpressionAttributeValues: { ':status': { S: 'COMPLETED' }, ':zero': { N: '0' }, ':one': { N: '1' } },
          ReturnValues: 'ALL_NEW',
        }),
      );
      expect(Attributes).toEqual({ ...key('u'), status: { S: 'COMPLETED' }, count: { N: '1' } });
    });

    it('creates the item from its key when it does not exist (upsert)', async () => {
      await env.client.send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: key('new'),
          UpdateExpression: 'SET v = :v',
          ExpressionAttributeValues: { ':v': { M: { nested: { S: 'y' } } } },
        }),
      );
      const { Item } = await env.client.send(new GetItemCommand({ TableName: TABLE, Key: key('new') }));
      expect(Item).toEqual({ ...key('new'), v: { M: { nested: { S: 'y' } } } });
    });

    it('refuses an update whose condition fails and changes nothing', async () => {
      await env.client.send(new PutItemCommand({ TableName: TABLE, Item: { ...key('f'), v: { N: '1' } } }));
      const error = await env.client
        .send(
          new UpdateItemCommand({
            TableName: TABLE,
            Key: key('f'),
            UpdateExpression: 'SET v = :two',
            ConditionExpression: 'v = :two',
            ExpressionAttributeValues: { ':two': { N: '2' } },
          }),
        )
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConditionalCheckFailedException);
      const { Item } = await env.client.send(new GetItemCommand({ TableName: TABLE, Key: key('f') }));
      expect(Item?.v).toEqual({ N: '1' });
    });
  });

  describe('DeleteItem', () => {
    it('deletes, returns the old item, and succeeds for an item that does not exist', async () => {
      await env.client.send(new PutItemCommand({ TableName: TABLE, Item: { ...key('d'), v: { S: '1' } } }));
      const deleted = await env.client.send(
        new DeleteItemCommand({ TableName: TABLE, Key: key('d'), ReturnValues: 'ALL_OLD' }),
      );
      const again = await env.client.send(new DeleteItemCommand({ TableName: TABLE, Key: key('d') }));
      expect(deleted.Attributes).toEqual({ ...key('d'), v: { S: '1' } });
      expect(again.Attributes).toBeUndefined();
      const { Item } = await env.client.send(new GetItemCommand({ TableName: TABLE, Key: key('d') }));
      expect(Item).toBeUndefined();
    });

    it('deletes only when the condition holds', async () => {
      await env.client.send(new PutItemCommand({ TableName: TABLE, Item: { ...key('d2'), v: { S: '1' } } }));
      const error = await env.client
        .send(
          new DeleteItemCommand({ TableName: TABLE, Key: key('d2'), ConditionExpression: 'attribute_not_exists(v)' }),
        )
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConditionalCheckFailedException);
    });
  });

  describe('errors', () => {
    const validation = async (send: Promise<unknown>) => {
      const error = (await send.catch((e: unknown) => e)) as Error & { $metadata?: { httpStatusCode?: number } };
      expect(error.name).toBe('ValidationException');
      expect(error.$metadata?.httpStatusCode).toBe(400);
      return error.message;
    };

    it('answers ResourceNotFoundException for a table that does not exist', async () => {
      const error = await env.client
        .send(new GetItemCommand({ TableName: 'nope', Key: key('a') }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResourceNotFoundException);
    });

    it('refuses a key that does not match the schema', async () => {
      expect(await validation(env.client.send(new GetItemCommand({ TableName: TABLE, Key: { id: { N: '1' } } })))).toBe(
        'The provided key element does not match the schema',
      );
      expect(
        await validation(env.client.send(new PutItemCommand({ TableName: TABLE, Item: { other: { S: 'x' } } }))),
      ).toMatch(/Missing the key id/);
    });

    it('refuses unused and undefined placeholders', async () => {
      const put = (extra: object) =>
        env.client.send(
          new PutItemCommand({
            TableName: TABLE,
            Item: key('v'),
            ConditionExpression: 'attribute_not_exists(#id)',
            ...extra,
          }),
        );
      expect(await validation(put({ ExpressionAttributeNames: { '#id': 'id', '#x': 'x' } }))).toMatch(
        /unused in expressions: keys: \{#x\}/,
      );
      expect(await validation(put({}))).toMatch(
        /attribute name used in the document path is not defined; attribute name: #id/,
      );
    });

    it('refuses a malformed expression and an update of the key', async () => {
      const condition = env.client.send(
        new PutItemCommand({ TableName: TABLE, Item: key('m'), ConditionExpression: 'attribute_not_exists(id' }),
      );
      expect(await validation(condition)).toMatch(/Invalid ConditionExpression/);
      const update = env.client.send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: key('m'),
          UpdateExpression: 'SET id = :v',
          ExpressionAttributeValues: { ':v': { S: 'z' } },
        }),
      );
      expect(await validation(update)).toMatch(/part of the key/);
    });

    it('refuses an item over 400 KB', async () => {
      const big = env.client.send(
        new PutItemCommand({ TableName: TABLE, Item: { ...key('big'), data: { S: 'x'.repeat(410 * 1024) } } }),
      );
      expect(await validation(big)).toMatch(/maximum allowed size/);
    });
  });

  describe('tables and TTL', () => {
    it('creates and describes an on-demand table', async () => {
      await env.client.send(
        new CreateTableCommand({
          TableName: 'made',
          KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      const { Table } = await env.client.send(new DescribeTableCommand({ TableName: 'made' }));
      expect(Table).toMatchObject({ TableStatus: 'ACTIVE', BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' } });
      expect(Table?.TableArn).toBe('arn:aws:dynamodb:eu-west-1:000000000000:table/made');
    });

    it('sees a table deleted, made again with another key, and its TTL switched, at once (no stale table)', async () => {
      // Prepare: item operations on `made` read its table row.
      const make = (keyName: string) =>
        env.client.send(
          new CreateTableCommand({
            TableName: 'made',
            KeySchema: [{ AttributeName: keyName, KeyType: 'HASH' }],
            AttributeDefinitions: [{ AttributeName: keyName, AttributeType: 'S' }],
            BillingMode: 'PAY_PER_REQUEST',
          }),
        );
      await make('k');
      await env.client.send(new PutItemCommand({ TableName: 'made', Item: { k: { S: 'a' } } }));

      // Act
      await env.client.send(new DeleteTableCommand({ TableName: 'made' }));
      const gone = await env.client
        .send(new PutItemCommand({ TableName: 'made', Item: { k: { S: 'a' } } }))
        .catch((e: Error) => e.name);
      await make('other');
      const oldKey = await env.client
        .send(new PutItemCommand({ TableName: 'made', Item: { k: { S: 'a' } } }))
        .catch((e: Error) => e.message);
      await env.client.send(
        new UpdateTimeToLiveCommand({
          TableName: 'made',
          TimeToLiveSpecification: { Enabled: true, AttributeName: 'expires' },
        }),
      );
      const past = String(Math.floor(Date.now() / 1000) - 60);
      await env.client.send(
        new PutItemCommand({ TableName: 'made', Item: { other: { S: 'x' }, expires: { N: past } } }),
      );

      // Assess
      expect(gone).toBe('ResourceNotFoundException');
      expect(oldKey).toBe('One or more parameter values were invalid: Missing the key other in the item');
      expect(env.emulator.sweepExpired()).toBe(1);
    });

    it('returns expired items until the TTL process deletes them, as DynamoDB does', async () => {
      // Prepare
      const { TimeToLiveDescription } = await env.client.send(new DescribeTimeToLiveCommand({ TableName: TABLE }));
      expect(TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiration' });
      const past = Math.floor(Date.now() / 1000) - 60;
      await env.client.send(
        new PutItemCommand({ TableName: TABLE, Item: { ...key('old'), expiration: { N: String(past) } } }),
      );
      await env.client.send(
        new PutItemCommand({ TableName: TABLE, Item: { ...key('live'), expiration: { N: String(past + 3600) } } }),
      );
      const read = async (id: string) =>
        (await env.client.send(new GetItemCommand({ TableName: TABLE, Key: key(id) }))).Item;
      expect(await read('old')).toBeDefined();

      // Act
      const swept = env.emulator.sweepExpired();

      // Assess
      expect(swept).toBe(1);
      expect(await read('old')).toBeUndefined();
      expect(await read('live')).toBeDefined();
    });
  });
});

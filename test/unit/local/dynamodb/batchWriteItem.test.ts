import {
  BatchWriteItemCommand,
  PutItemCommand,
  ResourceNotFoundException,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { failureOf, readItem, TABLE, useEmulator } from './support.ts';

const key = (id: string) => ({ id: { S: id } });
const put = (id: string, extra = {}): WriteRequest => ({ PutRequest: { Item: { ...key(id), ...extra } } });
const del = (id: string): WriteRequest => ({ DeleteRequest: { Key: key(id) } });

describe('DynamoDB emulator: BatchWriteItem', () => {
  const env = useEmulator({ ttlSweepIntervalMs: 0 });
  const batch = (requests: WriteRequest[], table = TABLE) =>
    env.client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
  const read = (id: string) => readItem(env.client, id);
  const failure = failureOf;

  it('puts whole items and deletes others in one call, answering no UnprocessedItems', async () => {
    // Prepare
    await env.client.send(new PutItemCommand({ TableName: TABLE, Item: { ...key('old'), v: { N: '1' } } }));
    await env.client.send(new PutItemCommand({ TableName: TABLE, Item: { ...key('gone'), v: { N: '1' } } }));

    // Act
    const output = await batch([
      put('new', { v: { S: 'n' } }),
      put('old', { w: { N: '2' } }),
      del('gone'),
      del('never'),
    ]);

    // Assess
    expect(output.UnprocessedItems).toEqual({});
    expect(await read('new')).toEqual({ ...key('new'), v: { S: 'n' } });
    expect(await read('old')).toEqual({ ...key('old'), w: { N: '2' } });
    expect(await read('gone')).toBeUndefined();
  });

  it('refuses the whole call, writing nothing, when a key appears twice', async () => {
    expect(await failure(batch([put('a'), put('b'), del('a')]))).toEqual({
      name: 'ValidationException',
      status: 400,
      message: 'Provided list of item keys contains duplicates',
    });
    expect(await read('b')).toBeUndefined();
  });

  it('refuses more than 25 requests and an empty list', async () => {
    const many = Array.from({ length: 26 }, (_, i) => put(`k${i}`));
    expect(await failure(batch(many))).toMatchObject({
      name: 'ValidationException',
      message: 'Too many items requested for the BatchWriteItem call',
    });
    expect(await read('k0')).toBeUndefined();
    expect((await failure(batch([]))).name).toBe('ValidationException');
  });

  it('refuses a request with both or neither of PutRequest and DeleteRequest, and a key off the schema', async () => {
    const both = { PutRequest: { Item: key('x') }, DeleteRequest: { Key: key('x') } };
    expect((await failure(batch([both]))).name).toBe('ValidationException');
    expect((await failure(batch([put('y'), {}]))).name).toBe('ValidationException');
    expect(await failure(batch([{ DeleteRequest: { Key: { id: { N: '1' } } } }]))).toMatchObject({
      name: 'ValidationException',
      message: 'The provided key element does not match the schema',
    });
    expect(await read('y')).toBeUndefined();
  });

  it('answers ResourceNotFoundException for a table that does not exist', async () => {
    const error = await batch([put('a')], 'nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
  });
});

import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { DYNAMODB_STORE_FILE, DynamoDBStoreError, startDynamoDBEmulator } from '../../../../local/dynamodb/index.ts';
import { clientFor, TABLE, TABLES, tempDataDir } from './support.ts';

describe('DynamoDB emulator durability', () => {
  const dirs: string[] = [];
  const newDir = () => {
    const dir = tempDataDir();
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps tables, items and TTL settings across a restart; provisioning again changes nothing', async () => {
    // Prepare
    const dataDir = newDir();
    const first = await startDynamoDBEmulator({ dataDir, tables: TABLES });
    const client = clientFor(first.endpoint);
    await client.send(new PutItemCommand({ TableName: TABLE, Item: { id: { S: 'kept' }, v: { N: '7' } } }));
    client.destroy();
    await first.stop();

    // Act
    const second = await startDynamoDBEmulator({ dataDir, tables: TABLES });
    const again = clientFor(second.endpoint);
    const { Item } = await again.send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: 'kept' } } }));

    // Assess
    expect(Item).toEqual({ id: { S: 'kept' }, v: { N: '7' } });
    expect(second.store.table(TABLE)?.ttlAttribute).toBe('expiration');
    again.destroy();
    await second.stop();
  });

  it('refuses to provision a table over one with another key schema', async () => {
    const dataDir = newDir();
    const first = await startDynamoDBEmulator({ dataDir, tables: TABLES });
    await first.stop();
    const changed = [{ name: TABLE, partitionKey: { name: 'other', type: 'S' as const } }];
    await expect(startDynamoDBEmulator({ dataDir, tables: changed })).rejects.toThrow(/exists with key schema/);
  });

  it('leaves a file that is not its store untouched', async () => {
    // Prepare
    const dataDir = newDir();
    const path = join(dataDir, DYNAMODB_STORE_FILE);
    const foreign = new DatabaseSync(path);
    foreign.exec('CREATE TABLE mine (x INTEGER)');
    foreign.close();
    const before = readFileSync(path);

    // Act
    const started = startDynamoDBEmulator({ dataDir });

    // Assess
    await expect(started).rejects.toBeInstanceOf(DynamoDBStoreError);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('refuses a file that is not SQLite', async () => {
    const dataDir = newDir();
    writeFileSync(join(dataDir, DYNAMODB_STORE_FILE), 'not a database, just text '.repeat(100));
    await expect(startDynamoDBEmulator({ dataDir })).rejects.toThrow(/not a readable SQLite database|left untouched/);
  });
});

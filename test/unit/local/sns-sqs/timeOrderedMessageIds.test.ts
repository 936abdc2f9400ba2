import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestCounter } from '../../../../local/cell/metering/index.ts';
import { type RunningSnsSqs, startSnsSqs } from '../../../../local/sns-sqs/index.ts';
import { uuidV7 } from '../../../../local/sns-sqs/timeOrderedMessageIds.ts';
import { FIFO_QUEUES, populate, queueUrl, STANDARD, snapshot, tempDataDir } from './support.ts';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const timeOf = (id: string) => Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);

describe('uuidV7', () => {
  it('is a version-7, RFC 4122-variant UUID carrying the millisecond it was made in', () => {
    const id = uuidV7(1_765_000_000_123);
    expect(id).toMatch(V7);
    expect(timeOf(id)).toBe(1_765_000_000_123);
  });

  it('sorts by time across milliseconds and stays unique within one', () => {
    const ids = Array.from({ length: 2_000 }, (_, i) => uuidV7(1_765_000_000_000 + Math.floor(i / 100)));
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 100; i < ids.length; i += 100) expect(ids[i - 1]! < ids[i]!).toBe(true);
  });
});

describe('SNS/SQS message IDs', () => {
  const data = tempDataDir();
  let snsSqs: RunningSnsSqs;
  let before: number;
  let after: number;

  beforeAll(async () => {
    snsSqs = await startSnsSqs({ dataDir: data.dir, region: 'eu-west-1', counter: new RequestCounter() });
    before = Date.now();
    await populate(snsSqs); // SendMessageBatch to a standard queue, PublishBatch fanned out to two FIFO queues
    after = Date.now();
  });

  afterAll(async () => {
    await snsSqs.stop();
    data.remove();
  });

  it('are what fauxqs persists, in the order the messages were written, and survive a restart', async () => {
    const db = new DatabaseSync(join(data.dir, 'fauxqs', 'fauxqs.db'), { readOnly: true });
    try {
      const stored = db.prepare('SELECT message_id FROM sqs_messages ORDER BY rowid').all();
      const ids = stored.map((row) => String(row.message_id));
      expect(ids).toHaveLength(30);
      for (let i = 1; i < ids.length; i++) expect(timeOf(ids[i]!)).toBeGreaterThanOrEqual(timeOf(ids[i - 1]!));
    } finally {
      db.close();
    }
    const held = snapshot(snsSqs.fauxqs);
    await snsSqs.restart();
    expect(snapshot(snsSqs.fauxqs)).toEqual(held);
  });
  it('are time-ordered UUIDs from SendMessageBatch and from SNS fan-out, unique across queues (what a consumer receives)', async () => {
    const ids: string[] = [];
    for (const name of [STANDARD, ...FIFO_QUEUES]) {
      const { Messages = [] } = await snsSqs.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl(snsSqs, name), MaxNumberOfMessages: 10 }),
      );
      // A FIFO queue hands out one message per group here (three groups); the standard queue all ten.
      expect(Messages.length).toBe(name === STANDARD ? 10 : 3);
      ids.push(...Messages.map((m) => m.MessageId!));
    }
    for (const id of ids) {
      expect(id).toMatch(V7);
      expect(timeOf(id)).toBeGreaterThanOrEqual(before);
      expect(timeOf(id)).toBeLessThanOrEqual(after);
    }
    expect(new Set(ids).size).toBe(16);
  });
});

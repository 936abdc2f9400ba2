import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { FileParkedStore, ParkedStoreError, S3ParkedStore } from '../../../../../handlers/shared/dlq/index.ts';
import { restoreDeduplicationId, restoreEntry } from '../../../../../handlers/shared/dlq/parkedActions.ts';
import type { ParkedMessage } from '../../../../../schemas/parkedMessage.ts';

function parked(overrides: Partial<ParkedMessage> = {}): ParkedMessage {
  return {
    version: 1,
    id: 'posting/recorder/5b1c2d3e-0000-4000-8000-000000000001',
    cellId: 'local',
    stage: 'posting',
    consumer: 'recorder',
    dlq: 'bems-local-posting-recorder-dlq.fifo',
    source: 'bems-local-posting-recorder.fifo',
    fifo: true,
    eventId: '7d1f0c1e-0000-4000-8000-000000000002',
    invoiceId: 'INV-1',
    message: {
      messageId: '5b1c2d3e-0000-4000-8000-000000000001',
      body: '{"eventId":"7d1f0c1e-0000-4000-8000-000000000002"}',
      groupId: 'INV-1',
      attributes: { stage: { DataType: 'String', StringValue: 'posting' } },
      receiveCount: 5,
      redriveCount: 1,
      firstFailedAt: '2026-12-07T09:00:00.000Z',
    },
    parkedBy: 'alice',
    parkedAt: '2026-12-07T10:00:00.000Z',
    reason: 'vendor unknown',
    ...overrides,
  };
}

describe('FileParkedStore', () => {
  const dirs: string[] = [];
  const store = () => {
    const dir = mkdtempSync(join(tmpdir(), 'bems-parked-'));
    dirs.push(dir);
    return { dir, store: new FileParkedStore(dir) };
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('writes a parked message once per id, lists it by route prefix and removes it', async () => {
    // Prepare
    const { dir, store: s } = store();
    const message = parked();

    // Act
    await s.put(message);
    await s.put({ ...message, reason: 'parked again' });
    const listed = await s.list('posting/recorder/');
    const other = await s.list('posting/inbox/');
    await s.remove(message.id);

    // Assess
    expect(listed).toEqual([{ ...message, reason: 'parked again' }]);
    expect(other).toEqual([]);
    expect(await s.get(message.id)).toBeUndefined();
    // No temporary file is left behind by the atomic write.
    expect(readdirSync(join(dir, 'parked', 'posting', 'recorder'))).toEqual([]);
  });

  it('refuses an id that would leave the store', async () => {
    const { store: s } = store();
    await expect(s.get('../../etc/passwd')).rejects.toBeInstanceOf(ParkedStoreError);
  });
});

describe('S3ParkedStore', () => {
  const s3 = mockClient(S3Client);
  afterEach(() => s3.reset());

  it('puts parked messages under parked/<id>.json with SSE-KMS under the cell key, and reads them back', async () => {
    // Prepare
    const message = parked();
    s3.on(PutObjectCommand).resolves({});
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: `dlq/parked/${message.id}.json` }], IsTruncated: false });
    // The SDK's stream body, reduced to the one method the store reads it with.
    s3.on(GetObjectCommand).resolves({ Body: { transformToString: async () => JSON.stringify(message) } } as never);
    const store = new S3ParkedStore({
      client: new S3Client({ region: 'eu-west-1' }),
      bucket: 'b',
      prefix: 'dlq/',
      kmsKeyId: 'key-1',
    });

    // Act
    await store.put(message);
    const listed = await store.list('posting/');

    // Assess
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input).toMatchObject({
      Bucket: 'b',
      Key: `dlq/parked/${message.id}.json`,
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: 'key-1',
    });
    expect(s3.commandCalls(ListObjectsV2Command)[0]!.args[0].input).toMatchObject({ Prefix: 'dlq/parked/posting/' });
    expect(listed).toEqual([message]);
  });
});

describe('restoring a parked message', () => {
  const route = {
    stage: 'posting' as const,
    consumer: 'recorder',
    role: 'consumer' as const,
    slaSeconds: 900,
    source: { name: 's.fifo', url: 'http://q/s.fifo', fifo: true, maxReceiveCount: 5 },
    dlq: { name: 'bems-local-posting-recorder-dlq.fifo', url: 'http://q/d.fifo' },
  };

  it('goes back to its DLQ in its FIFO group, keeps its first failure, and dedups a repeated restore', () => {
    // Act
    const entry = restoreEntry(route, parked());

    // Assess
    expect(entry).toMatchObject({
      QueueUrl: 'http://q/d.fifo',
      MessageGroupId: 'INV-1',
      MessageDeduplicationId: restoreDeduplicationId(parked()),
      MessageAttributes: {
        stage: { DataType: 'String', StringValue: 'posting' },
        'bems-first-failed-at': { DataType: 'Number', StringValue: String(Date.parse('2026-12-07T09:00:00.000Z')) },
      },
    });
    expect(restoreDeduplicationId(parked())).toBe(restoreDeduplicationId(parked()));
    expect(restoreDeduplicationId(parked({ parkedAt: '2026-12-08T10:00:00.000Z' }))).not.toBe(
      restoreDeduplicationId(parked()),
    );
    expect(restoreDeduplicationId(parked()).length).toBeLessThanOrEqual(128);
  });
});

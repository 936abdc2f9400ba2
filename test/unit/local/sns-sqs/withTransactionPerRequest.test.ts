import { spawn } from 'node:child_process';
import { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { RequestCounter } from '../../../../local/cell/metering/index.ts';
import { type RunningSnsSqs, startSnsSqs } from '../../../../local/sns-sqs/index.ts';
import { populate, queueUrl, REGION, STANDARD, snapshot, tempDataDir } from './support.ts';

const CHILD = fileURLToPath(new URL('./fixtures/killAfterAnswer.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../../../', import.meta.url));

/** JSON drops properties whose value is undefined: fauxqs sets some explicitly after a load, not before. */
const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

describe('fauxqs persistence: one transaction per request, committed before the answer', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const dataDir = () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    return data.dir;
  };
  const start = async (dir: string): Promise<RunningSnsSqs> => {
    const snsSqs = await startSnsSqs({ dataDir: dir, region: REGION, counter: new RequestCounter() });
    cleanups.push(() => snsSqs.stop());
    return snsSqs;
  };

  it('has every write of a request committed when the first byte of its answer is written', async () => {
    // Prepare: a second connection sees only committed rows; it is read whenever a response ends.
    const dir = dataDir();
    const counts: number[] = [];
    let reader: DatabaseSync | undefined;
    const end = ServerResponse.prototype.end;
    ServerResponse.prototype.end = function recordCommitted(this: ServerResponse, ...args: unknown[]) {
      if (reader) counts.push(Number(reader.prepare('SELECT count(*) AS n FROM sqs_messages').get()?.n));
      return (end as (...a: unknown[]) => ServerResponse).apply(this, args);
    } as typeof end;
    let snsSqs: RunningSnsSqs;
    try {
      snsSqs = await start(dir);
    } finally {
      ServerResponse.prototype.end = end;
    }
    await populate(snsSqs);
    reader = new DatabaseSync(join(dir, 'fauxqs', 'fauxqs.db'), { readOnly: true });
    cleanups.push(() => reader?.close());
    const url = queueUrl(snsSqs, STANDARD);

    // Act: a batch of 10, a receive of 10 (in flight), a delete of 10.
    await snsSqs.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: Array.from({ length: 10 }, (_, i) => ({ Id: String(i), MessageBody: `m${i}` })),
      }),
    );
    const atSendAnswer = counts.at(-1);
    const { Messages = [] } = await snsSqs.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }),
    );
    const inFlightOnDisk = Number(
      reader.prepare('SELECT count(*) AS n FROM sqs_messages WHERE receipt_handle IS NOT NULL').get()?.n,
    );
    await snsSqs.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
    const atDeleteAnswer = counts.at(-1);

    // Assert: populate left 10 standard + 2 × 10 FIFO messages.
    expect(atSendAnswer).toBe(40);
    expect(Messages).toHaveLength(10);
    expect(inFlightOnDisk).toBe(10);
    expect(atDeleteAnswer).toBe(30);
  });

  it('restores queues and messages exactly after a stop and start on the same data directory', async () => {
    // Prepare
    const dir = dataDir();
    const first = await startSnsSqs({ dataDir: dir, region: REGION, counter: new RequestCounter() });
    await populate(first);
    await first.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl(first, STANDARD),
        MaxNumberOfMessages: 4,
        VisibilityTimeout: 600,
      }),
    );
    const before = plain(snapshot(first.fauxqs));

    // Act
    await first.stop();
    const second = await start(dir);

    // Assert
    expect(plain(snapshot(second.fauxqs))).toEqual(before);
  });

  it('loses nothing acknowledged when the process is killed with SIGKILL right after an answer', async () => {
    // Prepare + Act: the child populates, receives, deletes, sends, and kills itself after the last answer.
    const dir = dataDir();
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, s) => resolve(s)));
    expect(signal, output).toBe('SIGKILL');
    const acknowledged = JSON.parse(output.split('\n').find((line) => line.startsWith('{')) ?? 'null');
    const restarted = await start(dir);

    // Assert
    expect(acknowledged?.lastMessageId).toBeTruthy();
    expect(plain(snapshot(restarted.fauxqs))).toEqual(acknowledged.state);
    expect(acknowledged.state[STANDARD].ready.map((m: { messageId: string }) => m.messageId)).toContain(
      acknowledged.lastMessageId,
    );
  });
});

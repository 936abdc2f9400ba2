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

  /**
   * A populated fauxqs whose answers record, at `method` (writeHead or end), the messages a second,
   * read-only connection sees committed; the class is patched before start, as fauxqs captures it.
   */
  const startRecordingAnswers = async (method: 'writeHead' | 'end') => {
    const dir = dataDir();
    let reader: DatabaseSync | undefined;
    const committed = () => Number(reader?.prepare('SELECT count(*) AS n FROM sqs_messages').get()?.n);
    const seenAtAnswer: number[] = [];
    const original = ServerResponse.prototype[method] as (...a: unknown[]) => ServerResponse;
    Object.assign(ServerResponse.prototype, {
      [method](this: ServerResponse, ...args: unknown[]) {
        if (reader) seenAtAnswer.push(committed());
        return original.apply(this, args);
      },
    });
    let snsSqs: RunningSnsSqs;
    try {
      snsSqs = await start(dir);
    } finally {
      Object.assign(ServerResponse.prototype, { [method]: original });
    }
    await populate(snsSqs);
    reader = new DatabaseSync(join(dir, 'fauxqs', 'fauxqs.db'), { readOnly: true });
    cleanups.push(() => reader?.close());
    return { snsSqs, committed, seenAtAnswer, reader };
  };

  it('has every write of a request committed when the first byte of its answer is written', async () => {
    // Prepare: a second connection sees only committed rows; it is read whenever a response ends.
    const { snsSqs, seenAtAnswer: counts, reader } = await startRecordingAnswers('end');
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

  it('commits the requests the event loop serves in one turn together, and answers each only after that commit', async () => {
    // Prepare: count fauxqs' COMMITs and, at each answer's first byte, the rows another connection sees.
    const { snsSqs, committed, seenAtAnswer } = await startRecordingAnswers('writeHead');
    const requests = 8;
    const send = (r: number) =>
      snsSqs.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl(snsSqs, STANDARD),
          Entries: Array.from({ length: 10 }, (_, i) => ({ Id: String(i), MessageBody: `r${r} m${i}` })),
        }),
      );
    // Eight open connections first, so the eight requests below reach the server in one turn.
    await Promise.all(Array.from({ length: requests }, (_, r) => send(-r)));
    const before = committed();
    seenAtAnswer.length = 0;
    let commits = 0;
    const exec = DatabaseSync.prototype.exec;
    DatabaseSync.prototype.exec = function countCommits(this: DatabaseSync, sql: string) {
      if (sql === 'COMMIT') commits += 1;
      return exec.call(this, sql);
    };
    try {
      // Act: eight batches of 10 sent at once, each on a connection of its own.
      await Promise.all(Array.from({ length: requests }, (_, r) => send(r)));
    } finally {
      DatabaseSync.prototype.exec = exec;
    }

    // Assert: every answer saw its own 10 rows committed; fewer commits than requests.
    expect(committed()).toBe(before + requests * 10);
    expect(seenAtAnswer).toHaveLength(requests);
    for (const [i, seen] of [...seenAtAnswer].sort((a, b) => a - b).entries())
      expect(seen).toBeGreaterThanOrEqual(before + (i + 1) * 10);
    expect(commits).toBeGreaterThan(0);
    expect(commits).toBeLessThan(requests);
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

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StartupError } from '../../../../local/cell/errors.ts';
import { SqsJsonClient } from '../../../../local/cell/wire/SqsJsonClient.ts';
import { type RunningEmulators, startEmulatorWorker } from '../../../../local/worker/index.ts';

/**
 * The emulator thread of the local cell: it starts fauxqs and the Timestream emulator, starts the
 * EventBridge emulator on request, and answers the cell's calls; a failed start is one
 * StartupError, and calls after stop() are refused instead of hanging.
 */
const REGION = 'eu-west-1';
const ACCOUNT = '000000000000';

describe('startEmulatorWorker', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'bems-emulators-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  };
  const start = async (dataDir: string, onFailure?: (reason: string) => void): Promise<RunningEmulators> => {
    const emulators = await startEmulatorWorker(
      {
        dataDir,
        region: REGION,
        accountId: ACCOUNT,
        databases: [
          {
            name: 'bems_test',
            tables: [
              { name: 'invoice_events', memoryRetentionHours: 24, magneticRetentionDays: 30, magneticWrites: true },
            ],
          },
        ],
        quiet: true,
      },
      onFailure,
    );
    cleanups.push(() => emulators.stop());
    return emulators;
  };

  it('runs SNS/SQS, Timestream and EventBridge on the worker and answers the cell over messages', async () => {
    // Prepare
    const emulators = await start(tempDir());
    const sqs = new SqsJsonClient({ endpoint: emulators.snsSqsEndpoint, region: REGION });
    cleanups.push(() => sqs.destroy());
    const queueUrl = `${emulators.snsSqsEndpoint}/${ACCOUNT}/inbox`;
    const created = await fetch(emulators.snsSqsEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.CreateQueue' },
      body: JSON.stringify({ QueueName: 'inbox' }),
    });
    expect(created.status).toBe(200);

    // Act
    const eventBridgeEndpoint = await emulators.startEventBridge(ACCOUNT, [
      {
        name: 'bus',
        archiveName: 'archive',
        archiveRetentionDays: 0,
        rules: [{ name: 'all', eventPattern: { source: ['bems.invoices'] }, targets: [{ id: 'inbox', queueUrl }] }],
      },
    ]);
    await sqs.sendMessageBatch({ QueueUrl: queueUrl, Entries: [{ Id: '1', MessageBody: 'hello' }] });
    await sqs.receiveMessage({ QueueUrl: queueUrl, MaxNumberOfMessages: 1 });

    // Assess
    expect(eventBridgeEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(emulators.startEventBridge(ACCOUNT, [])).rejects.toThrow(/already running/);
    const snapshot = await emulators.queueInspector.inspect('inbox');
    expect(snapshot?.inflightReceiptHandles).toHaveLength(1);
    expect(snapshot?.oldestSentTimestamp).toBeGreaterThan(Date.now() - 60_000);
    expect(await emulators.queueInspector.inspect('no-such-queue')).toBeUndefined();
    expect(await emulators.archive.count()).toBe(0);
    expect(await emulators.eventBridgeStatus()).toMatchObject({ outboxDepth: 0 });
    const counts = await emulators.requestCounts();
    expect(counts.snsSqs).toMatchObject({ 'sqs:SendMessageBatch': 1, 'sqs:ReceiveMessage': 1 });
    expect(counts.eventBridge).toEqual({});
    expect(emulators.eventLoopUtilization().utilization).toBeGreaterThanOrEqual(0);
    expect(emulators.failure()).toBeUndefined();
  });

  it('reports a start-up failure on the worker as one StartupError', async () => {
    const dir = tempDir();
    const notADirectory = join(dir, 'file');
    writeFileSync(notADirectory, 'x');

    const attempt = start(notADirectory);

    await expect(attempt).rejects.toBeInstanceOf(StartupError);
    await expect(attempt).rejects.toThrow(notADirectory);
  });

  it('refuses calls after stop() instead of leaving them pending, and stop() is not a failure', async () => {
    const failures: string[] = [];
    const emulators = await start(tempDir(), (reason) => failures.push(reason));

    await emulators.stop();

    await expect(emulators.requestCounts()).rejects.toThrow(/stopped/);
    await expect(emulators.queueInspector.inspect('inbox')).rejects.toThrow(/stopped/);
    expect(emulators.failure()).toBeUndefined();
    expect(failures).toEqual([]);
  });
});

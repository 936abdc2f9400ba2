import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EventBridgeConfigError,
  EventBridgeDataDirError,
  EventBridgeEmulatorError,
  startEventBridgeEmulator,
} from '../../../../local/eventbridge/index.ts';
import { firstJsonLine } from '../../../helpers/childProcessOutput.ts';
import {
  ACCOUNT,
  BUS,
  cellBuses,
  eventBridgeClient,
  eventually,
  FakeQueues,
  invoiceEntry,
  queueUrlOf,
  REGION,
  startTestEmulator,
  tempDataDir,
} from './support.ts';

const CHILD = fileURLToPath(new URL('./fixtures/emulatorProcess.ts', import.meta.url));

describe('EventBridge emulator: durability and the data directory', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const dataDir = () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    return data.dir;
  };

  it('keeps undelivered events in the outbox across a stop and delivers them after the restart', async () => {
    // Prepare: targets are down for the whole first run.
    const dir = dataDir();
    const down = new FakeQueues();
    down.failures = () => 'throw';
    const first = await startTestEmulator(dir, down, { delivery: { drainTimeoutMs: 100 } });
    const client = eventBridgeClient(first.endpoint);
    const result = await client.send(
      new PutEventsCommand({ Entries: [invoiceEntry('posting'), invoiceEntry('posting'), invoiceEntry('ingestion')] }),
    );
    client.destroy();
    expect(first.outboxDepth()).toBe(3);

    // Act
    await first.stop();
    const up = new FakeQueues();
    const second = await startTestEmulator(dir, up);
    cleanups.push(() => second.stop());

    // Assess
    expect(await eventually(() => second.outboxDepth() === 0)).toBe(true);
    const delivered = [...up.bodies(queueUrlOf('posting')), ...up.bodies(queueUrlOf('ingestion'))].map((b) => b.id);
    expect(delivered.sort()).toEqual(result.Entries!.map((e) => e.EventId).sort());
    expect(down.total()).toBe(0);
    expect(second.archive.count()).toBe(3);
  });

  it('loses no accepted event when the emulator process is killed with SIGKILL', async () => {
    // Prepare: the emulator runs in a child process whose targets always fail.
    const dir = dataDir();
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const { endpoint } = await firstJsonLine(child);
    const client = eventBridgeClient(endpoint);
    const accepted: string[] = [];
    for (let i = 0; i < 5; i++) {
      const result = await client.send(
        new PutEventsCommand({ Entries: Array.from({ length: 10 }, () => invoiceEntry('reconciliation')) }),
      );
      accepted.push(...result.Entries!.map((e) => e.EventId!));
    }
    client.destroy();

    // Act: kill -9 right after the last answer, then restart on the same data directory.
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const queues = new FakeQueues();
    const restarted = await startTestEmulator(dir, queues);
    cleanups.push(() => restarted.stop());

    // Assess: every event that got an EventId is archived and delivered exactly once.
    expect(restarted.archive.count()).toBe(50);
    expect(await eventually(() => restarted.outboxDepth() === 0)).toBe(true);
    const delivered = queues.bodies(queueUrlOf('reconciliation')).map((b) => b.id);
    expect(delivered.sort()).toEqual(accepted.sort());
  });

  it('refuses a corrupt database file with one clear error and leaves it untouched', async () => {
    const dir = dataDir();
    const file = join(dir, 'eventbridge.sqlite');
    const garbage = Buffer.from('this is not an SQLite database, but somebody may still need it\n'.repeat(100));
    writeFileSync(file, garbage);

    const error = await startTestEmulator(dir, new FakeQueues()).catch((e: Error) => e);

    expect(error).toBeInstanceOf(EventBridgeDataDirError);
    expect((error as Error).message).toMatch(/eventbridge\.sqlite is unreadable or corrupt/);
    expect(readFileSync(file).equals(garbage)).toBe(true);
  });

  it('refuses an SQLite database that belongs to something else', async () => {
    const dir = dataDir();
    const file = join(dir, 'eventbridge.sqlite');
    const foreign = new DatabaseSync(file);
    foreign.exec('CREATE TABLE ledger (id INTEGER); INSERT INTO ledger VALUES (42);');
    foreign.close();

    await expect(startTestEmulator(dir, new FakeQueues())).rejects.toThrow(/database of something else/);

    const check = new DatabaseSync(file);
    expect(check.prepare('SELECT id FROM ledger').all()).toEqual([{ id: 42 }]);
    check.close();
  });

  it('refuses a data directory that is a file', async () => {
    const file = join(dataDir(), 'not-a-dir');
    writeFileSync(file, 'keep me');

    await expect(startTestEmulator(file, new FakeQueues())).rejects.toThrow(EventBridgeDataDirError);
    await expect(startTestEmulator(file, new FakeQueues())).rejects.toThrow(/is not a directory/);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });

  it('refuses a data directory another running emulator holds', async () => {
    const dir = dataDir();
    const first = await startTestEmulator(dir, new FakeQueues());
    cleanups.push(() => first.stop());

    await expect(startTestEmulator(dir, new FakeQueues())).rejects.toThrow(/in use by another process/);
  });

  it('reports every configuration problem in one error', async () => {
    const dir = dataDir();
    const error = await startEventBridgeEmulator({
      dataDir: dir,
      region: 'nowhere',
      account: ACCOUNT,
      buses: [
        {
          name: BUS,
          rules: [
            { name: 'r', eventPattern: { source: 'bems.invoices' }, targets: [] },
            { name: 'r', eventPattern: { source: ['x'] }, targets: [{ id: 't', queueUrl: 'not a url' }] },
          ],
        },
      ],
      sendMessageBatch: async () => ({ failedIds: [] }),
    }).catch((e: Error) => e);

    expect(error).toBeInstanceOf(EventBridgeConfigError);
    const { problems } = error as EventBridgeConfigError;
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/region/);
    expect(problems.join('\n')).toMatch(/eventPattern source: "source" must be an object or an array/);
    expect(problems.join('\n')).toMatch(/duplicate rule name/);
    expect(problems.join('\n')).toMatch(/queueUrl is not a URL/);
  });

  it('fails clearly on a taken port and releases the data directory', async () => {
    const dir = dataDir();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const port = (blocker.address() as { port: number }).port;

    const error = await startEventBridgeEmulator({
      dataDir: dir,
      port,
      region: REGION,
      account: ACCOUNT,
      buses: cellBuses(),
      sendMessageBatch: async () => ({ failedIds: [] }),
    }).catch((e: Error) => e);

    expect(error).toBeInstanceOf(EventBridgeEmulatorError);
    expect((error as Error).message).toMatch(new RegExp(`port ${port} on 127.0.0.1 is already in use`));
    const retry = await startTestEmulator(dir, new FakeQueues());
    await retry.stop();
  });

  it('stops answering after stop()', async () => {
    const emulator = await startTestEmulator(dataDir(), new FakeQueues());
    await emulator.stop();

    await expect(fetch(emulator.endpoint, { method: 'POST' })).rejects.toThrow();
    await emulator.stop();
  });
});

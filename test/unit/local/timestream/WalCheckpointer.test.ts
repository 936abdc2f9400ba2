import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TimestreamWriteClient, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalReadModel, READ_MODEL_SCHEMA } from '../../../../dashboards/readModel/index.ts';
import { normalizeRecord } from '../../../../local/timestream/normalizeRecord.ts';
import { TIMESTREAM_STORE_FILE, TimestreamStore } from '../../../../local/timestream/TimestreamStore.ts';
import { firstJsonLine } from '../../../helpers/childProcessOutput.ts';
import { bemsRecord } from './bemsRecords.ts';

const CHILD = fileURLToPath(new URL('./fixtures/emulatorProcess.ts', import.meta.url));
const DB = 'bems-local';
const TABLE = 'invoice_events';
const SETTINGS = { memoryRetentionHours: 24, magneticRetentionDays: 30, magneticWrites: false };

function openStore(dataDir: string, checkpointIntervalMs?: number): TimestreamStore {
  const store = new TimestreamStore({ dataDir, ...(checkpointIntervalMs ? { checkpointIntervalMs } : {}) });
  store.insertDatabase(DB, 'arn:db', Date.now());
  store.insertTable(DB, TABLE, 'arn:table', SETTINGS, Date.now());
  return store;
}

function writeSome(store: TimestreamStore, records: number): void {
  const normalized = Array.from({ length: records }, () => {
    const result = normalizeRecord(bemsRecord(), undefined);
    if (!result.ok) throw new Error(result.reason);
    return result.record;
  });
  store.writeRecords(DB, TABLE, normalized, Date.now());
}

/** Bytes of the database file itself: pages reach it only through a checkpoint. */
const fileBytes = (dataDir: string): number => statSync(join(dataDir, TIMESTREAM_STORE_FILE)).size;

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}

describe('TimestreamStore with background WAL checkpoints', () => {
  let dataDir: string;
  const cleanups: Array<() => void> = [];

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'bems-ts-checkpoint-'));
  });

  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('copies committed pages into the database file while the writer keeps writing', async () => {
    const store = openStore(dataDir, 20);
    cleanups.push(() => store.close());
    const before = fileBytes(dataDir);
    for (let i = 0; i < 20; i++) writeSome(store, 50);

    const [size] = store.query<{ bytes: number }>(
      'SELECT page_count * page_size AS bytes FROM pragma_page_count, pragma_page_size',
    );
    expect(await waitFor(() => fileBytes(dataDir) >= size!.bytes, 5_000)).toBe(true);
    expect(fileBytes(dataDir)).toBeGreaterThan(before);
    expect(store.countRecords()).toBe(1_000);
  });

  it('leaves the pages in the WAL without the thread (the writer checkpoints only past 1,000 pages)', async () => {
    const store = openStore(dataDir);
    cleanups.push(() => store.close());
    const before = fileBytes(dataDir);
    for (let i = 0; i < 20; i++) writeSome(store, 50);

    expect(await waitFor(() => fileBytes(dataDir) > before, 300)).toBe(false);
  });

  it('stops the thread on close, so the last connection removes the WAL, even right after opening', () => {
    const busy = openStore(dataDir, 5);
    writeSome(busy, 10);
    busy.close();
    busy.close();
    expect(existsSync(join(dataDir, `${TIMESTREAM_STORE_FILE}-wal`))).toBe(false);

    const reopened = openStore(dataDir, 5);
    reopened.close();
    expect(existsSync(join(dataDir, `${TIMESTREAM_STORE_FILE}-wal`))).toBe(false);
    const check = new TimestreamStore({ dataDir });
    expect(check.countRecords()).toBe(10);
    check.close();
  });

  it('rejects an interval that is not a positive integer', () => {
    expect(() => new TimestreamStore({ dataDir, checkpointIntervalMs: 0 })).toThrow(/positive integer/);
    // The refused store left nothing open: a normal store opens and closes on the same file.
    new TimestreamStore({ dataDir }).close();
  });

  it('keeps every answered WriteRecords after a kill -9 of the emulator process', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, '10'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const { endpoint } = await firstJsonLine(child);
    const client = new TimestreamWriteClient({
      endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    cleanups.push(() => client.destroy());
    const answered: string[] = [];
    for (let call = 0; call < 30; call++) {
      const records = Array.from({ length: 10 }, () => bemsRecord());
      await client.send(new WriteRecordsCommand({ DatabaseName: DB, TableName: TABLE, Records: records }));
      answered.push(...records.map((r) => r.Dimensions!.find((d) => d.Name === 'event_id')!.Value!));
    }

    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    // The crashed emulator had no read model; installing it on the recovered file reads every record.
    const store = new TimestreamStore({ dataDir, readSchema: READ_MODEL_SCHEMA });
    cleanups.push(() => store.close());
    expect(new LocalReadModel(store).eventIds()).toEqual([...answered].sort());
  }, 30_000);
});

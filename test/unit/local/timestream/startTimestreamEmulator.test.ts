import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, TimestreamWriteClient, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalReadModel, READ_MODEL_SCHEMA } from '../../../../dashboards/readModel/index.ts';
import {
  startTimestreamEmulator,
  type TimestreamDatabaseConfig,
  TimestreamListenError,
  TimestreamStoreError,
} from '../../../../local/timestream/index.ts';
import { bemsRecord } from './bemsRecords.ts';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const databases = (magneticWrites: boolean, memoryRetentionHours = 24): TimestreamDatabaseConfig[] => [
  {
    name: 'bems-local',
    tables: [{ name: 'invoice_events', memoryRetentionHours, magneticRetentionDays: 30, magneticWrites }],
  },
];

describe('startTimestreamEmulator', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'bems-ts-start-'));
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps records and tables across a restart on the same data directory', async () => {
    // Prepare
    const first = await startTimestreamEmulator({
      dataDir,
      databases: databases(false),
      readSchema: READ_MODEL_SCHEMA,
    });
    const client = new TimestreamWriteClient({ endpoint: first.endpoint, region: 'eu-west-1', credentials });
    const records = Array.from({ length: 20 }, (_, i) => bemsRecord({ invoiceId: `INV-R${i % 4}` }));
    await client.send(
      new WriteRecordsCommand({ DatabaseName: 'bems-local', TableName: 'invoice_events', Records: records }),
    );
    const timelineBefore = new LocalReadModel(first.store).timeline('INV-R1');
    client.destroy();
    await first.stop();

    // Act: restart with a changed table config (the config is the source of truth).
    const second = await startTimestreamEmulator({ dataDir, databases: databases(true, 48) });
    const again = new TimestreamWriteClient({ endpoint: second.endpoint, region: 'eu-west-1', credentials });
    try {
      const table = await again.send(
        new DescribeTableCommand({ DatabaseName: 'bems-local', TableName: 'invoice_events' }),
      );

      // Assess
      expect(second.store.countRecords()).toBe(20);
      expect(new LocalReadModel(second.store).timeline('INV-R1')).toEqual(timelineBefore);
      expect(table.Table?.RetentionProperties?.MemoryStoreRetentionPeriodInHours).toBe(48);
      expect(table.Table?.MagneticStoreWriteProperties?.EnableMagneticStoreWrites).toBe(true);
      // The identical records are still recognised after the restart.
      await again.send(
        new WriteRecordsCommand({ DatabaseName: 'bems-local', TableName: 'invoice_events', Records: records }),
      );
      expect(second.store.countRecords()).toBe(20);
    } finally {
      again.destroy();
      await second.stop();
    }
  });

  it('uses the injected clock for retention windows', async () => {
    // Prepare: the emulator believes it is two days later, so a record from "now" is too old.
    const running = await startTimestreamEmulator({
      dataDir,
      databases: databases(false),
      now: () => Date.now() + 48 * 3_600_000,
    });
    const client = new TimestreamWriteClient({
      endpoint: running.endpoint,
      region: 'eu-west-1',
      credentials,
      maxAttempts: 1,
    });
    try {
      await expect(
        client.send(
          new WriteRecordsCommand({ DatabaseName: 'bems-local', TableName: 'invoice_events', Records: [bemsRecord()] }),
        ),
      ).rejects.toMatchObject({ name: 'RejectedRecordsException' });
    } finally {
      client.destroy();
      await running.stop();
    }
  });

  it('fails with one clear error on a corrupt store and leaves the file as it was', async () => {
    const garbage = Buffer.from('definitely not sqlite '.repeat(500));
    const path = join(dataDir, 'timestream.sqlite');
    writeFileSync(path, garbage);

    const error = await startTimestreamEmulator({ dataDir }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TimestreamStoreError);
    expect((error as Error).message).toContain(path);
    expect(readFileSync(path).equals(garbage)).toBe(true);
  });

  it('fails with one clear error when the data directory is a file', async () => {
    const file = join(dataDir, 'file');
    writeFileSync(file, 'x');
    await expect(startTimestreamEmulator({ dataDir: file })).rejects.toThrow(/is not a directory/);
  });

  it('reports every problem of the databases config in one error', async () => {
    const bad: TimestreamDatabaseConfig[] = [
      {
        name: 'x',
        tables: [{ name: 'ok_table', memoryRetentionHours: 0, magneticRetentionDays: 80_000, magneticWrites: false }],
      },
    ];
    const error = (await startTimestreamEmulator({ dataDir, databases: bad }).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain("database name 'x'");
    expect(error.message).toContain('memoryRetentionHours');
    expect(error.message).toContain('magneticRetentionDays');
  });

  it('fails with a clear error when the port is taken, and releases the store', async () => {
    const first = await startTimestreamEmulator({ dataDir: join(dataDir, 'a') });
    const port = Number(new URL(first.endpoint).port);
    try {
      const error = await startTimestreamEmulator({ dataDir: join(dataDir, 'b'), port }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimestreamListenError);
      expect((error as Error).message).toContain('already in use');
    } finally {
      await first.stop();
    }
  });

  it('stops idempotently, closing kept-alive SDK connections', async () => {
    const running = await startTimestreamEmulator({ dataDir, databases: databases(false) });
    const client = new TimestreamWriteClient({ endpoint: running.endpoint, region: 'eu-west-1', credentials });
    await client.send(new DescribeTableCommand({ DatabaseName: 'bems-local', TableName: 'invoice_events' }));
    const started = Date.now();
    await Promise.all([running.stop(), running.stop()]);
    expect(Date.now() - started).toBeLessThan(1_500);
    client.destroy();
  });
});

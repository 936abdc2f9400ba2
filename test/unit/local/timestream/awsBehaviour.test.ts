import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import {
  DescribeEndpointsCommand as DescribeQueryEndpointsCommand,
  TimestreamQueryClient,
} from '@aws-sdk/client-timestream-query';
import {
  type _Record,
  CreateDatabaseCommand,
  DescribeEndpointsCommand,
  ListDatabasesCommand,
  RejectedRecordsException,
  TimestreamWriteClient,
  ValidationException,
  WriteRecordsCommand,
} from '@aws-sdk/client-timestream-write';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunningTimestreamEmulator,
  startTimestreamEmulator,
  TIMESTREAM_STORE_FILE,
  TimestreamStore,
} from '../../../../local/timestream/index.ts';
import { caught } from '../../../helpers/caught.ts';

const DB = 'metrics-db';
const TABLE = 'readings';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const databases = [
  { name: DB, tables: [{ name: TABLE, memoryRetentionHours: 24, magneticRetentionDays: 30, magneticWrites: false }] },
];

/** A single-measure reading of `sensor` a minute ago. */
function reading(sensor: string, value: string, type: _Record['MeasureValueType'] = 'DOUBLE'): _Record {
  return {
    Dimensions: [{ Name: 'sensor', Value: sensor }],
    MeasureName: 'temperature',
    MeasureValue: value,
    MeasureValueType: type,
    Time: String(Date.now() - 60_000),
  };
}

const write = (Records: _Record[], extra: object = {}) =>
  new WriteRecordsCommand({ DatabaseName: DB, TableName: TABLE, Records, ...extra });

describe('Timestream emulator: AWS behaviour over the real SDK', () => {
  let dataDir: string;
  let emulator: RunningTimestreamEmulator;
  let client: TimestreamWriteClient;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bems-ts-aws-'));
    emulator = await startTimestreamEmulator({ dataDir, databases });
    client = new TimestreamWriteClient({
      endpoint: emulator.endpoint,
      region: 'eu-west-1',
      credentials,
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client.destroy();
    await emulator.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  afterEach(() => {
    emulator.store.wipe();
  });

  describe('WriteRecords Version', () => {
    it('refuses a Version below 1 for the whole call (ValidationException naming the member), writing nothing', async () => {
      const error = await caught(client.send(write([reading('a', '1'), { ...reading('b', '2'), Version: 0 }])));
      expect(error).toBeInstanceOf(ValidationException);
      expect(error.message).toBe(
        "1 validation error detected: Value '0' at 'records.2.member.version' failed to satisfy constraint: Member must have value greater than or equal to 1",
      );
      expect(emulator.store.countRecords()).toBe(0);
    });

    it('refuses it in CommonAttributes too', async () => {
      const error = await caught(client.send(write([reading('a', '1')], { CommonAttributes: { Version: -3 } })));
      expect(error).toBeInstanceOf(ValidationException);
      expect(error.message).toContain("at 'commonAttributes.version'");
    });
  });

  describe('measure types', () => {
    it('fixes a measure type at its first write: a record writing another type is rejected, the rest written', async () => {
      await client.send(write([reading('a', '21.5', 'DOUBLE')]));

      const error = await caught(client.send(write([reading('b', '22', 'BIGINT'), reading('c', '23.5', 'DOUBLE')])));

      expect(error).toBeInstanceOf(RejectedRecordsException);
      const rejected = (error as unknown as RejectedRecordsException).RejectedRecords;
      expect(rejected).toEqual([
        {
          RecordIndex: 0,
          Reason: 'Measure temperature has data type DOUBLE in this table and cannot be written as BIGINT.',
        },
      ]);
      expect(emulator.store.countRecords()).toBe(2);
    });

    it('fixes the type of a multi-measure attribute for every measure name of the table', async () => {
      const multi = (measureName: string, type: 'BIGINT' | 'VARCHAR'): _Record => ({
        Dimensions: [{ Name: 'sensor', Value: measureName }],
        MeasureName: measureName,
        MeasureValueType: 'MULTI',
        MeasureValues: [{ Name: 'level', Value: type === 'BIGINT' ? '3' : 'high', Type: type }],
        Time: String(Date.now() - 60_000),
      });
      await client.send(write([multi('tank_a', 'BIGINT')]));
      const error = await caught(client.send(write([multi('tank_b', 'VARCHAR')])));
      expect((error as unknown as RejectedRecordsException).RejectedRecords?.[0]?.Reason).toBe(
        'Measure level has data type BIGINT in this table and cannot be written as VARCHAR.',
      );
    });

    it('keeps the types of a store written before they were recorded (schema version 1 migrated)', async () => {
      // Prepare: a table with a DOUBLE measure, turned back into a version-1 store.
      const dir = mkdtempSync(join(tmpdir(), 'bems-ts-v1-'));
      try {
        const first = await startTimestreamEmulator({ dataDir: dir, databases });
        const writer = new TimestreamWriteClient({ endpoint: first.endpoint, region: 'eu-west-1', credentials });
        await writer.send(write([reading('a', '21.5', 'DOUBLE')]));
        writer.destroy();
        await first.stop();
        const db = new DatabaseSync(join(dir, TIMESTREAM_STORE_FILE));
        db.exec('DROP TABLE measure_types; PRAGMA user_version = 1;');
        db.close();

        // Act: open it again (migration), then write the measure as BIGINT.
        const second = await startTimestreamEmulator({ dataDir: dir, databases });
        const again = new TimestreamWriteClient({
          endpoint: second.endpoint,
          region: 'eu-west-1',
          credentials,
          maxAttempts: 1,
        });
        const error = await caught(again.send(write([reading('b', '1', 'BIGINT')])));
        again.destroy();
        await second.stop();

        // Assess
        expect(error).toBeInstanceOf(RejectedRecordsException);
        const store = new TimestreamStore({ dataDir: dir });
        expect(store.query('SELECT measure_column, type FROM measure_types')).toEqual([
          { measure_column: 'single:temperature', type: 'DOUBLE' },
        ]);
        store.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('ListDatabases', () => {
    it('lists every database by name, a page at a time', async () => {
      await client.send(new CreateDatabaseCommand({ DatabaseName: 'aaa-first' }));

      const first = await client.send(new ListDatabasesCommand({ MaxResults: 1 }));
      const rest = await client.send(new ListDatabasesCommand({ NextToken: first.NextToken }));

      expect(first.Databases?.map((d) => d.DatabaseName)).toEqual(['aaa-first']);
      expect(rest.Databases).toMatchObject([{ DatabaseName: DB, TableCount: 1 }]);
      expect(rest.NextToken).toBeUndefined();
    });

    it('refuses a MaxResults over 20', async () => {
      const error = await caught(client.send(new ListDatabasesCommand({ MaxResults: 21 })));
      expect(error).toBeInstanceOf(ValidationException);
      expect(error.message).toContain("Value '21' at 'maxResults' failed to satisfy constraint");
    });
  });

  describe('DescribeEndpoints', () => {
    it('answers its own listening host by default, to the write and the query client alike', async () => {
      const query = new TimestreamQueryClient({ endpoint: emulator.endpoint, region: 'eu-west-1', credentials });
      const write = await client.send(new DescribeEndpointsCommand({}));
      const read = await query.send(new DescribeQueryEndpointsCommand({}));
      query.destroy();
      expect(write.Endpoints).toEqual([{ Address: '127.0.0.1', CachePeriodInMinutes: 1440 }]);
      expect(read.Endpoints).toEqual(write.Endpoints);
    });

    it('answers the host of advertisedEndpoint (a gateway in front of it)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'bems-ts-adv-'));
      const advertised = await startTimestreamEmulator({ dataDir: dir, advertisedEndpoint: 'http://localhost:4566' });
      const other = new TimestreamWriteClient({ endpoint: advertised.endpoint, region: 'eu-west-1', credentials });
      try {
        const { Endpoints } = await other.send(new DescribeEndpointsCommand({}));
        expect(Endpoints).toEqual([{ Address: 'localhost', CachePeriodInMinutes: 1440 }]);
      } finally {
        other.destroy();
        await advertised.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('refuses an advertisedEndpoint that is no address, before opening anything', async () => {
      const dir = join(tmpdir(), `bems-ts-bad-${process.pid}`);
      await expect(startTimestreamEmulator({ dataDir: dir, advertisedEndpoint: 'http://' })).rejects.toThrow(
        /advertisedEndpoint must be a URL or a host name/,
      );
    });
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConflictException,
  CreateDatabaseCommand,
  CreateTableCommand,
  DescribeDatabaseCommand,
  DescribeEndpointsCommand,
  DescribeTableCommand,
  InternalServerException,
  ListTablesCommand,
  RejectedRecordsException,
  ResourceNotFoundException,
  ThrottlingException,
  TimestreamWriteClient,
  type TimestreamWriteClientConfig,
  ValidationException,
  WriteRecordsCommand,
  type WriteRecordsCommandInput,
} from '@aws-sdk/client-timestream-write';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalReadModel, READ_MODEL_SCHEMA } from '../../../../dashboards/readModel/index.ts';
import { type RunningTimestreamEmulator, startTimestreamEmulator } from '../../../../local/timestream/index.ts';
import { caught } from '../../../helpers/caught.ts';
import { BEMS_COMMON_ATTRIBUTES, bemsRecord, bemsRecordForCommon } from './bemsRecords.ts';

const DB = 'bems-local';
const TABLE = 'invoice_events';
/** Same retention as TABLE but magnetic-store writes enabled. */
const MAGNETIC_TABLE = 'invoice_events_magnetic';
const HOUR = 3_600_000;

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

function clientFor(endpoint: string, extra: Partial<TimestreamWriteClientConfig> = {}): TimestreamWriteClient {
  // maxAttempts 1: the tests look at what the emulator answers, not at what the SDK retries.
  return new TimestreamWriteClient({ endpoint, region: 'eu-west-1', credentials, maxAttempts: 1, ...extra });
}

function write(records: WriteRecordsCommandInput['Records'], extra: Partial<WriteRecordsCommandInput> = {}) {
  return new WriteRecordsCommand({ DatabaseName: DB, TableName: TABLE, Records: records, ...extra });
}

describe('Timestream emulator (real @aws-sdk/client-timestream-write)', () => {
  let dataDir: string;
  let emulator: RunningTimestreamEmulator;
  /** BEMS's read model over the emulator's records (timelines, counts by dimension). */
  let model: LocalReadModel;
  let client: TimestreamWriteClient;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bems-ts-'));
    emulator = await startTimestreamEmulator({
      dataDir,
      readSchema: READ_MODEL_SCHEMA,
      databases: [
        {
          name: DB,
          tables: [
            { name: TABLE, memoryRetentionHours: 24, magneticRetentionDays: 30, magneticWrites: false },
            { name: MAGNETIC_TABLE, memoryRetentionHours: 24, magneticRetentionDays: 30, magneticWrites: true },
          ],
        },
      ],
    });
    client = clientFor(emulator.endpoint);
    model = new LocalReadModel(emulator.store);
  });

  afterAll(async () => {
    client?.destroy();
    await emulator?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('control plane', () => {
    it('creates, describes and lists databases and tables', async () => {
      // Act
      const created = await client.send(new CreateDatabaseCommand({ DatabaseName: 'analytics' }));
      const table = await client.send(
        new CreateTableCommand({
          DatabaseName: 'analytics',
          TableName: 'metrics',
          RetentionProperties: { MemoryStoreRetentionPeriodInHours: 12, MagneticStoreRetentionPeriodInDays: 365 },
          MagneticStoreWriteProperties: { EnableMagneticStoreWrites: true },
        }),
      );
      const database = await client.send(new DescribeDatabaseCommand({ DatabaseName: 'analytics' }));
      const described = await client.send(
        new DescribeTableCommand({ DatabaseName: 'analytics', TableName: 'metrics' }),
      );

      // Assess
      expect(created.Database?.Arn).toBe('arn:aws:timestream:eu-west-1:000000000000:database/analytics');
      expect(created.Database?.CreationTime).toBeInstanceOf(Date);
      expect(table.Table?.TableStatus).toBe('ACTIVE');
      expect(database.Database?.TableCount).toBe(1);
      expect(described.Table).toMatchObject({
        TableName: 'metrics',
        DatabaseName: 'analytics',
        Arn: 'arn:aws:timestream:eu-west-1:000000000000:database/analytics/table/metrics',
        RetentionProperties: { MemoryStoreRetentionPeriodInHours: 12, MagneticStoreRetentionPeriodInDays: 365 },
        MagneticStoreWriteProperties: { EnableMagneticStoreWrites: true },
      });
    });

    it('applies Timestream defaults to a table created without retention settings', async () => {
      await client.send(new CreateTableCommand({ DatabaseName: DB, TableName: 'defaults' }));
      const { Table } = await client.send(new DescribeTableCommand({ DatabaseName: DB, TableName: 'defaults' }));
      expect(Table?.RetentionProperties).toEqual({
        MemoryStoreRetentionPeriodInHours: 6,
        MagneticStoreRetentionPeriodInDays: 73_000,
      });
      expect(Table?.MagneticStoreWriteProperties?.EnableMagneticStoreWrites).toBe(false);
    });

    it('answers ConflictException for an existing database or table', async () => {
      expect(await caught(client.send(new CreateDatabaseCommand({ DatabaseName: DB })))).toBeInstanceOf(
        ConflictException,
      );
      expect(await caught(client.send(new CreateTableCommand({ DatabaseName: DB, TableName: TABLE })))).toBeInstanceOf(
        ConflictException,
      );
    });

    it('answers ResourceNotFoundException for unknown databases and tables', async () => {
      const noDb = await caught(client.send(new DescribeDatabaseCommand({ DatabaseName: 'missing' })));
      const noTable = await caught(client.send(new DescribeTableCommand({ DatabaseName: DB, TableName: 'missing' })));
      const tableInNoDb = await caught(
        client.send(new CreateTableCommand({ DatabaseName: 'missing', TableName: 'tbl' })),
      );
      expect(noDb).toBeInstanceOf(ResourceNotFoundException);
      expect(noTable).toBeInstanceOf(ResourceNotFoundException);
      expect(noTable.message).toContain('missing');
      expect(tableInNoDb).toBeInstanceOf(ResourceNotFoundException);
    });

    it('rejects an invalid name or retention with ValidationException', async () => {
      const badName = await caught(client.send(new CreateDatabaseCommand({ DatabaseName: 'has space' })));
      const badRetention = await caught(
        client.send(
          new CreateTableCommand({
            DatabaseName: DB,
            TableName: 'bad_retention',
            RetentionProperties: { MemoryStoreRetentionPeriodInHours: 0, MagneticStoreRetentionPeriodInDays: 1 },
          }),
        ),
      );
      expect(badName).toBeInstanceOf(ValidationException);
      expect(badRetention).toBeInstanceOf(ValidationException);
      expect(badRetention.message).toContain('memoryStoreRetentionPeriodInHours');
    });

    it('lists tables page by page with NextToken', async () => {
      // Prepare
      await client.send(new CreateDatabaseCommand({ DatabaseName: 'paged' }));
      for (const name of ['t_a', 't_b', 't_c', 't_d', 't_e']) {
        await client.send(new CreateTableCommand({ DatabaseName: 'paged', TableName: name }));
      }

      // Act
      const names: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await client.send(
          new ListTablesCommand({ DatabaseName: 'paged', MaxResults: 2, NextToken: token }),
        );
        names.push(...(page.Tables ?? []).map((t) => t.TableName!));
        token = page.NextToken;
        pages += 1;
      } while (token);

      // Assess
      expect(names).toEqual(['t_a', 't_b', 't_c', 't_d', 't_e']);
      expect(pages).toBe(3);
    });
  });

  describe('WriteRecords', () => {
    it('writes multi-measure records with CommonAttributes and exposes them flattened in invoice_events', async () => {
      // Prepare
      const invoiceId = 'INV-COMMON-1';
      const occurredAt = Date.now() - 5 * 60_000;
      const records = [
        bemsRecordForCommon({ invoiceId, stage: 'ingestion', status: 'received', occurredAtMs: occurredAt }),
        bemsRecordForCommon({
          invoiceId,
          stage: 'reconciliation',
          status: 'matched',
          occurredAtMs: occurredAt + 1000,
          amountText: '0.10',
          amountMinor: '10',
          replayed: true,
        }),
      ];

      // Act
      const result = await client.send(write(records, { CommonAttributes: BEMS_COMMON_ATTRIBUTES }));

      // Assess
      expect(result.RecordsIngested).toEqual({ Total: 2, MemoryStore: 2, MagneticStore: 0 });
      const rows = emulator.store.query<Record<string, unknown>>(
        'SELECT * FROM invoice_events WHERE invoice_id = ? ORDER BY time_ms',
        [invoiceId],
      );
      expect(rows).toHaveLength(2);
      expect(rows[1]).toMatchObject({
        cell: 'local',
        region: 'eu-west-1',
        stage: 'reconciliation',
        consumer: 'recorder',
        invoice_id: invoiceId,
        vendor_id: 'V-1001',
        currency: 'EUR',
        status: 'matched',
        amount_text: '0.10',
        amount_minor: 10,
        amount: 0.1,
        vendor_name: 'Acme GmbH',
        vendor_country: 'DE',
        time_ms: occurredAt + 1000,
        received_at_ms: occurredAt + 2000,
        processed_at_ms: occurredAt + 2250,
        latency_ms: 250,
        due_at_ms: occurredAt + 1000 + 30 * 86_400_000,
        source_system: 'sap-fi',
        replayed: 1,
        version: 1,
      });
      expect(rows[0]).toMatchObject({ stage: 'ingestion', status: 'received', amount_text: '1250.00', replayed: 0 });
    });

    it('returns the timeline of an invoice ordered by time, first consumer only', async () => {
      // Prepare: the escalations consumer also records the authorization event; timelines ignore it.
      const invoiceId = 'INV-TIMELINE-1';
      const t0 = Date.now() - 10 * 60_000;
      await client.send(
        write([
          bemsRecord({ invoiceId, stage: 'posting', status: 'posted', occurredAtMs: t0 + 3000 }),
          bemsRecord({ invoiceId, stage: 'ingestion', status: 'received', occurredAtMs: t0 }),
          bemsRecord({ invoiceId, stage: 'authorization', status: 'escalated', occurredAtMs: t0 + 2000 }),
          bemsRecord({
            invoiceId,
            stage: 'authorization',
            consumer: 'escalations',
            status: 'escalated',
            occurredAtMs: t0 + 2000,
          }),
          bemsRecord({ invoiceId, stage: 'reconciliation', status: 'matched', occurredAtMs: t0 + 1000 }),
        ]),
      );

      // Act
      const timeline = model.timeline(invoiceId);

      // Assess
      expect(timeline.map((e) => [e.stage, e.status])).toEqual([
        ['ingestion', 'received'],
        ['reconciliation', 'matched'],
        ['authorization', 'escalated'],
        ['posting', 'posted'],
      ]);
      expect(timeline[0]).toMatchObject({
        amountText: '1250.00',
        currency: 'EUR',
        timeMs: t0,
        time: new Date(t0).toISOString(),
        receivedAtMs: t0 + 1000,
        processedAtMs: t0 + 1250,
        latencyMs: 250,
        replayed: false,
      });
      expect(model.timeline(invoiceId, { consumer: 'escalations' })).toHaveLength(1);
    });

    it('accepts exactly 100 records and rejects 101 with ValidationException, writing none', async () => {
      // Prepare
      const hundred = Array.from({ length: 100 }, () => bemsRecord({ invoiceId: 'INV-100' }));
      const hundredOne = Array.from({ length: 101 }, () => bemsRecord({ invoiceId: 'INV-101' }));

      // Act
      const ok = await client.send(write(hundred));
      const error = await caught(client.send(write(hundredOne)));

      // Assess
      expect(ok.RecordsIngested?.Total).toBe(100);
      expect(error).toBeInstanceOf(ValidationException);
      expect(error.message).toContain('100');
      expect((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(400);
      expect(model.countRecords({ invoiceId: 'INV-101' })).toBe(0);
    });

    it('rejects an empty Records list', async () => {
      expect(await caught(client.send(write([])))).toBeInstanceOf(ValidationException);
    });

    it('accepts an identical re-write without creating a second record', async () => {
      // Prepare
      const record = bemsRecord({ invoiceId: 'INV-IDEMPOTENT' });
      await client.send(write([record]));

      // Act: the same record again, alone and duplicated inside one call.
      const again = await client.send(write([record]));
      const twiceInOneCall = await client.send(write([record, record]));

      // Assess
      expect(again.RecordsIngested?.Total).toBe(1);
      expect(twiceInOneCall.RecordsIngested?.Total).toBe(2);
      expect(model.countRecords({ invoiceId: 'INV-IDEMPOTENT' })).toBe(1);
    });

    it('treats a re-formatted but equal value as identical (1250.0 vs 1250.00 as DOUBLE)', async () => {
      const record = bemsRecord({ invoiceId: 'INV-CANONICAL' });
      await client.send(write([record]));
      const reformatted = {
        ...record,
        MeasureValues: record.MeasureValues!.map((m) => (m.Name === 'amount' ? { ...m, Value: '1250.0' } : m)),
      };
      await expect(client.send(write([reformatted]))).resolves.toBeDefined();
    });

    it('rejects a different value at the same identity with ExistingVersion, and still writes the rest of the call', async () => {
      // Prepare: first write wins (processed_at differs on a re-delivery, as in the consumer).
      const first = bemsRecord({ invoiceId: 'INV-CONFLICT', processedAtMs: Date.now() - 1000 });
      await client.send(write([first]));
      const redelivery = bemsRecord({
        invoiceId: 'INV-CONFLICT',
        eventId: first.Dimensions!.find((d) => d.Name === 'event_id')!.Value,
        occurredAtMs: Number(first.Time),
        processedAtMs: Date.now(),
      });
      const fresh = bemsRecord({ invoiceId: 'INV-CONFLICT', status: 'captured' });

      // Act
      const error = await caught(client.send(write([fresh, redelivery])));

      // Assess
      expect(error).toBeInstanceOf(RejectedRecordsException);
      expect((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(419);
      const rejected = (error as unknown as RejectedRecordsException).RejectedRecords;
      expect(rejected).toHaveLength(1);
      expect(rejected![0]).toMatchObject({ RecordIndex: 1, ExistingVersion: 1 });
      expect(rejected![0]!.Reason).toMatch(/version/i);
      const statuses = model.timeline('INV-CONFLICT').map((e) => e.status);
      expect(statuses.sort()).toEqual(['captured', 'received']);
      const processed = emulator.store.query<{ processed_at_ms: number }>(
        'SELECT processed_at_ms FROM invoice_events WHERE event_id = ?',
        [first.Dimensions!.find((d) => d.Name === 'event_id')!.Value!],
      );
      expect(processed).toEqual([
        { processed_at_ms: Number(first.MeasureValues!.find((m) => m.Name === 'processed_at')!.Value) },
      ]);
    });

    it('upserts a different value with a higher Version, and rejects a lower one afterwards', async () => {
      // Prepare
      const v1 = bemsRecord({ invoiceId: 'INV-VERSION', status: 'received' });
      await client.send(write([v1]));
      const v2 = {
        ...v1,
        Version: 2,
        MeasureValues: v1.MeasureValues!.map((m) => (m.Name === 'status' ? { ...m, Value: 'captured' } : m)),
      };
      const backToV1 = { ...v1, Version: 1 };

      // Act
      await client.send(write([v2]));
      const stale = await caught(client.send(write([backToV1])));

      // Assess
      const [row] = model.timeline('INV-VERSION');
      expect(row).toMatchObject({ status: 'captured', version: 2 });
      expect(model.countRecords({ invoiceId: 'INV-VERSION' })).toBe(1);
      expect((stale as unknown as RejectedRecordsException).RejectedRecords?.[0]?.ExistingVersion).toBe(2);
    });

    it('rejects a record older than the memory-store retention unless magnetic-store writes are enabled', async () => {
      // Prepare: 25 h old with 24 h memory retention; 40 days old is beyond the 30-day magnetic retention.
      const old = bemsRecord({ invoiceId: 'INV-OLD', occurredAtMs: Date.now() - 25 * HOUR });
      const ancient = bemsRecord({ invoiceId: 'INV-OLD', occurredAtMs: Date.now() - 40 * 24 * HOUR });

      // Act
      const memoryOnly = await caught(client.send(write([old])));
      const magnetic = await client.send(write([old], { TableName: MAGNETIC_TABLE }));
      const beyondMagnetic = await caught(client.send(write([ancient], { TableName: MAGNETIC_TABLE })));

      // Assess
      expect(memoryOnly).toBeInstanceOf(RejectedRecordsException);
      const reason = (memoryOnly as unknown as RejectedRecordsException).RejectedRecords?.[0];
      expect(reason?.RecordIndex).toBe(0);
      expect(reason?.Reason).toContain('memory store');
      expect(reason?.ExistingVersion).toBeUndefined();
      expect(magnetic.RecordsIngested).toEqual({ Total: 1, MemoryStore: 0, MagneticStore: 1 });
      expect((beyondMagnetic as unknown as RejectedRecordsException).RejectedRecords?.[0]?.Reason).toContain(
        'magnetic',
      );
      expect(model.countRecords({ invoiceId: 'INV-OLD', table: TABLE })).toBe(0);
      expect(model.countRecords({ invoiceId: 'INV-OLD', table: MAGNETIC_TABLE })).toBe(1);
    });

    it('rejects a record more than 15 minutes in the future, even with magnetic writes', async () => {
      const future = bemsRecord({ invoiceId: 'INV-FUTURE', occurredAtMs: Date.now() + 16 * 60_000 });
      const nearFuture = bemsRecord({ invoiceId: 'INV-FUTURE', occurredAtMs: Date.now() + 10 * 60_000 });
      const error = await caught(client.send(write([future, nearFuture], { TableName: MAGNETIC_TABLE })));
      const rejected = (error as unknown as RejectedRecordsException).RejectedRecords;
      expect(rejected?.map((r) => r.RecordIndex)).toEqual([0]);
      expect(model.countRecords({ invoiceId: 'INV-FUTURE' })).toBe(1);
    });

    it('rejects invalid records one by one with a reason per index', async () => {
      // Prepare
      const valid = bemsRecord({ invoiceId: 'INV-INVALID' });
      const badDouble = {
        ...bemsRecord({ invoiceId: 'INV-INVALID' }),
        MeasureValues: [{ Name: 'amount', Value: '12,50', Type: 'DOUBLE' as const }],
      };
      const noTime = { ...bemsRecord({ invoiceId: 'INV-INVALID' }), Time: undefined };
      const reservedDimension = {
        ...bemsRecord({ invoiceId: 'INV-INVALID' }),
        Dimensions: [...bemsRecord({ invoiceId: 'INV-INVALID' }).Dimensions!, { Name: 'ts_shard', Value: '1' }],
      };
      const emptyDimension = {
        ...bemsRecord({ invoiceId: 'INV-INVALID' }),
        Dimensions: [{ Name: 'invoice_id', Value: '' }],
      };
      const badBigint = {
        ...bemsRecord({ invoiceId: 'INV-INVALID' }),
        MeasureValues: [{ Name: 'latency_ms', Value: '1.5', Type: 'BIGINT' as const }],
      };
      const badBoolean = {
        ...bemsRecord({ invoiceId: 'INV-INVALID' }),
        MeasureValues: [{ Name: 'replayed', Value: 'yes', Type: 'BOOLEAN' as const }],
      };

      // Act
      const error = await caught(
        client.send(write([badDouble, valid, noTime, reservedDimension, emptyDimension, badBigint, badBoolean])),
      );

      // Assess
      const rejected = (error as unknown as RejectedRecordsException).RejectedRecords!;
      expect(rejected.map((r) => r.RecordIndex)).toEqual([0, 2, 3, 4, 5, 6]);
      expect(rejected[0]!.Reason).toContain('not a valid DOUBLE');
      expect(rejected[1]!.Reason).toContain('Time is required');
      expect(rejected[2]!.Reason).toContain('ts_');
      expect(rejected[3]!.Reason).toContain('empty value');
      expect(rejected[4]!.Reason).toContain('not a valid BIGINT');
      expect(rejected[5]!.Reason).toContain('not a valid BOOLEAN');
      expect(rejected.every((r) => r.ExistingVersion === undefined)).toBe(true);
      expect(model.countRecords({ invoiceId: 'INV-INVALID' })).toBe(1);
    });

    it('fails the whole call with ValidationException when a dimension is both common and per record', async () => {
      const record = bemsRecord({ invoiceId: 'INV-OVERLAP' });
      const error = await caught(client.send(write([record], { CommonAttributes: BEMS_COMMON_ATTRIBUTES })));
      expect(error).toBeInstanceOf(ValidationException);
      expect(error.message).toContain('CommonAttributes');
      expect(model.countRecords({ invoiceId: 'INV-OVERLAP' })).toBe(0);
    });

    it('answers ResourceNotFoundException for an unknown database or table', async () => {
      const record = bemsRecord();
      expect(await caught(client.send(write([record], { TableName: 'nope' })))).toBeInstanceOf(
        ResourceNotFoundException,
      );
      expect(await caught(client.send(write([record], { DatabaseName: 'nope' })))).toBeInstanceOf(
        ResourceNotFoundException,
      );
    });

    it('writes single-measure records too', async () => {
      const result = await client.send(
        write([
          {
            Dimensions: [{ Name: 'host', Value: 'a' }],
            MeasureName: 'cpu',
            MeasureValue: '0.75',
            MeasureValueType: 'DOUBLE',
            Time: String(Math.floor(Date.now() / 1000)),
            TimeUnit: 'SECONDS',
          },
        ]),
      );
      expect(result.RecordsIngested?.Total).toBe(1);
      expect(emulator.store.countRecords({ measureName: 'cpu' })).toBe(1);
    });
  });

  describe('faults', () => {
    it('throttles with ThrottlingException (429) while a throttle fault is set', async () => {
      emulator.setFault({ mode: 'throttle' });
      try {
        const error = await caught(client.send(write([bemsRecord({ invoiceId: 'INV-THROTTLED' })])));
        expect(error).toBeInstanceOf(ThrottlingException);
        expect((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(429);
      } finally {
        emulator.setFault(null);
      }
      expect(model.countRecords({ invoiceId: 'INV-THROTTLED' })).toBe(0);
    });

    it('answers 503 ServiceUnavailable (server fault) while unavailable and 500 InternalServerException for internal', async () => {
      emulator.setFault({ mode: 'unavailable' });
      const unavailable = await caught(client.send(write([bemsRecord()])));
      emulator.setFault({ mode: 'internal' });
      const internal = await caught(client.send(write([bemsRecord()])));
      emulator.setFault(null);

      expect(unavailable.name).toBe('ServiceUnavailable');
      expect(unavailable.$fault).toBe('server');
      expect((unavailable as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(503);
      expect(internal).toBeInstanceOf(InternalServerException);
    });

    it('keeps answering DescribeEndpoints during a fault', async () => {
      emulator.setFault({ mode: 'unavailable' });
      try {
        const endpoints = await client.send(new DescribeEndpointsCommand({}));
        expect(endpoints.Endpoints?.[0]?.Address).toBe('127.0.0.1');
      } finally {
        emulator.setFault(null);
      }
    });

    it('clears a fault by itself at untilMs, so an SDK client with retries gets through', async () => {
      // Prepare: a client with the SDK's standard retries (transient 5xx are retried with backoff).
      // Backoff has full jitter: with 6 attempts all of them fell inside the 300 ms fault now and
      // then; with 10 the chance of that is negligible, and the call still ends right after the fault.
      const retrying = clientFor(emulator.endpoint, { maxAttempts: 10 });
      const before = emulator.requestCounts().WriteRecords ?? 0;
      emulator.setFault({ mode: 'unavailable', untilMs: Date.now() + 300 });

      // Act
      const result = await retrying.send(write([bemsRecord({ invoiceId: 'INV-RECOVERED' })]));

      // Assess
      expect(result.RecordsIngested?.Total).toBe(1);
      expect(result.$metadata.attempts).toBeGreaterThan(1);
      expect((emulator.requestCounts().WriteRecords ?? 0) - before).toBe(result.$metadata.attempts);
      retrying.destroy();
    });
  });

  describe('endpoint discovery', () => {
    it('answers DescribeEndpoints with its own host', async () => {
      const { Endpoints } = await client.send(new DescribeEndpointsCommand({}));
      expect(Endpoints).toEqual([{ Address: '127.0.0.1', CachePeriodInMinutes: 1440 }]);
    });

    it('still lands here when a client discovers endpoints (endpoint from AWS_ENDPOINT_URL_TIMESTREAM_WRITE)', async () => {
      // Prepare: without an explicit endpoint the SDK runs discovery against the configured URL,
      // then swaps the host of every request for the discovered address.
      const previous = process.env.AWS_ENDPOINT_URL_TIMESTREAM_WRITE;
      process.env.AWS_ENDPOINT_URL_TIMESTREAM_WRITE = emulator.endpoint;
      const discovering = new TimestreamWriteClient({ region: 'eu-west-1', credentials, maxAttempts: 1 });
      const before = emulator.requestCounts().DescribeEndpoints ?? 0;
      try {
        // Act
        const result = await discovering.send(write([bemsRecord({ invoiceId: 'INV-DISCOVERED' })]));

        // Assess
        expect(result.RecordsIngested?.Total).toBe(1);
        expect(emulator.requestCounts().DescribeEndpoints).toBe(before + 1);
        expect(model.countRecords({ invoiceId: 'INV-DISCOVERED' })).toBe(1);
      } finally {
        discovering.destroy();
        if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_TIMESTREAM_WRITE;
        else process.env.AWS_ENDPOINT_URL_TIMESTREAM_WRITE = previous;
      }
    });

    it('works with an explicit endpoint even when discovery is enabled by environment', async () => {
      const previous = process.env.AWS_ENABLE_ENDPOINT_DISCOVERY;
      process.env.AWS_ENABLE_ENDPOINT_DISCOVERY = 'true';
      const explicit = clientFor(emulator.endpoint);
      try {
        const result = await explicit.send(write([bemsRecord({ invoiceId: 'INV-EXPLICIT' })]));
        expect(result.RecordsIngested?.Total).toBe(1);
      } finally {
        explicit.destroy();
        if (previous === undefined) delete process.env.AWS_ENABLE_ENDPOINT_DISCOVERY;
        else process.env.AWS_ENABLE_ENDPOINT_DISCOVERY = previous;
      }
    });
  });

  describe('wire protocol', () => {
    const post = (target: string | undefined, body: string) =>
      fetch(`${emulator.endpoint}/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          ...(target === undefined ? {} : { 'x-amz-target': target }),
        },
        body,
      });

    it('answers an unknown or missing X-Amz-Target with 400 UnknownOperationException', async () => {
      const unknown = await post('Timestream_20181101.DeleteTable', '{}');
      const missing = await post(undefined, '{}');
      expect(unknown.status).toBe(400);
      expect(await unknown.json()).toMatchObject({ __type: 'UnknownOperationException' });
      expect(missing.status).toBe(400);
      expect(emulator.requestCounts().UnknownOperation).toBeGreaterThanOrEqual(2);
    });

    it('answers a body that is not JSON with 400 SerializationException', async () => {
      const response = await post('Timestream_20181101.WriteRecords', '{not json');
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.0');
      expect(await response.json()).toMatchObject({ __type: 'SerializationException' });
    });

    it('sends RejectedRecords in the error body', async () => {
      const response = await post(
        'Timestream_20181101.WriteRecords',
        JSON.stringify({ DatabaseName: DB, TableName: TABLE, Records: [{ MeasureName: 'x' }] }),
      );
      expect(response.status).toBe(419);
      const body = (await response.json()) as Record<string, unknown>;
      expect(body.__type).toBe('RejectedRecordsException');
      expect(body.message).toEqual(expect.any(String));
      expect(body.RejectedRecords).toEqual([{ RecordIndex: 0, Reason: expect.stringContaining('Time') }]);
    });

    it('refuses methods other than POST', async () => {
      const response = await fetch(`${emulator.endpoint}/`);
      expect(response.status).toBe(405);
    });
  });
});

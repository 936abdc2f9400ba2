import {
  CreateDeliveryStreamCommand,
  type CreateDeliveryStreamCommandInput,
  DescribeDeliveryStreamCommand,
  type FirehoseClient,
  InvalidArgumentException,
  ListDeliveryStreamsCommand,
  PutRecordBatchCommand,
  PutRecordCommand,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-firehose';
import { beforeAll, describe, expect, it } from 'vitest';
import { metadataExtraction, type RunningFirehoseEmulator } from '../../../../local/firehose/index.ts';
import { icebergRoutingQuery } from '../../../../schemas/lakehouseTable.ts';
import {
  ACCOUNT,
  APPEND_STREAM,
  caught,
  DATABASE,
  jsonLine,
  REGION,
  TABLE,
  UPSERT_STREAM,
  useEmulator,
} from './support.ts';

/** A valid Iceberg destination for CreateDeliveryStream; tests override parts of it. */
function icebergInput(name: string, extra: Record<string, unknown> = {}): CreateDeliveryStreamCommandInput {
  return {
    DeliveryStreamName: name,
    DeliveryStreamType: 'DirectPut',
    IcebergDestinationConfiguration: {
      RoleARN: `arn:aws:iam::${ACCOUNT}:role/firehose`,
      CatalogConfiguration: { CatalogARN: `arn:aws:glue:${REGION}:${ACCOUNT}:catalog` },
      S3Configuration: { RoleARN: `arn:aws:iam::${ACCOUNT}:role/firehose`, BucketARN: 'arn:aws:s3:::errors' },
      DestinationTableConfigurationList: [{ DestinationDatabaseName: DATABASE, DestinationTableName: 'created' }],
      ...extra,
    },
  };
}

describe('Firehose emulator (real @aws-sdk/client-firehose)', () => {
  const running = useEmulator();
  let emulator: RunningFirehoseEmulator;
  let client: FirehoseClient;
  beforeAll(() => {
    ({ emulator, client } = running());
  });

  const putBatch = (records: Array<Record<string, unknown>>, stream = UPSERT_STREAM) =>
    client.send(new PutRecordBatchCommand({ DeliveryStreamName: stream, Records: records.map(jsonLine) }));

  describe('control plane', () => {
    it('lists the streams by name, Limit at a time, with HasMoreDeliveryStreams', async () => {
      const all = await client.send(new ListDeliveryStreamsCommand({}));
      expect(all.DeliveryStreamNames).toEqual(expect.arrayContaining([APPEND_STREAM, UPSERT_STREAM]));
      const first = await client.send(new ListDeliveryStreamsCommand({ Limit: 1 }));
      expect(first.DeliveryStreamNames).toEqual([APPEND_STREAM]);
      expect(first.HasMoreDeliveryStreams).toBe(true);
      const next = await client.send(
        new ListDeliveryStreamsCommand({ Limit: 1, ExclusiveStartDeliveryStreamName: APPEND_STREAM }),
      );
      expect(next.DeliveryStreamNames).toEqual([UPSERT_STREAM]);
    });

    it('describes a provisioned stream: ACTIVE Direct PUT into its Iceberg table, unique keys and routing', async () => {
      const { DeliveryStreamDescription: d } = await client.send(
        new DescribeDeliveryStreamCommand({ DeliveryStreamName: UPSERT_STREAM }),
      );
      expect(d).toMatchObject({
        DeliveryStreamName: UPSERT_STREAM,
        DeliveryStreamARN: `arn:aws:firehose:${REGION}:${ACCOUNT}:deliverystream/${UPSERT_STREAM}`,
        DeliveryStreamStatus: 'ACTIVE',
        DeliveryStreamType: 'DirectPut',
        DeliveryStreamEncryptionConfiguration: { Status: 'DISABLED' },
        VersionId: '1',
        HasMoreDestinations: false,
      });
      expect(d?.CreateTimestamp).toBeInstanceOf(Date);
      const iceberg = d?.Destinations?.[0]?.IcebergDestinationDescription;
      expect(iceberg?.DestinationTableConfigurationList).toEqual([
        {
          DestinationDatabaseName: DATABASE,
          DestinationTableName: TABLE,
          UniqueKeys: ['event_id', 'stage'],
          PartitionSpec: { Identity: [{ SourceName: 'day' }] },
        },
      ]);
      const parameters = iceberg?.ProcessingConfiguration?.Processors?.[0]?.Parameters;
      expect(parameters).toContainEqual({
        ParameterName: 'MetadataExtractionQuery',
        ParameterValue: icebergRoutingQuery({ database: DATABASE, table: TABLE, operation: 'update' }),
      });
      expect(iceberg?.S3DestinationDescription?.BucketARN).toMatch(/^arn:aws:s3:::/);
    });

    it('answers ResourceNotFoundException for an unknown stream', async () => {
      const error = await caught(client.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'nope' })));
      expect(error).toBeInstanceOf(ResourceNotFoundException);
      expect(error.message).toBe(`Firehose nope under account ${ACCOUNT} not found.`);
    });

    it('creates an encrypted stream, and refuses its name a second time with ResourceInUseException', async () => {
      const input = {
        ...icebergInput('created-encrypted'),
        DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' as const },
      };
      const created = await client.send(new CreateDeliveryStreamCommand(input));
      expect(created.DeliveryStreamARN).toBe(`arn:aws:firehose:${REGION}:${ACCOUNT}:deliverystream/created-encrypted`);
      const { DeliveryStreamDescription: d } = await client.send(
        new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'created-encrypted' }),
      );
      expect(d?.DeliveryStreamEncryptionConfiguration).toEqual({ KeyType: 'AWS_OWNED_CMK', Status: 'ENABLED' });
      const put = await client.send(
        new PutRecordCommand({ DeliveryStreamName: 'created-encrypted', Record: jsonLine({ a: 1 }) }),
      );
      expect(put.Encrypted).toBe(true);
      expect(await caught(client.send(new CreateDeliveryStreamCommand(input)))).toBeInstanceOf(ResourceInUseException);
    });

    it.each([
      [
        'an S3 destination',
        { ...icebergInput('bad-s3'), S3DestinationConfiguration: { RoleARN: 'r', BucketARN: 'b' } },
      ],
      ['no RoleARN', icebergInput('bad-role', { RoleARN: undefined })],
      [
        'a Lambda processor',
        icebergInput('bad-lambda', { ProcessingConfiguration: { Processors: [{ Type: 'Lambda' }] } }),
      ],
      [
        'a JQ query beyond literals and paths',
        icebergInput('bad-jq', {
          ProcessingConfiguration: {
            Processors: [
              {
                Type: 'MetadataExtraction',
                Parameters: [{ ParameterName: 'MetadataExtractionQuery', ParameterValue: '{operation: .a | ascii}' }],
              },
            ],
          },
        }),
      ],
      [
        'a table name outside the pattern',
        icebergInput('bad-table', {
          DestinationTableConfigurationList: [{ DestinationDatabaseName: 'db', DestinationTableName: 'a-b' }],
        }),
      ],
    ])('refuses a stream with %s (InvalidArgumentException)', async (_, input) => {
      const error = await caught(
        client.send(new CreateDeliveryStreamCommand(input as CreateDeliveryStreamCommandInput)),
      );
      expect(error).toBeInstanceOf(InvalidArgumentException);
      const names = (await client.send(new ListDeliveryStreamsCommand({ Limit: 100 }))).DeliveryStreamNames;
      expect(names).not.toContain((input as CreateDeliveryStreamCommandInput).DeliveryStreamName);
    });
  });

  describe('delivery into the Iceberg table', () => {
    it('PutRecord answers a RecordId and delivers the record as a row', async () => {
      const put = await client.send(
        new PutRecordCommand({
          DeliveryStreamName: UPSERT_STREAM,
          Record: jsonLine({ event_id: 'e1', stage: 's', n: 1 }),
        }),
      );
      expect(put.RecordId).toMatch(/^[\w-]{32,}$/);
      expect(put.Encrypted).toBe(false);
      expect(emulator.store.rowsWithOrigin(DATABASE, TABLE)).toEqual([
        expect.objectContaining({ data: { event_id: 'e1', stage: 's', n: 1 }, recordId: put.RecordId }),
      ]);
    });

    it('PutRecordBatch answers one distinct RecordId per record, in order, and FailedPutCount 0', async () => {
      const batch = await putBatch([1, 2, 3].map((n) => ({ event_id: `e${n}`, stage: 's', n })));
      expect(batch.FailedPutCount).toBe(0);
      expect(batch.Encrypted).toBe(false);
      const ids = batch.RequestResponses?.map((r) => r.RecordId);
      expect(new Set(ids).size).toBe(3);
      expect(emulator.store.rowsWithOrigin(DATABASE, TABLE).map((r) => r.recordId)).toEqual(ids);
    });

    it('replaces the row with the same unique keys (update), within a batch and across batches', async () => {
      await putBatch([
        { event_id: 'e1', stage: 'a', v: 1 },
        { event_id: 'e1', stage: 'b', v: 1 },
        { event_id: 'e1', stage: 'a', v: 2 },
      ]);
      await putBatch([{ event_id: 'e1', stage: 'b', v: 3 }]);
      expect(emulator.store.rows(DATABASE, TABLE)).toEqual([
        { event_id: 'e1', stage: 'a', v: 2 },
        { event_id: 'e1', stage: 'b', v: 3 },
      ]);
    });

    it('appends a record with existing unique keys when the stream does not route it as an update', async () => {
      await putBatch([{ event_id: 'e1' }, { event_id: 'e1' }], APPEND_STREAM);
      expect(emulator.store.rows(DATABASE, 'appended')).toEqual([{ event_id: 'e1' }, { event_id: 'e1' }]);
    });

    it('routes each record by the JSONQuery metadata: table and operation from the record', async () => {
      await client.send(
        new CreateDeliveryStreamCommand(
          icebergInput('routed', {
            DestinationTableConfigurationList: [
              { DestinationDatabaseName: DATABASE, DestinationTableName: 'routed', UniqueKeys: ['id'] },
            ],
            ProcessingConfiguration: metadataExtraction(
              `{destinationDatabaseName: "${DATABASE}", destinationTableName: .meta.table, operation: .meta.op}`,
            ),
          }),
        ),
      );
      const row = (id: string, op: string, v: number) => ({ id, v, meta: { table: 'routed', op } });
      await putBatch(
        [row('x', 'insert', 1), row('y', 'insert', 1), row('x', 'update', 2), row('y', 'delete', 0)],
        'routed',
      );
      expect(emulator.store.rows(DATABASE, 'routed')).toEqual([row('x', 'update', 2)]);
    });

    it('accepts but does not deliver a record that is not JSON or lacks a unique key (a delivery error)', async () => {
      const batch = await client.send(
        new PutRecordBatchCommand({
          DeliveryStreamName: UPSERT_STREAM,
          Records: [
            { Data: Buffer.from('not json') },
            jsonLine({ event_id: 'e1' }),
            jsonLine({ event_id: 'e2', stage: 's' }),
          ],
        }),
      );
      expect(batch.FailedPutCount).toBe(0);
      expect(emulator.store.rows(DATABASE, TABLE)).toEqual([{ event_id: 'e2', stage: 's' }]);
      const errors = emulator.store.deliveryErrors(UPSERT_STREAM);
      expect(errors.map((e) => [e.recordId, e.reason])).toEqual([
        [batch.RequestResponses?.[0]?.RecordId, 'the record is not one JSON object'],
        [batch.RequestResponses?.[1]?.RecordId, expect.stringContaining('unique key column(s) stage missing')],
      ]);
      expect(errors[0]?.data.toString()).toBe('not json');
    });
  });

  describe('limits (InvalidArgumentException, nothing delivered)', () => {
    const record = (bytes: number) => ({
      Data: Buffer.from(JSON.stringify({ event_id: 'e', stage: 'x'.repeat(bytes - 27) })),
    });

    it('accepts exactly 500 records and a record of exactly 1,000 KiB', async () => {
      const many = await putBatch(Array.from({ length: 500 }, (_, i) => ({ event_id: `e${i}`, stage: 's' })));
      expect(many.RequestResponses).toHaveLength(500);
      const big = record(1_024_000);
      expect(big.Data.length).toBe(1_024_000);
      await client.send(new PutRecordCommand({ DeliveryStreamName: UPSERT_STREAM, Record: big }));
      expect(emulator.store.countRows(DATABASE, TABLE)).toBe(501);
    });

    it.each([
      ['an empty batch', () => []],
      ['501 records', () => Array.from({ length: 501 }, () => jsonLine({ event_id: 'e', stage: 's' }))],
      ['a record over 1,000 KiB', () => [record(1_024_001)]],
      ['a batch over 4 MiB', () => Array.from({ length: 5 }, () => record(1_000_000))],
    ])('refuses %s', async (_, records) => {
      const error = await caught(
        client.send(new PutRecordBatchCommand({ DeliveryStreamName: UPSERT_STREAM, Records: records() })),
      );
      expect(error).toBeInstanceOf(InvalidArgumentException);
      expect(error.$metadata).toMatchObject({ httpStatusCode: 400 });
      expect(emulator.store.countRows()).toBe(0);
    });

    it('answers ResourceNotFoundException to PutRecordBatch and PutRecord on an unknown stream', async () => {
      const records = [jsonLine({ a: 1 })];
      const batch = caught(client.send(new PutRecordBatchCommand({ DeliveryStreamName: 'nope', Records: records })));
      expect(await batch).toBeInstanceOf(ResourceNotFoundException);
      const one = caught(client.send(new PutRecordCommand({ DeliveryStreamName: 'nope', Record: records[0] })));
      expect(await one).toBeInstanceOf(ResourceNotFoundException);
    });
  });
});

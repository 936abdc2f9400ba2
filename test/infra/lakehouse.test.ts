import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCells } from '../../cells/cells.config.ts';
import { ATHENA_BYTES_SCANNED_CUTOFF } from '../../cells/constructs/AthenaWorkgroup.ts';
import { LAKEHOUSE_BUFFERING } from '../../cells/constructs/icebergDeliveryStream.ts';
import { lakehouseColumns } from '../../cells/constructs/lakehouseTable.ts';
import type { CellDefinition } from '../../cells/definition.ts';
import { cellTopology } from '../../cells/topology.ts';
import { DATASET_IDS } from '../../dashboards/quicksight/timestreamDatasets.ts';
import { ANALYTICS_DIMENSIONS, ANALYTICS_MEASURE_NAMES, ANALYTICS_MEASURES } from '../../schemas/analyticsRecord.ts';
import { ATHENA_COLUMNS } from '../../schemas/athenaTable.ts';
import { icebergRoutingQuery } from '../../schemas/lakehouseTable.ts';
import { type SynthesizedCells, synthCells } from './support/synthCells.ts';
import {
  byName,
  type CfnResource,
  logicalIdOf,
  refersTo,
  resourcesOf,
  statementsOfRole,
} from './support/templateQueries.ts';

/**
 * A `lakehouse` cell (issue 14): Firehose (Direct PUT) into an Iceberg table in an S3 table bucket,
 * an Athena workgroup and QuickSight over Athena — and nothing of Timestream.
 */
const cell = awsCells().find((c) => c.analytics.store === 'lakehouse') as CellDefinition;
const topology = cellTopology(cell);
let synth: SynthesizedCells;
let t: Template;

beforeAll(() => {
  synth = synthCells([cell]);
  t = synth.templates.get(cell.id)!;
});
afterAll(() => synth?.cleanUp());

function only(type: string): [string, CfnResource] {
  const found = [...resourcesOf(t, type)];
  expect(found, type).toHaveLength(1);
  return found[0]!;
}

/** Every IAM statement of the template (inline policies), with the role it belongs to. */
function allStatements(): { Action: string | string[]; Resource: unknown }[] {
  return [...resourcesOf(t, 'AWS::IAM::Policy').values()].flatMap((p) => p.Properties.PolicyDocument.Statement);
}

const consumeFunctions = () =>
  topology.stages
    .flatMap((s) => s.consumers)
    .map(
      ({ stage, consumer }) =>
        byName(t, 'AWS::Lambda::Function', 'FunctionName', `bems-${cell.id}-consume-${stage}-${consumer}`)[1],
    );

describe('the example configuration', () => {
  it('has a cell of each analytics store', () => {
    expect(new Set(awsCells().map((c) => c.analytics.store))).toEqual(new Set(['timestream', 'lakehouse']));
  });
});

describe('a lakehouse cell', () => {
  it('has no Timestream resource, no Timestream permission and no Timestream environment', () => {
    const types = Object.values(t.toJSON().Resources as Record<string, CfnResource>).map((r) => r.Type);
    expect(types.filter((type) => type.startsWith('AWS::Timestream::'))).toEqual([]);
    const actions = allStatements().flatMap((s) => [s.Action].flat());
    expect(actions.filter((a) => a.startsWith('timestream:'))).toEqual([]);
    for (const [, fn] of resourcesOf(t, 'AWS::Lambda::Function')) {
      expect(
        Object.keys(fn.Properties.Environment?.Variables ?? {}).filter((k) => k.startsWith('TIMESTREAM_')),
      ).toEqual([]);
    }
  });

  it('keeps records in a KMS-encrypted S3 table bucket whose name is new for every stack, kept on delete', () => {
    const [bucketId, bucket] = only('AWS::S3Tables::TableBucket');
    expect(bucket.Properties.EncryptionConfiguration.SSEAlgorithm).toBe('aws:kms');
    // A fixed name could collide with the bucket a deleted stack kept: part of the stack id is in it.
    expect(JSON.stringify(bucket.Properties.TableBucketName)).toContain('AWS::StackId');
    const [, namespace] = only('AWS::S3Tables::Namespace');
    expect(refersTo(namespace.Properties.TableBucketARN, bucketId)).toBe(true);
    for (const type of ['AWS::S3Tables::TableBucket', 'AWS::S3Tables::Namespace', 'AWS::S3Tables::Table']) {
      const [, resource] = only(type) as [string, CfnResource & { DeletionPolicy?: string }];
      expect(resource.DeletionPolicy, type).toBe('RetainExceptOnCreate');
    }
  });

  it('has an Iceberg table with one column per field of the analytics record, typed from the record', () => {
    const [, table] = only('AWS::S3Tables::Table');
    expect(table.Properties.OpenTableFormat).toBe('ICEBERG');
    const fields = table.Properties.IcebergMetadata.IcebergSchema.SchemaFieldList as {
      Id: number;
      Name: string;
      Type: string;
    }[];
    const recordFields = ['time', ...ANALYTICS_DIMENSIONS, ...ANALYTICS_MEASURE_NAMES] as const;
    expect(fields.map((f) => f.Name)).toEqual(recordFields.map((f) => ATHENA_COLUMNS[f]));
    const typeOf = (name: string) => fields.find((f) => f.Name === name)!.Type;
    expect(typeOf('time')).toBe('timestamp');
    for (const dimension of ANALYTICS_DIMENSIONS) expect(typeOf(dimension)).toBe('string');
    const expected = {
      VARCHAR: 'string',
      DOUBLE: 'double',
      BIGINT: 'long',
      BOOLEAN: 'boolean',
      TIMESTAMP: 'timestamp',
    };
    for (const measure of ANALYTICS_MEASURE_NAMES) {
      expect(typeOf(ATHENA_COLUMNS[measure]), measure).toBe(expected[ANALYTICS_MEASURES[measure]]);
    }
    expect(new Set(fields.map((f) => f.Id)).size).toBe(fields.length);
    expect(table.Properties.IcebergMetadata.TableProperties).toEqual({ 'format-version': '2' });
  });

  it('keeps the field id of every column of the first schema, and gives account_id (added later) the next one', () => {
    const [, table] = only('AWS::S3Tables::Table');
    const fields = table.Properties.IcebergMetadata.IcebergSchema.SchemaFieldList as {
      Id: number;
      Name: string;
      Required: boolean;
    }[];
    // Iceberg knows a column by its id: renumbering would make a deployed table misread its data.
    const firstSchema = ['time', 'cell', 'region', 'stage', 'consumer', 'invoice_id', 'event_id', 'vendor_id'];
    const idOf = (name: string) => fields.find((f) => f.Name === name)!;
    expect(firstSchema.map((name) => idOf(name).Id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(idOf('replayed').Id).toBe(fields.length - 1);
    expect(idOf('account_id')).toMatchObject({ Id: fields.length, Required: false });
  });

  it('partitions the table by the day of the event time and by stage', () => {
    const [, table] = only('AWS::S3Tables::Table');
    const idOf = (name: string) => lakehouseColumns().find((c) => c.name === name)!.id;
    expect(table.Properties.IcebergMetadata.IcebergPartitionSpec.Fields).toEqual([
      { FieldId: 1000, Name: 'event_day', SourceId: idOf('time'), Transform: 'day' },
      { FieldId: 1001, Name: 'stage', SourceId: idOf('stage'), Transform: 'identity' },
    ]);
  });

  it('asks Firehose to update a row by its unique keys (JSONQuery routing with operation "update"), as the local emulator does', () => {
    const [, stream] = only('AWS::KinesisFirehose::DeliveryStream');
    const processing = stream.Properties.IcebergDestinationConfiguration.ProcessingConfiguration;
    expect(processing.Enabled).toBe(true);
    const [processor] = processing.Processors;
    expect(processor.Type).toBe('MetadataExtraction');
    const query = processor.Parameters.find(
      (p: { ParameterName: string }) => p.ParameterName === 'MetadataExtractionQuery',
    ).ParameterValue;
    expect(query).toBe(icebergRoutingQuery({ database: 'bems', table: 'invoice_events', operation: 'update' }));
    expect(query).toContain('operation: "update"');
  });

  it('delivers through an encrypted Direct PUT Firehose stream with the record identity as unique keys', () => {
    const [, stream] = only('AWS::KinesisFirehose::DeliveryStream');
    expect(stream.Properties).toMatchObject({
      DeliveryStreamName: `bems-${cell.id}-analytics`,
      DeliveryStreamType: 'DirectPut',
      DeliveryStreamEncryptionConfigurationInput: { KeyType: 'CUSTOMER_MANAGED_CMK' },
    });
    const iceberg = stream.Properties.IcebergDestinationConfiguration;
    expect(iceberg.AppendOnly).toBe(false);
    expect(iceberg.DestinationTableConfigurationList).toEqual([
      expect.objectContaining({
        DestinationDatabaseName: 'bems',
        DestinationTableName: 'invoice_events',
        UniqueKeys: ['event_id', 'consumer'],
      }),
    ]);
    expect(JSON.stringify(iceberg.CatalogConfiguration.CatalogArn)).toContain(':catalog/s3tablescatalog/');
  });

  it('buffers at most 60 s, well inside the 2-minute visibility target', () => {
    const [, stream] = only('AWS::KinesisFirehose::DeliveryStream');
    const hints = stream.Properties.IcebergDestinationConfiguration.BufferingHints;
    expect(hints).toEqual({
      IntervalInSeconds: LAKEHOUSE_BUFFERING.intervalSeconds,
      SizeInMBs: LAKEHOUSE_BUFFERING.sizeMiB,
    });
    expect(hints.IntervalInSeconds).toBeLessThanOrEqual(60);
  });

  it('writes what it could not deliver to an error prefix of a KMS-encrypted bucket', () => {
    const [, stream] = only('AWS::KinesisFirehose::DeliveryStream');
    const iceberg = stream.Properties.IcebergDestinationConfiguration;
    // CloudFormation spells this one property of IcebergDestinationConfiguration with a lower-case "s".
    expect(iceberg.s3BackupMode).toBe('FailedDataOnly');
    const bucketId = logicalIdOf(iceberg.S3Configuration.BucketARN);
    const bucket = resourcesOf(t, 'AWS::S3::Bucket').get(bucketId)!;
    expect(
      bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault
        .SSEAlgorithm,
    ).toBe('aws:kms');
    expect(iceberg.S3Configuration.ErrorOutputPrefix).toBe('errors/');
    expect(iceberg.S3Configuration.EncryptionConfiguration.KMSEncryptionConfig.AWSKMSKeyARN).toBeDefined();
  });

  it("gives Firehose its own role, scoped to this cell's table, catalog, error bucket, key and log stream", () => {
    const [, stream] = only('AWS::KinesisFirehose::DeliveryStream');
    const roleId = logicalIdOf(stream.Properties.IcebergDestinationConfiguration.RoleARN);
    const role = resourcesOf(t, 'AWS::IAM::Role').get(roleId)!;
    expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).toContain('firehose.amazonaws.com');
    const statements = statementsOfRole(t, roleId);
    expect(statements.filter((s) => JSON.stringify(s.Resource) === '"*"')).toEqual([]);
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(
      expect.arrayContaining([
        'glue:GetTable',
        'glue:UpdateTable',
        's3tables:PutTableData',
        's3tables:UpdateTableMetadataLocation',
        's3:PutObject',
        'logs:PutLogEvents',
        'kms:GenerateDataKey',
      ]),
    );
    const glue = statements.find((s) => [s.Action].flat().includes('glue:UpdateTable'))!;
    expect(JSON.stringify(glue.Resource)).toContain(':table/s3tablescatalog/');
    expect(JSON.stringify(glue.Resource)).toContain('/bems/invoice_events');
    // No Lake Formation permission: the integration runs in IAM access control mode.
    expect(actions.filter((a) => a.startsWith('lakeformation:'))).toEqual([]);
  });

  it('lets each consume function put records on its stream, and tells it the store and stream', () => {
    const [streamId] = only('AWS::KinesisFirehose::DeliveryStream');
    for (const fn of consumeFunctions()) {
      expect(fn.Properties.Environment.Variables).toMatchObject({
        ANALYTICS_STORE: 'lakehouse',
        FIREHOSE_STREAM_NAME: `bems-${cell.id}-analytics`,
      });
      const statements = statementsOfRole(t, logicalIdOf(fn.Properties.Role));
      const puts = statements.filter((s) => [s.Action].flat().includes('firehose:PutRecordBatch'));
      expect(puts).toHaveLength(1);
      expect([puts[0].Action].flat().sort()).toEqual(['firehose:PutRecord', 'firehose:PutRecordBatch']);
      expect(refersTo(puts[0].Resource, streamId)).toBe(true);
    }
  });

  it('runs the monitor without a store probe or SLA query (no Timestream), still reading queue ages', () => {
    const [, monitor] = byName(t, 'AWS::Lambda::Function', 'FunctionName', `bems-${cell.id}-monitor`);
    const statements = statementsOfRole(t, logicalIdOf(monitor.Properties.Role));
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions).toContain('cloudwatch:GetMetricData');
    expect(actions.filter((a) => a.startsWith('timestream:') || a.startsWith('firehose:'))).toEqual([]);
  });

  it('has an Athena workgroup with enforced, KMS-encrypted results and a bytes-scanned limit', () => {
    const [, workGroup] = only('AWS::Athena::WorkGroup');
    const config = workGroup.Properties.WorkGroupConfiguration;
    expect(config).toMatchObject({
      EnforceWorkGroupConfiguration: true,
      BytesScannedCutoffPerQuery: ATHENA_BYTES_SCANNED_CUTOFF,
      EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
      ResultConfiguration: { EncryptionConfiguration: { EncryptionOption: 'SSE_KMS' } },
    });
    expect(config.BytesScannedCutoffPerQuery).toBeLessThanOrEqual(1024 ** 4);
    const resultsId = logicalIdOf(config.ResultConfiguration.OutputLocation['Fn::Join'][1][1]);
    const results = resourcesOf(t, 'AWS::S3::Bucket').get(resultsId)!;
    expect(results.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(7);
    const policies = [...resourcesOf(t, 'AWS::S3::BucketPolicy').values()].filter((p) =>
      refersTo(p.Properties.Bucket, resultsId),
    );
    expect(JSON.stringify(policies)).toContain('aws:SecureTransport');
  });

  it('has a QuickSight Athena data source in the workgroup, queried as a role of the cell', () => {
    const [, source] = only('AWS::QuickSight::DataSource');
    expect(source.Properties).toMatchObject({ Type: 'ATHENA', DataSourceId: `bems-${cell.id}-athena` });
    const athena = source.Properties.DataSourceParameters.AthenaParameters;
    expect(athena.WorkGroup).toBe(`bems-${cell.id}`);
    const roleId = logicalIdOf(athena.RoleArn);
    const statements = statementsOfRole(t, roleId);
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(
      expect.arrayContaining(['athena:StartQueryExecution', 'glue:GetTable', 's3tables:GetTableData', 'kms:Decrypt']),
    );
    // Read only: nothing that writes the table or the catalog.
    expect(actions.filter((a) => /^(glue:Update|s3tables:(Put|Update))/.test(a))).toEqual([]);
    expect(JSON.stringify(t.toJSON())).not.toContain('aws-quicksight-service-role');
  });

  it('has the same datasets and one dashboard as a Timestream cell, with Athena SQL on the Iceberg table', () => {
    const datasets = [...resourcesOf(t, 'AWS::QuickSight::DataSet').values()];
    expect(datasets.map((d) => d.Properties.DataSetId).sort()).toEqual(
      DATASET_IDS.map((id) => `bems-${cell.id}-${id.replaceAll('_', '-')}`).sort(),
    );
    for (const dataset of datasets) {
      const sql = JSON.stringify(Object.values(dataset.Properties.PhysicalTableMap)[0]);
      expect(sql).toContain('s3tablescatalog/');
      expect(sql).toContain('\\"bems\\".\\"invoice_events\\"');
      // Every query reads a time window of the partition source column (`time`), so Athena prunes by day.
      expect(sql).toMatch(/\btime >=? \(now\(\) - INTERVAL/);
      expect(sql).not.toMatch(/\bago\(|\bbin\(/);
    }
    only('AWS::QuickSight::Dashboard');
  });
});

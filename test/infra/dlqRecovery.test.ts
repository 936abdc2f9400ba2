import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCells } from '../../cells/cells.config.ts';
import { FAILURE_RECORD } from '../../schemas/failureRecord.ts';
import { type SynthesizedCells, synthCells } from './support/synthCells.ts';
import { byName, logicalIdOf, refersTo, resourcesOf, statementsOfRole } from './support/templateQueries.ts';

/**
 * DLQ recovery (issue 19): the failure table the functions write, the parked store operators write
 * (encrypted with the cell key, TLS only, versioned), what the monitor may do with it, and the
 * operators' role.
 */
let synth: SynthesizedCells;
const cells = awsCells();

beforeAll(() => {
  synth = synthCells(cells);
});
afterAll(() => synth?.cleanUp());

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

function functionRole(t: Template, suffix: string): string {
  const [, fn] = [...resourcesOf(t, 'AWS::Lambda::Function')].find(([, f]) =>
    String(f.Properties.FunctionName).endsWith(suffix),
  )!;
  return logicalIdOf(fn.Properties.Role);
}

function functionEnv(t: Template, suffix: string): Record<string, unknown> {
  const [, fn] = [...resourcesOf(t, 'AWS::Lambda::Function')].find(([, f]) =>
    String(f.Properties.FunctionName).endsWith(suffix),
  )!;
  return fn.Properties.Environment.Variables;
}

/** Actions of a role's statements on a resource, e.g. the bucket's objects under `parked/*`. */
function actionsOn(t: Template, roleId: string, matches: (resource: unknown) => boolean): string[] {
  return (statementsOfRole(t, roleId) as Statement[])
    .filter((s) => [s.Resource].flat().some(matches))
    .flatMap((s) => [s.Action].flat())
    .sort();
}

/** `arn-of-bucket/prefix` as CloudFormation writes it: Fn::Join of the bucket's Arn and the suffix. */
function objectsOf(bucketId: string, prefix: string) {
  return (resource: unknown) =>
    JSON.stringify(resource) ===
    JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, `/${prefix}`]] });
}

describe.each(cells.map((cell) => [cell.id, cell] as const))('cell %s DLQ recovery', (cellId) => {
  const template = () => synth.templates.get(cellId)!;
  const parkedBucketId = (t: Template) =>
    [...resourcesOf(t, 'AWS::S3::Bucket')].find(([id]) => id.includes('RecoveryParkedBucket'))![0];

  it('keeps failure records in an on-demand table encrypted with the cell key, expired by TTL', () => {
    const t = template();
    const [, table] = byName(t, 'AWS::DynamoDB::Table', 'TableName', `bems-${cellId}-failures`);
    const [keyId] = Object.keys(t.findResources('AWS::KMS::Key'));
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: FAILURE_RECORD.partitionKey, KeyType: 'HASH' },
        { AttributeName: FAILURE_RECORD.sortKey, KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: FAILURE_RECORD.ttlAttribute, Enabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
    });
    expect(logicalIdOf(table.Properties.SSESpecification.KMSMasterKeyId)).toBe(keyId);
  });

  it('lets forward and every consume function only update failure records, and names the table in their environment', () => {
    const t = template();
    const [tableId] = byName(t, 'AWS::DynamoDB::Table', 'TableName', `bems-${cellId}-failures`);
    const writers = [...resourcesOf(t, 'AWS::Lambda::Function')]
      .map(([, f]) => String(f.Properties.FunctionName))
      .filter((name) => name.endsWith('-forward') || name.includes('-consume-'));
    expect(writers.length).toBeGreaterThanOrEqual(2);
    for (const name of writers) {
      expect(functionEnv(t, name).FAILURE_TABLE_NAME, name).toBe(`bems-${cellId}-failures`);
      expect(
        actionsOn(t, functionRole(t, name), (r) => refersTo(r, tableId)),
        name,
      ).toEqual(['dynamodb:UpdateItem']);
    }
    expect(actionsOn(t, functionRole(t, '-ingest'), (r) => refersTo(r, tableId))).toEqual([]);
  });

  it('keeps parked messages in a versioned bucket encrypted with the cell key that refuses plain HTTP', () => {
    const t = template();
    const bucketId = parkedBucketId(t);
    const bucket = t.toJSON().Resources[bucketId];
    const [keyId] = Object.keys(t.findResources('AWS::KMS::Key'));
    const encryption = bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0];
    expect(encryption.ServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
    expect(logicalIdOf(encryption.ServerSideEncryptionByDefault.KMSMasterKeyID)).toBe(keyId);
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.Properties.PublicAccessBlockConfiguration).toMatchObject({
      BlockPublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.DeletionPolicy).toBe('RetainExceptOnCreate');
    const [, policy] = [...resourcesOf(t, 'AWS::S3::BucketPolicy')].find(([, p]) =>
      refersTo(p.Properties.Bucket, bucketId),
    )!;
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('lets the monitor read parked messages (to close alerts) and write nothing', () => {
    const t = template();
    const bucketId = parkedBucketId(t);
    const monitorRole = functionRole(t, '-monitor');
    expect(logicalIdOf(functionEnv(t, '-monitor').PARKED_BUCKET_NAME)).toBe(bucketId);
    expect(actionsOn(t, monitorRole, objectsOf(bucketId, 'parked/*'))).toEqual(['s3:GetObject']);
    expect(actionsOn(t, monitorRole, objectsOf(bucketId, 'audit/*'))).toEqual([]);
    expect(actionsOn(t, monitorRole, (r) => refersTo(r, bucketId))).toEqual(['s3:ListBucket']);
  });

  it('gives operators a role that parks, restores and discards, and never deletes an audit record', () => {
    const t = template();
    const bucketId = parkedBucketId(t);
    const [roleId] = byName(t, 'AWS::IAM::Role', 'RoleName', `bems-${cellId}-dlq-operator`);
    expect(actionsOn(t, roleId, objectsOf(bucketId, 'parked/*'))).toEqual([
      's3:DeleteObject',
      's3:GetObject',
      's3:PutObject',
    ]);
    expect(actionsOn(t, roleId, objectsOf(bucketId, 'audit/*'))).toEqual(['s3:GetObject', 's3:PutObject']);
    const [dlqId] = byName(t, 'AWS::SQS::Queue', 'QueueName', `bems-${cellId}-posting-recorder-dlq.fifo`);
    expect(actionsOn(t, roleId, (r) => refersTo(r, dlqId))).toEqual([
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
      'sqs:SendMessage',
    ]);
    const [queueId] = byName(t, 'AWS::SQS::Queue', 'QueueName', `bems-${cellId}-posting-recorder.fifo`);
    expect(actionsOn(t, roleId, (r) => refersTo(r, queueId))).toEqual(['sqs:GetQueueAttributes']);
  });

  it('publishes the bucket under /bems/<cell>/dlq/parked-bucket for the CLI', () => {
    const t = template();
    const [, parameter] = byName(t, 'AWS::SSM::Parameter', 'Name', `/bems/${cellId}/dlq/parked-bucket`);
    expect(refersTo(parameter.Properties.Value, parkedBucketId(t))).toBe(true);
  });
});

import { Validations } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCells } from '../../cells/cells.config.ts';
import type { CellDefinition } from '../../cells/definition.ts';
import { isTimestreamCell, type SynthesizedCells, synthCells, variantCell } from './support/synthCells.ts';
import { type CfnResource, logicalIdOf, resourcesOf, statementsOfRole } from './support/templateQueries.ts';

/**
 * Security defaults of every cell: one customer-managed key for everything at rest, TLS-only
 * resource policies, a role per function with nothing but its grants, and cdk-nag AwsSolutions
 * with zero unacknowledged findings (and no acknowledgement without a finding).
 */
let synth: SynthesizedCells;
const cells: CellDefinition[] = [...awsCells(), variantCell()];
const template = (cellId: string): Template => synth.templates.get(cellId)!;

beforeAll(() => {
  synth = synthCells(cells, { cloudFormationValidation: true });
});
afterAll(() => synth?.cleanUp());

/** The logical id of the cell's KMS key. */
function keyId(t: Template): string {
  const keys = Object.keys(t.findResources('AWS::KMS::Key'));
  expect(keys).toHaveLength(1);
  return keys[0]!;
}

/** Whether a property value points at the cell key (by ARN or id). */
function isCellKey(t: Template, value: unknown): boolean {
  return value !== undefined && logicalIdOf(value) === keyId(t);
}

describe.each(cells.map((cell) => [cell.id, cell] as const))('cell %s security', (cellId, cell) => {
  it('has one customer-managed key with yearly rotation, kept when the stack is deleted', () => {
    const t = template(cellId);
    t.resourceCountIs('AWS::KMS::Key', 1);
    t.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true, RotationPeriodInDays: 365 },
      DeletionPolicy: 'RetainExceptOnCreate',
    });
    t.hasResourceProperties('AWS::KMS::Alias', { AliasName: `alias/bems-${cellId}` });
  });

  it('encrypts every queue, topic, log group, the bus, the archive, the analytics store and the buckets with it', () => {
    const t = template(cellId);
    const checks: [string, (r: CfnResource) => unknown][] = [
      ['AWS::SQS::Queue', (r) => r.Properties.KmsMasterKeyId],
      ['AWS::SNS::Topic', (r) => r.Properties.KmsMasterKeyId],
      ['AWS::Logs::LogGroup', (r) => r.Properties.KmsKeyId],
      ['AWS::Events::EventBus', (r) => r.Properties.KmsKeyIdentifier],
      ['AWS::Events::Archive', (r) => r.Properties.KmsKeyIdentifier],
      // The analytics store: the Timestream database, or the table bucket, the stream and the query results.
      ...((isTimestreamCell(cell)
        ? [['AWS::Timestream::Database', (r) => r.Properties.KmsKeyId]]
        : [
            ['AWS::S3Tables::TableBucket', (r) => r.Properties.EncryptionConfiguration.KMSKeyArn],
            [
              'AWS::KinesisFirehose::DeliveryStream',
              (r) => r.Properties.DeliveryStreamEncryptionConfigurationInput.KeyARN,
            ],
            [
              'AWS::Athena::WorkGroup',
              (r) => r.Properties.WorkGroupConfiguration.ResultConfiguration.EncryptionConfiguration.KmsKey,
            ],
          ]) as [string, (r: CfnResource) => unknown][]),
      [
        'AWS::S3::Bucket',
        (r) =>
          r.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault
            .KMSMasterKeyID,
      ],
    ];
    for (const [type, keyOf] of checks) {
      const resources = [...resourcesOf(t, type)];
      expect(resources.length, type).toBeGreaterThan(0);
      for (const [id, resource] of resources) expect(isCellKey(t, keyOf(resource)), `${type} ${id}`).toBe(true);
    }
  });

  it('lets AWS services use the key only for this cell', () => {
    const t = template(cellId);
    const [, key] = [...resourcesOf(t, 'AWS::KMS::Key')][0]!;
    const statements: { Principal?: { Service?: string }; Condition?: unknown }[] = key.Properties.KeyPolicy.Statement;
    const byService = (service: string) => statements.filter((s) => s.Principal?.Service === service);
    const prefix = `bems-${cellId}`;
    expect(JSON.stringify(byService(`logs.${cell.region}.amazonaws.com`))).toContain(`log-group:*${prefix}*`);
    expect(byService('sns.amazonaws.com')).toEqual([
      expect.objectContaining({
        Condition: {
          StringEquals: { 'aws:SourceAccount': cell.account },
          ArnLike: { 'aws:SourceArn': `arn:aws:sns:${cell.region}:${cell.account}:${prefix}-*` },
        },
      }),
    ]);
    expect(byService('cloudwatch.amazonaws.com')).toHaveLength(1);
    for (const statement of statements.filter((s) => s.Principal?.Service)) {
      // Every service statement is conditioned, except EventBridge's DescribeKey (no data access).
      if (JSON.stringify(statement).includes('kms:DescribeKey') && !statement.Condition) continue;
      expect(statement.Condition, JSON.stringify(statement)).toBeDefined();
    }
  });

  it('refuses non-TLS access to every queue, topic and the bucket', () => {
    const t = template(cellId);
    const denyInsecure = {
      Effect: 'Deny',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    };
    const queuesWithTls = new Set(
      [...resourcesOf(t, 'AWS::SQS::QueuePolicy')]
        .filter(([, p]) =>
          p.Properties.PolicyDocument.Statement.some((s: object) => Match.objectLike(denyInsecure).test(s).isSuccess),
        )
        .flatMap(([, p]) => p.Properties.Queues.map(logicalIdOf)),
    );
    expect([...resourcesOf(t, 'AWS::SQS::Queue').keys()].filter((id) => !queuesWithTls.has(id))).toEqual([]);

    const topicsWithTls = new Set(
      [...resourcesOf(t, 'AWS::SNS::TopicPolicy')]
        .filter(([, p]) =>
          p.Properties.PolicyDocument.Statement.some((s: object) => Match.objectLike(denyInsecure).test(s).isSuccess),
        )
        .flatMap(([, p]) => p.Properties.Topics.map(logicalIdOf)),
    );
    expect([...resourcesOf(t, 'AWS::SNS::Topic').keys()].filter((id) => !topicsWithTls.has(id))).toEqual([]);

    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike(denyInsecure)]) },
    });
  });

  it('gives every function its own role with no managed policies and only its own log group', () => {
    const t = template(cellId);
    const functions = [...resourcesOf(t, 'AWS::Lambda::Function')];
    const roleIds = functions.map(([, fn]) => logicalIdOf(fn.Properties.Role));
    expect(new Set(roleIds).size).toBe(functions.length);
    const roles = resourcesOf(t, 'AWS::IAM::Role');
    for (const [fnId, fn] of functions) {
      const roleId = logicalIdOf(fn.Properties.Role);
      expect(roles.get(roleId)!.Properties.ManagedPolicyArns, fnId).toBeUndefined();
      const statements = statementsOfRole(t, roleId);
      const logWrites = statements.filter((s) => JSON.stringify(s.Action).includes('logs:PutLogEvents'));
      expect(logWrites, fnId).toHaveLength(1);
      expect(logicalIdOf(logWrites[0].Resource)).toBe(logicalIdOf(fn.Properties.LoggingConfig.LogGroup));
      // Nothing is granted on every resource except the actions that have no resource scope.
      const unscoped = statements.filter((s) => s.Resource === '*').flatMap((s) => [s.Action].flat());
      for (const action of unscoped) {
        expect([
          'xray:PutTraceSegments',
          'xray:PutTelemetryRecords',
          'timestream:DescribeEndpoints',
          'cloudwatch:GetMetricData',
        ]).toContain(action);
      }
    }
  });

  it('sends no function log to a group without retention', () => {
    const t = template(cellId);
    for (const [id, group] of resourcesOf(t, 'AWS::Logs::LogGroup')) {
      expect(group.Properties.RetentionInDays, id).toBe(90);
    }
  });
});

/**
 * Acknowledgements aws-cdk-lib declares itself, whether or not the finding occurs: the stack's W3010
 * (literal Availability Zones, declared once `ec2.Vpc` reads the stack's zones) and the flow log's
 * F3002/F3003 (its DestinationOptions casing). Not ours to remove.
 */
const CDK_OWN_ACKNOWLEDGEMENTS = [
  'CloudFormation-Validate::W3010',
  'CloudFormation-Validate::F3002',
  'CloudFormation-Validate::F3003',
];

describe('cdk-nag AwsSolutions on the example cells', () => {
  it('reports no finding that is not acknowledged, in any validation plugin', () => {
    const reports = synth.report.pluginReports;
    expect(reports.map((r) => r.pluginName)).toEqual(
      expect.arrayContaining(['AwsSolutions', 'CloudFormation Validate']),
    );
    for (const report of reports) {
      expect(report.violations, report.pluginName).toEqual([]);
      expect(report.conclusion, report.pluginName).toBe('success');
    }
  });

  it('acknowledges each finding by its exact id, with a specific reason', () => {
    const suppressed = synth.report.pluginReports.flatMap((r) => r.suppressedViolations ?? []);
    expect(suppressed.length).toBeGreaterThan(0);
    for (const violation of suppressed) {
      expect(violation.acknowledgedId).toMatch(/^(AwsSolutions|CloudFormation-Validate)::/);
      expect(violation.acknowledgedId!.split('::').slice(1).join('::')).toBe(violation.ruleName);
      expect(violation.reason!.length, violation.ruleName).toBeGreaterThanOrEqual(60);
    }
  });

  it('has no acknowledgement that matches no finding', () => {
    const suppressed = synth.report.pluginReports.flatMap((r) => r.suppressedViolations ?? []);
    const used = new Set(suppressed.map((v) => `${v.acknowledgedAt} ${v.acknowledgedId}`));
    const declared = [...synth.stacks.values()].flatMap((stack) =>
      stack.node
        .findAll()
        .flatMap((construct) =>
          construct.node.metadata
            .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
            .flatMap((entry) => Object.keys(entry.data as object).map((id) => `${construct.node.path} ${id}`)),
        ),
    );
    expect(declared.length).toBeGreaterThan(0);
    const ours = declared.filter((ack) => !CDK_OWN_ACKNOWLEDGEMENTS.some((id) => ack.endsWith(` ${id}`)));
    expect(ours.filter((ack) => !used.has(ack))).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCells } from '../../cells/cells.config.ts';
import { PROJECT_ROOT } from '../../cells/constructs/CellFunction.ts';
import { type SynthesizedCells, synthCells } from './support/synthCells.ts';
import { type CfnResource, logicalIdOf } from './support/templateQueries.ts';

/**
 * A first deploy that can be retried (issue 14): every resource type of every configured cell's
 * template (a `timestream` and a `lakehouse` cell) is classified here, with the deletion and
 * update-replace policy it must have and why. A resource type that appears in a template without an
 * entry fails the test: decide whether it keeps data before it ships.
 */

interface Policies {
  readonly DeletionPolicy: string;
  readonly UpdateReplacePolicy: string;
}

/** Kept by a stack delete and a replacement, deleted by the rollback of the create that made it. */
const KEPT: Policies = { DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' };
/** Deleted with the stack (also what CloudFormation does when no policy is given). */
const DELETED: Policies = { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' };
/** Kept always, even by a failed create: account-wide settings other cells may rely on. */
const ACCOUNT_SETTING: Policies = { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' };

/**
 * How a kept resource is named, so a resource a deleted stack kept never blocks the next create:
 * - `generated`: CloudFormation generates the name (the property is absent);
 * - `unique`: the name contains the stack id (`stackUniqueSuffix`), new for every stack;
 * - `fixed`: a literal name others depend on; why a leftover cannot block a retry, and the
 *   clean-up before the same cell is created again, are in docs/OPERATIONS.md ("Deleting a cell").
 * - `none`: the resource type has no name of its own.
 */
type Naming =
  | { readonly kind: 'generated' | 'unique'; readonly property: string }
  | { readonly kind: 'fixed'; readonly property: string; readonly why: string }
  | { readonly kind: 'none' };

interface Entry {
  /** The policies, or how to find them for a type whose resources differ (a DLQ and its main queue). */
  readonly policies: Policies | ((logicalId: string, template: Template) => Policies);
  readonly why: string;
  /** For types that may be kept. */
  readonly naming?: Naming;
}

const FIXED_BECAUSE_ROLLBACK_DELETES =
  'a failed create deletes it (RetainExceptOnCreate), so a leftover exists only after a deliberate delete';

/** The resource a policy resource (`Queues`, `Bucket`) is attached to. */
function targetOf(resource: CfnResource): string {
  const target = resource.Properties.Bucket ?? resource.Properties.Queues?.[0];
  return logicalIdOf(target);
}

function resources(template: Template): Record<string, CfnResource & Partial<Policies>> {
  return template.toJSON().Resources;
}

/** The policies a resource has in the template (an absent policy is CloudFormation's Delete). */
function policiesOf(template: Template, logicalId: string): Policies {
  const resource = resources(template)[logicalId]!;
  return {
    DeletionPolicy: resource.DeletionPolicy ?? 'Delete',
    UpdateReplacePolicy: resource.UpdateReplacePolicy ?? 'Delete',
  };
}

/** A queue some other queue dead-letters into: a DLQ. */
function isDeadLetterQueue(logicalId: string, template: Template): boolean {
  return Object.values(resources(template)).some(
    (r) =>
      r.Type === 'AWS::SQS::Queue' &&
      r.Properties.RedrivePolicy?.deadLetterTargetArn?.['Fn::GetAtt']?.[0] === logicalId,
  );
}

/** The role API Gateway's account setting points at (`AWS::ApiGateway::Account` CloudWatchRoleArn). */
function isApiGatewayAccountRole(logicalId: string, template: Template): boolean {
  return Object.values(resources(template)).some(
    (r) => r.Type === 'AWS::ApiGateway::Account' && logicalIdOf(r.Properties.CloudWatchRoleArn) === logicalId,
  );
}

/** Stateful resource types: the cell's data, its audit record, its evidence, and the key to all of it. */
const STATEFUL: Record<string, Entry> = {
  'AWS::Backup::BackupVault': {
    policies: KEPT,
    why: 'the recovery points a deleted cell is restored from (docs/RECOVERY.md)',
    naming: {
      kind: 'fixed',
      property: 'BackupVaultName',
      why: `bems-<cell>-backup, named in docs/RECOVERY.md; ${FIXED_BECAUSE_ROLLBACK_DELETES}`,
    },
  },
  'AWS::KMS::Key': {
    policies: KEPT,
    why: 'decrypts everything kept; deleting it makes the kept data unreadable',
    naming: { kind: 'none' },
  },
  'AWS::Events::Archive': {
    policies: KEPT,
    why: 'every accepted event: the audit record and the source of replay',
    naming: { kind: 'unique', property: 'ArchiveName' },
  },
  'AWS::SQS::Queue': {
    policies: (id, t) => (isDeadLetterQueue(id, t) ? KEPT : DELETED),
    why: 'a DLQ holds the events that could not be processed; a main queue is a buffer (drain it, or replay from the archive)',
    naming: {
      kind: 'fixed',
      property: 'QueueName',
      why: `the monitor topology, alarms, dashboards and the local cell name DLQs by cellTopology(); ${FIXED_BECAUSE_ROLLBACK_DELETES}, and SQS empties it after dlqRetentionDays`,
    },
  },
  'AWS::SQS::QueuePolicy': {
    policies: (id, t) => policiesOf(t, targetOf(resources(t)[id]!)),
    why: 'follows its queue: a kept DLQ keeps its TLS-only policy',
    naming: { kind: 'none' },
  },
  'AWS::Timestream::Database': {
    policies: KEPT,
    why: 'the analytics records of a timestream cell',
    naming: {
      kind: 'fixed',
      property: 'DatabaseName',
      why: `consumers, the monitor, the CLI's SLA check and the dashboards find it by cellTopology(); ${FIXED_BECAUSE_ROLLBACK_DELETES}`,
    },
  },
  'AWS::Timestream::Table': {
    policies: KEPT,
    why: 'the analytics records of a timestream cell',
    naming: { kind: 'fixed', property: 'TableName', why: 'inside its database (same clean-up)' },
  },
  'AWS::DynamoDB::Table': {
    policies: KEPT,
    why: "the ingest API's idempotency records; a replacement in a live cell would restart the window",
    naming: {
      kind: 'fixed',
      property: 'TableName',
      why: `operators look records up by it; ${FIXED_BECAUSE_ROLLBACK_DELETES}, and its records are void after the window`,
    },
  },
  'AWS::S3::Bucket': {
    policies: KEPT,
    why: 'rejected-record reports, Firehose delivery errors, Athena results, game-day configurations: evidence, and a non-empty bucket cannot be deleted',
    naming: { kind: 'generated', property: 'BucketName' },
  },
  'AWS::S3::BucketPolicy': {
    policies: (id, t) => policiesOf(t, targetOf(resources(t)[id]!)),
    why: 'follows its bucket: a kept bucket keeps its TLS-only policy',
    naming: { kind: 'none' },
  },
  'AWS::S3Tables::TableBucket': {
    policies: KEPT,
    why: 'the analytics records of a lakehouse cell',
    naming: { kind: 'unique', property: 'TableBucketName' },
  },
  'AWS::S3Tables::Namespace': {
    policies: KEPT,
    why: 'holds the Iceberg table',
    naming: { kind: 'none' },
  },
  'AWS::S3Tables::Table': {
    policies: KEPT,
    why: 'the analytics records of a lakehouse cell',
    naming: { kind: 'none' },
  },
  'AWS::Logs::LogGroup': {
    policies: KEPT,
    why: 'function, API and Firehose logs: evidence for an investigation after a delete',
    naming: {
      kind: 'fixed',
      property: 'LogGroupName',
      why: `Lambda and API Gateway write to /aws/lambda/<function> and /aws/apigateway/<prefix>-access (operators tail them); ${FIXED_BECAUSE_ROLLBACK_DELETES}`,
    },
  },
  'AWS::Logs::LogStream': {
    policies: KEPT,
    why: "deleting a stream deletes its events from the kept log group (Firehose's delivery errors)",
    naming: { kind: 'fixed', property: 'LogStreamName', why: 'inside its log group (same clean-up)' },
  },
  'AWS::ApiGateway::Account': {
    policies: ACCOUNT_SETTING,
    why: "API Gateway's CloudWatch role is one setting per account and Region, shared by every cell there: a rollback or delete of one cell must not break the others' logging",
    naming: { kind: 'none' },
  },
};

/** Resource types without data: deleted with the stack, so their fixed names are free again. */
const STATELESS: Record<string, string> = {
  'AWS::ApiGateway::ApiKey': 'API key ids are regenerated; clients get the new value',
  'AWS::ApplicationAutoScaling::ScalableTarget': 'configuration',
  'AWS::ApplicationAutoScaling::ScalingPolicy': 'configuration',
  'AWS::EC2::EIP': "the NAT gateway's address; nothing outside points at it (egress only)",
  'AWS::EC2::FlowLog': 'configuration (the flow logs are in a kept log group)',
  'AWS::EC2::InternetGateway': 'network',
  'AWS::EC2::NatGateway': 'network',
  'AWS::EC2::Route': 'network',
  'AWS::EC2::RouteTable': 'network',
  'AWS::EC2::SecurityGroup': 'network',
  'AWS::EC2::Subnet': 'network: the Fargate consumers hold no data in it',
  'AWS::EC2::SubnetRouteTableAssociation': 'network',
  'AWS::EC2::VPC': 'network of the Fargate consumers, which keep nothing in it (the queue is their state)',
  'AWS::EC2::VPCGatewayAttachment': 'network',
  'AWS::ECS::Cluster': 'holds tasks, not data',
  'AWS::ECS::Service': 'configuration: its tasks keep no state (a stopped task leaves its messages in the queue)',
  'AWS::ECS::TaskDefinition': 'code',
  'AWS::ApiGateway::BasePathMapping': 'configuration',
  'AWS::ApiGateway::Deployment': 'configuration',
  'AWS::ApiGateway::DomainName': 'configuration (the certificate is outside the stack)',
  'AWS::ApiGateway::GatewayResponse': 'configuration',
  'AWS::ApiGateway::Method': 'configuration',
  'AWS::ApiGateway::Model': 'configuration',
  'AWS::ApiGateway::RequestValidator': 'configuration',
  'AWS::ApiGateway::Resource': 'configuration',
  'AWS::ApiGateway::RestApi': 'configuration',
  'AWS::ApiGateway::Stage': 'configuration (its logs are in kept log groups)',
  'AWS::ApiGateway::UsagePlan': 'configuration',
  'AWS::ApiGateway::UsagePlanKey': 'configuration',
  'AWS::Athena::WorkGroup': 'query history is not a record; the results bucket is kept',
  'AWS::CloudWatch::Alarm': 'configuration',
  'AWS::CloudWatch::Dashboard': 'configuration',
  'AWS::Events::EventBus': 'holds no events: the archive does',
  'AWS::Events::Rule': 'configuration',
  'AWS::FIS::ExperimentTemplate': 'configuration (FIS keeps the experiment history)',
  'AWS::IAM::Policy': 'permissions',
  'AWS::IAM::Role': 'permissions',
  'AWS::KMS::Alias': 'a name: deleted with the stack so the next create can take it (the key is kept)',
  'AWS::Backup::BackupPlan': 'configuration: what to back up when (the recovery points are in the vault)',
  'AWS::Backup::BackupSelection': 'configuration',
  'AWS::Lambda::Alias': 'configuration: the live alias with provisioned concurrency',
  'AWS::Lambda::Version': 'code: a published version of the function',
  'AWS::KinesisFirehose::DeliveryStream': 'buffers at most 60 s (drain before a delete); errors go to the kept bucket',
  'AWS::Lambda::EventSourceMapping': 'configuration',
  'AWS::Lambda::Function': 'code',
  'AWS::Lambda::Permission': 'permissions',
  'AWS::QuickSight::Dashboard': 'a definition in code',
  'AWS::QuickSight::DataSet': 'a definition in code; SPICE is a cache of the store',
  'AWS::QuickSight::DataSource': 'a definition in code',
  'AWS::QuickSight::RefreshSchedule': 'configuration',
  'AWS::Route53::HealthCheck': 'configuration',
  'AWS::Route53::RecordSet': "the cell's latency record; other cells keep theirs",
  'AWS::SNS::Subscription': 'configuration',
  'AWS::SNS::Topic': 'holds no messages (FIFO topics here have no archive policy)',
  'AWS::SNS::TopicPolicy': 'permissions',
  'AWS::SSM::Parameter':
    "the cell's outputs (rewritten by every deploy) and the monitor's alert state, whose open alerts concern queues deleted with the stack",
  'AWS::Scheduler::Schedule': 'configuration',
  'AWS::WAFv2::WebACL': 'configuration',
  'AWS::WAFv2::WebACLAssociation': 'configuration',
};

/** The few resources of a stateless type that are not deleted, and why. */
function exceptionOf(type: string, logicalId: string, template: Template): Policies | undefined {
  if (type === 'AWS::IAM::Role' && isApiGatewayAccountRole(logicalId, template)) return ACCOUNT_SETTING;
  return undefined;
}

function expectedPolicies(type: string, logicalId: string, template: Template): Policies {
  const entry = STATEFUL[type];
  if (entry) return typeof entry.policies === 'function' ? entry.policies(logicalId, template) : entry.policies;
  return exceptionOf(type, logicalId, template) ?? DELETED;
}

const cells = awsCells();
let synth: SynthesizedCells;

beforeAll(() => {
  synth = synthCells(cells);
});
afterAll(() => synth?.cleanUp());

describe('the classification', () => {
  it('covers both analytics stores', () => {
    expect(new Set(cells.map((c) => c.analytics.store))).toEqual(new Set(['timestream', 'lakehouse']));
  });

  it('names no type twice', () => {
    expect(Object.keys(STATEFUL).filter((type) => type in STATELESS)).toEqual([]);
  });
});

describe.each(cells.map((cell) => [cell.id, cell.analytics.store] as const))('cell %s (%s)', (cellId) => {
  const template = () => synth.templates.get(cellId)!;

  it('has an entry for every resource type of its template', () => {
    const types = new Set(Object.values(resources(template())).map((r) => r.Type));
    const unclassified = [...types].filter((type) => !(type in STATEFUL) && !(type in STATELESS));
    expect(unclassified, 'new resource types: add each to STATEFUL or STATELESS with its policies').toEqual([]);
  });

  it('gives every resource the deletion and update-replace policy of its type', () => {
    const t = template();
    const wrong = Object.entries(resources(t))
      .map(([id, r]) => ({ id, type: r.Type, expected: expectedPolicies(r.Type, id, t), actual: policiesOf(t, id) }))
      .filter(({ expected, actual }) => JSON.stringify(expected) !== JSON.stringify(actual));
    expect(wrong).toEqual([]);
  });

  it('keeps nothing after a failed create except the account-wide API Gateway setting', () => {
    const t = template();
    const keptOnRollback = Object.entries(resources(t))
      .filter(([id]) => policiesOf(t, id).DeletionPolicy === 'Retain')
      .map(([, r]) => r.Type);
    expect(new Set(keptOnRollback)).toEqual(new Set(['AWS::ApiGateway::Account', 'AWS::IAM::Role']));
  });

  it('names every kept resource so that a leftover cannot collide with the next create', () => {
    const t = template();
    for (const [id, resource] of Object.entries(resources(t))) {
      if (policiesOf(t, id).DeletionPolicy === 'Delete') continue;
      const naming = STATEFUL[resource.Type]?.naming;
      if (!naming || naming.kind === 'none') continue;
      const name = resource.Properties[naming.property];
      const where = `${resource.Type} ${id}.${naming.property}`;
      if (naming.kind === 'generated') expect(name, where).toBeUndefined();
      if (naming.kind === 'unique') expect(JSON.stringify(name), where).toContain('AWS::StackId');
      // A fixed name is literal (or a join of literals and other resources' names): never the stack's id.
      if (naming.kind === 'fixed') expect(JSON.stringify(name ?? ''), where).not.toContain('AWS::StackId');
    }
  });
});

describe('docs/OPERATIONS.md, "Deleting a cell"', () => {
  const operations = readFileSync(path.join(PROJECT_ROOT, 'docs', 'OPERATIONS.md'), 'utf8');
  const section = operations.slice(operations.indexOf('## Deleting a cell'));
  const end = section.indexOf('\n## ', 3);
  const text = end > 0 ? section.slice(0, end) : section;

  it('exists', () => {
    expect(operations).toContain('## Deleting a cell');
  });

  it.each(Object.keys(STATEFUL))('says what happens to %s on a delete', (type) => {
    expect(text).toContain(type);
  });
});

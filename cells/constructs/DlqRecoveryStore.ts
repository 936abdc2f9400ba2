import { Duration, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { FAILURE_RECORD } from '../../schemas/failureRecord.ts';
import { acknowledge } from './acknowledge.ts';
import type { CellFunction } from './CellFunction.ts';
import { CellOutputs } from './CellOutputs.ts';
import { CELL_DATA_REMOVAL_POLICY, encryptedBucketProps } from './cellData.ts';
import type { QueueWithDlq } from './QueueWithDlq.ts';

/**
 * The stuck-event monitor's alert state, in the parked bucket (the monitor reads that bucket
 * anyway; ADR 0025). Written every run, so its old versions expire after a day.
 */
export const MONITOR_STATE_KEY = 'monitor/alert-state.json';

export interface DlqRecoveryStoreProps {
  readonly cellId: string;
  /** `bems-<cellId>`: names the operator policy. */
  readonly prefix: string;
  /** The failure table's name (`CellTopology.failureTable`: the functions' environment names it). */
  readonly failureTableName: string;
  /** The cell key: encrypts the table and the bucket. */
  readonly encryptionKey: kms.IKey;
  /** The functions that write failure records (forward and every consume function). */
  readonly failureWriters: readonly iam.IGrantable[];
  /** Every queue of the cell with its DLQ: the operator role may park from and restore to them. */
  readonly queues: readonly QueueWithDlq[];
  /**
   * How long a discarded or overwritten parked message stays recoverable as a non-current version.
   * @default Duration.days(90)
   */
  readonly noncurrentRetention?: Duration;
}

/**
 * What DLQ recovery keeps beside the queues (issue 19, docs/adr/0013):
 *
 * - the **failure table** (DynamoDB, one item per failed event and queue, TTL 15 days): why each
 *   record failed, written by forward and the consume functions, read by `bems dlq peek`. Kept
 *   when the stack is deleted like every store of the cell (its fixed name, like the idempotency
 *   table's, must be deleted before the cell is created again: docs/OPERATIONS.md);
 * - the **parked store** (S3: `parked/…` and `audit/…`): messages operators moved out of a DLQ with
 *   who, when and why, and the audit trail of parks, restores and discards. Encrypted with the
 *   cell key, TLS only, versioned (a discard or an overwrite is recoverable for
 *   `noncurrentRetention`), kept when the stack is deleted like every store of the cell;
 * - the **monitor's alert state** (`monitor/alert-state.json` in the same bucket);
 * - a role `<prefix>-dlq-operator` for operators: what `bems dlq park|discard` and `bems parked …`
 *   need, and nothing else.
 *
 * The bucket's name is generated (a kept bucket must not block the next create of the cell); the
 * CLI finds it under `/bems/<cellId>/dlq/parked-bucket`.
 */
export class DlqRecoveryStore extends Construct {
  public readonly failureTable: dynamodb.Table;
  public readonly parkedBucket: s3.Bucket;
  public readonly operatorRole: iam.Role;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: DlqRecoveryStoreProps,
  ) {
    super(scope, id);
    this.failureTable = new dynamodb.Table(this, 'FailureTable', {
      tableName: props.failureTableName,
      partitionKey: { name: FAILURE_RECORD.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: FAILURE_RECORD.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      timeToLiveAttribute: FAILURE_RECORD.ttlAttribute,
      removalPolicy: CELL_DATA_REMOVAL_POLICY,
    });
    acknowledge(
      this.failureTable,
      'AwsSolutions-DDB3',
      'Failure records explain messages while they wait in a DLQ (TTL 15 days) and are written again by the next failure; a parked message keeps its own copy, so a point-in-time restore has nothing to bring back.',
    );
    for (const writer of props.failureWriters) {
      this.failureTable.grant(writer, 'dynamodb:UpdateItem');
      props.encryptionKey.grant(writer, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey');
    }

    this.parkedBucket = new s3.Bucket(this, 'ParkedBucket', {
      ...encryptedBucketProps(props.encryptionKey),
      versioned: true,
      removalPolicy: CELL_DATA_REMOVAL_POLICY,
      lifecycleRules: [
        { noncurrentVersionExpiration: props.noncurrentRetention ?? Duration.days(90) },
        // The alert state is overwritten every minute; a day of its history is plenty.
        { prefix: MONITOR_STATE_KEY, noncurrentVersionExpiration: Duration.days(1) },
      ],
    });
    this.parkedBucket.policy?.applyRemovalPolicy(CELL_DATA_REMOVAL_POLICY);
    acknowledge(
      this.parkedBucket,
      'AwsSolutions-S1',
      'Only operators (the dlq-operator policy) and the monitor touch the parked store; every object is an audit record of who parked what, and S3 data events in CloudTrail record each access.',
    );

    this.operatorRole = this.createOperatorRole(props);
    const outputs = new CellOutputs(this, 'Outputs', { cellId: props.cellId });
    outputs.add(
      'dlq/parked-bucket',
      this.parkedBucket.bucketName,
      'S3 bucket of the parked store (parked DLQ messages and their audit trail)',
    );
    outputs.add('dlq/operator-role', this.operatorRole.roleArn, 'Role for bems dlq park|discard and bems parked');
  }

  /**
   * The monitor reads the parked store (an alert closes once its messages are parked), and reads
   * and writes its alert state.
   */
  grantMonitor(monitor: CellFunction, encryptionKey: kms.IKey): void {
    monitor.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.parkedBucket.arnForObjects('parked/*')] }),
    );
    monitor.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.parkedBucket.bucketArn] }),
    );
    monitor.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [this.parkedBucket.arnForObjects(MONITOR_STATE_KEY)],
      }),
    );
    encryptionKey.grant(monitor.function, 'kms:Decrypt', 'kms:GenerateDataKey');
    this.acknowledgePrefixes(monitor.role, ['parked/*']);
  }

  /** Object grants on a prefix of the parked bucket are wildcards by nature; say which. */
  private acknowledgePrefixes(scope: Construct, prefixes: readonly string[]): void {
    const bucketId = Stack.of(this).getLogicalId(this.parkedBucket.node.defaultChild as s3.CfnBucket);
    for (const prefix of prefixes) {
      acknowledge(
        scope,
        `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}]`,
        `Objects under ${prefix} of the parked store: one object per parked message or audit record, named by ids only known at run time.`,
      );
    }
  }

  /**
   * The operators' role for DLQ recovery: anyone in the account allowed to assume it (their own IAM
   * policy says who) may park, restore and discard, and nothing else.
   */
  private createOperatorRole(props: DlqRecoveryStoreProps): iam.Role {
    const role = new iam.Role(this, 'OperatorRole', {
      roleName: `${props.prefix}-dlq-operator`,
      assumedBy: new iam.AccountRootPrincipal(),
      description: 'bems dlq park|discard|peek and bems parked list|show|restore on this cell',
      maxSessionDuration: Duration.hours(4),
    });
    this.grantOperator(role);
    return role;
  }

  /**
   * `bems status` shows the monitor's open alerts: read access to its state object, and the cell
   * key's Decrypt only through S3 for this bucket (with an S3 Bucket Key the encryption context is
   * the bucket's ARN), so a read-only role can decrypt nothing it cannot already GET.
   */
  grantReadMonitorState(role: iam.IGrantable): void {
    iam.Grant.addToPrincipal({
      grantee: role,
      actions: ['s3:GetObject'],
      resourceArns: [this.parkedBucket.arnForObjects(MONITOR_STATE_KEY)],
    });
    // Without ListBucket, S3 answers a GET of a missing object (before the monitor's first run)
    // with AccessDenied instead of NoSuchKey; the prefix condition lists that one key only.
    iam.Grant.addToPrincipal({
      grantee: role,
      actions: ['s3:ListBucket'],
      resourceArns: [this.parkedBucket.bucketArn],
      conditions: { StringEquals: { 's3:prefix': MONITOR_STATE_KEY } },
    });
    iam.Grant.addToPrincipal({
      grantee: role,
      actions: ['kms:Decrypt'],
      resourceArns: [this.props.encryptionKey.keyArn],
      conditions: {
        StringEquals: {
          'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com`,
          'kms:EncryptionContext:aws:s3:arn': this.parkedBucket.bucketArn,
        },
      },
    });
  }

  /**
   * What an operator needs for `bems dlq park|discard|peek` and `bems parked …`: this store's
   * `dlq-operator` role, and the cross-account `bems-<cell>-operator` role (CellAccessRoles).
   */
  grantOperator(role: iam.Role): void {
    const { props } = this;
    const statement = (actions: string[], resources: string[]) =>
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources }));
    statement(['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], [this.parkedBucket.arnForObjects('parked/*')]);
    // Audit records are written and read, never deleted.
    statement(['s3:GetObject', 's3:PutObject'], [this.parkedBucket.arnForObjects('audit/*')]);
    statement(['s3:ListBucket'], [this.parkedBucket.bucketArn]);
    statement(['dynamodb:GetItem'], [this.failureTable.tableArn]);
    const dlqArns = props.queues.map((q) => q.deadLetterQueue.queueArn);
    statement(
      [
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'sqs:ChangeMessageVisibility',
        'sqs:SendMessage',
        'sqs:GetQueueAttributes',
      ],
      dlqArns,
    );
    statement(
      ['sqs:GetQueueAttributes'],
      props.queues.map((q) => q.queue.queueArn),
    );
    props.encryptionKey.grant(role, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey');
    this.acknowledgePrefixes(role, ['parked/*', 'audit/*']);
  }
}

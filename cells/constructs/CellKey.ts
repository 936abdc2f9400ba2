import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { GOVERNANCE_RULE_PREFIX } from '../governance/GovernanceAlerts.ts';
import { dataRemovalPolicy } from './cellData.ts';

export interface CellKeyProps {
  /** Resource-name prefix of the cell (`bems-<cellId>`): scopes what AWS services may use the key for. */
  readonly prefix: string;
  /**
   * What happens to the key when the stack is deleted. The key protects the archive and the
   * time series (audit data), so it outlives the stack — but not a failed first create. Its alias
   * is deleted with the stack, so the alias name is free for the next create.
   * @default CELL_DATA_REMOVAL_POLICY (RetainExceptOnCreate)
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The cell's customer-managed KMS key: SNS topics, SQS queues, the bus and its archive, the
 * Timestream database, the rejected-records bucket and the log groups are encrypted with it.
 *
 * Services that write on the cell's behalf (CloudWatch Logs, CloudWatch alarms) get their
 * permission here, each scoped by a condition to this cell's resources; the rest is granted by
 * the CDK's `grant*` methods where each resource is wired.
 */
export class CellKey extends Construct {
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: CellKeyProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new kms.Key(this, 'Key', {
      alias: `alias/${props.prefix}`,
      description: `BEMS cell ${props.prefix}: queues, topics, bus, archive, time series, logs`,
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: dataRemovalPolicy(props),
      pendingWindow: Duration.days(30),
    });

    this.allowLogGroups(`*${props.prefix}*`);

    // SNS encrypts what it delivers into the cell's queues with this key. The condition names the
    // cell's topics by ARN pattern rather than by reference: the topics are themselves encrypted with
    // this key, so a reference would make the key and the topics depend on each other.
    this.allowService(
      'SnsDeliveryToCellQueues',
      'sns.amazonaws.com',
      ['kms:Decrypt', 'kms:GenerateDataKey'],
      `arn:${stack.partition}:sns:${stack.region}:${stack.account}:${props.prefix}-*`,
    );

    // Alarm actions publish to the encrypted alert topics as the CloudWatch service.
    this.allowService(
      'CloudWatchAlarmsToEncryptedAlertTopics',
      'cloudwatch.amazonaws.com',
      ['kms:Decrypt', 'kms:GenerateDataKey*'],
      `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*`,
    );

    // The governance stack's EventBridge rules publish to the encrypted alert topics.
    this.allowService(
      'GovernanceRulesToEncryptedAlertTopics',
      'events.amazonaws.com',
      ['kms:Decrypt', 'kms:GenerateDataKey'],
      `arn:${stack.partition}:events:${stack.region}:${stack.account}:rule/${GOVERNANCE_RULE_PREFIX}*`,
    );
  }

  /** Lets an AWS service use the key for this account's resources whose ARN matches `sourceArn` (ArnLike). */
  private allowService(sid: string, service: string, actions: string[], sourceArn: string): void {
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid,
        principals: [new iam.ServicePrincipal(service)],
        actions,
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
          ArnLike: { 'aws:SourceArn': sourceArn },
        },
      }),
    );
  }

  /**
   * Lets CloudWatch Logs encrypt log groups whose name matches `namePattern` (ArnLike wildcards).
   * The Regional logs principal needs it in the key policy, and the encryption context pins it to
   * those log groups only.
   */
  allowLogGroups(namePattern: string): void {
    const stack = Stack.of(this);
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:${namePattern}`,
          },
        },
      }),
    );
  }
}

import { Stack } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../constructs/acknowledge.ts';
import type { GovernancePlan } from './governancePlan.ts';
import { type GuardPolicy, guardPolicies } from './guardRules.ts';
import { type ManagedRuleInputs, managedRules } from './managedRules.ts';

/** Resource types the created recorder records: what the rules evaluate, nothing more (Config bills per item). */
export const RECORDED_RESOURCE_TYPES = [
  'AWS::SQS::Queue',
  'AWS::SNS::Topic',
  'AWS::Lambda::Function',
  'AWS::Logs::LogGroup',
  'AWS::S3::Bucket',
  'AWS::KMS::Key',
  'AWS::ApiGateway::Stage',
  'AWS::ApiGateway::RestApi',
  'AWS::Events::EventBus',
  'AWS::Events::Archive',
  'AWS::WAFv2::WebACL',
  'AWS::CloudTrail::Trail',
] as const;

/** The tag every cell stack puts on what it creates; managed and Guard rules are scoped by it. */
export const BEMS_TAG = { key: 'project', value: 'bems' } as const;

export interface ConfigRulesProps {
  readonly plan: GovernancePlan;
  readonly managedRuleInputs: ManagedRuleInputs;
  /** Encrypts the delivery channel's bucket when this construct creates the recorder. */
  readonly encryptionKey: kms.IKey;
  /** Bucket for the delivery channel (only used when the recorder is created here). */
  readonly deliveryBucket?: s3.IBucket;
}

/**
 * AWS Config for the cells of one account and Region: the recorder (created when the config says
 * `configRecorder: 'create'`, else the existing one is used), the AWS managed rules of
 * `managedRules.ts` and the BEMS Guard policies of `guardRules.ts`. Every rule is named `bems-<name>`.
 */
export class ConfigRules extends Construct {
  public readonly managed: ReadonlyMap<string, config.ManagedRule>;
  public readonly guard: ReadonlyMap<string, config.CustomPolicy>;
  public readonly recorder?: config.CfnConfigurationRecorder;
  public deliveryChannel?: config.CfnDeliveryChannel;
  public readonly policies: readonly GuardPolicy[];

  constructor(scope: Construct, id: string, props: ConfigRulesProps) {
    super(scope, id);
    if (props.plan.settings.configRecorder === 'create') this.recorder = this.createRecorder(props);
    const tagScope = config.RuleScope.fromTag(BEMS_TAG.key, BEMS_TAG.value);
    this.managed = new Map(
      managedRules(props.managedRuleInputs).map((spec) => {
        const rule = new config.ManagedRule(this, `Managed-${spec.name}`, {
          configRuleName: `bems-${spec.name}`,
          identifier: spec.identifier,
          description: spec.description,
          ...(spec.inputParameters ? { inputParameters: spec.inputParameters } : {}),
          ...(spec.taggable ? { ruleScope: tagScope } : {}),
        });
        return [spec.name, this.afterRecorder(rule)] as const;
      }),
    );
    this.policies = guardPolicies(props.plan.cells);
    this.guard = new Map(
      this.policies.map((policy) => {
        const rule = new config.CustomPolicy(this, `Guard-${policy.name}`, {
          configRuleName: `bems-${policy.name}`,
          description: policy.description,
          policyText: policy.text,
          // Untaggable types (archives) are scoped by type; the policy matches BEMS names itself.
          ruleScope: policy.taggable
            ? tagScope
            : config.RuleScope.fromResources([config.ResourceType.of(policy.resourceType)]),
        });
        return [policy.name, this.afterRecorder(rule)] as const;
      }),
    );
  }

  private afterRecorder<T extends Construct>(rule: T): T {
    if (this.recorder) rule.node.addDependency(this.recorder);
    if (this.deliveryChannel) rule.node.addDependency(this.deliveryChannel);
    return rule;
  }

  private createRecorder(props: ConfigRulesProps): config.CfnConfigurationRecorder {
    const bucket = props.deliveryBucket;
    if (!bucket) throw new Error('a created Config recorder needs a delivery bucket');
    const stack = Stack.of(this);
    const role = new iam.Role(this, 'RecorderRole', {
      assumedBy: new iam.ServicePrincipal('config.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: `AWS Config recorder of ${props.plan.prefix}`,
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWS_ConfigRole')],
    });
    acknowledge(
      role,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWS_ConfigRole]',
      'AWS documents this managed policy for the Config recorder role: it reads the configuration of every recorded resource type, and AWS keeps it current as types are added.',
    );
    // What Config's delivery needs, as AWS documents it for a recorder role of one's own.
    const objects = bucket.arnForObjects(`AWSLogs/${stack.account}/Config/*`);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetBucketAcl'], resources: [bucket.bucketArn] }));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [objects],
        conditions: { StringLike: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
      }),
    );
    props.encryptionKey.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket)}.Arn>/AWSLogs/${stack.account}/Config/*]`,
      'Config writes one object per delivery under its documented prefix of this account, with names it chooses.',
    );
    const recorder = new config.CfnConfigurationRecorder(this, 'Recorder', {
      name: 'default',
      roleArn: role.roleArn,
      recordingGroup: {
        allSupported: false,
        includeGlobalResourceTypes: false,
        resourceTypes: [...RECORDED_RESOURCE_TYPES],
      },
    });
    const channel = new config.CfnDeliveryChannel(this, 'DeliveryChannel', {
      name: 'default',
      s3BucketName: bucket.bucketName,
      s3KmsKeyArn: props.encryptionKey.keyArn,
    });
    // Config refuses a delivery channel before a recorder exists; rules wait for both.
    channel.node.addDependency(recorder);
    this.deliveryChannel = channel;
    return recorder;
  }
}

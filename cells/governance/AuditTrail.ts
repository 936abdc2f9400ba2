import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { encryptedBucketProps } from '../constructs/cellData.ts';
import type { GovernancePlan } from './governancePlan.ts';

/** The trail's name: one per account (or per organization), so not per Region. */
export const TRAIL_NAME = 'bems-governance';

export interface AuditTrailProps {
  readonly plan: GovernancePlan;
  readonly mode: 'organization' | 'account';
  readonly encryptionKey: kms.Key;
  /** Where the trail bucket's server access logs go. */
  readonly accessLogBucket: s3.IBucket;
}

/**
 * The CloudTrail trail of an account (or, from the management or delegated administrator account,
 * of the organization): every Region, log file validation, SSE-KMS with the governance key, an S3
 * bucket that is TLS-only with access logging and a lifecycle, delivery to a CloudWatch log group
 * (where the detections run), and S3 data events for the BEMS buckets (`bems-` bucket names, but
 * not the governance buckets: logging the trail's own writes would log itself).
 */
export class AuditTrail extends Construct {
  public readonly trail: cloudtrail.CfnTrail;
  public readonly bucket: s3.Bucket;
  public readonly logGroup: logs.LogGroup;
  /** What the bucket and key policies let write: this trail only. */
  private readonly trailArn: string;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { plan, mode, encryptionKey } = props;
    const trailName = TRAIL_NAME;
    this.trailArn = stack.formatArn({ service: 'cloudtrail', resource: 'trail', resourceName: trailName });
    const retention = plan.settings.trail;

    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...encryptedBucketProps(encryptionKey),
      versioned: true,
      serverAccessLogsBucket: props.accessLogBucket,
      serverAccessLogsPrefix: 'trail-bucket/',
      lifecycleRules: [
        {
          expiration: Duration.days(retention.logFileRetentionDays),
          noncurrentVersionExpiration: Duration.days(30),
          transitions: [
            { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(90) },
          ],
        },
      ],
      // The audit record outlives the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.allowTrailDelivery(mode === 'organization' ? plan.settings.organizationId : undefined);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/cloudtrail/${trailName}`,
      retention: retention.logGroupRetentionDays as logs.RetentionDays,
      encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const deliveryRole = new iam.Role(this, 'LogsRole', {
      description: `CloudTrail ${trailName} delivering to ${this.logGroup.logGroupName}`,
      assumedBy: new iam.ServicePrincipal('cloudtrail.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    });
    deliveryRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${this.logGroup.logGroupArn}`],
      }),
    );

    this.trail = new cloudtrail.CfnTrail(this, 'Trail', {
      trailName,
      isLogging: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      isOrganizationTrail: mode === 'organization',
      enableLogFileValidation: true,
      kmsKeyId: encryptionKey.keyArn,
      s3BucketName: this.bucket.bucketName,
      cloudWatchLogsLogGroupArn: this.logGroup.logGroupArn,
      cloudWatchLogsRoleArn: deliveryRole.roleArn,
      advancedEventSelectors: [
        { name: 'Management events', fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }] },
        {
          name: 'S3 data events of the BEMS buckets',
          fieldSelectors: [
            { field: 'eventCategory', equalTo: ['Data'] },
            { field: 'resources.type', equalTo: ['AWS::S3::Object'] },
            { field: 'resources.ARN', startsWith: [`arn:${stack.partition}:s3:::bems-`] },
            { field: 'resources.ARN', notStartsWith: [`arn:${stack.partition}:s3:::bems-governance-`] },
          ],
        },
      ],
    });
    if (this.bucket.policy) this.trail.node.addDependency(this.bucket.policy);
    this.allowTrailEncryption(encryptionKey);
  }

  /** CloudTrail may read the bucket ACL and write log files for this trail only. */
  private allowTrailDelivery(organizationId: string | undefined): void {
    const stack = Stack.of(this);
    const principal = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
    const sourceArn = { 'aws:SourceArn': this.trailArn };
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailAclCheck',
        principals: [principal],
        actions: ['s3:GetBucketAcl'],
        resources: [this.bucket.bucketArn],
        conditions: { StringEquals: sourceArn },
      }),
    );
    // An organization trail writes every member account's files under AWSLogs/<organization id>/.
    const prefixes = organizationId ? [stack.account, organizationId] : [stack.account];
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailWrite',
        principals: [principal],
        actions: ['s3:PutObject'],
        resources: prefixes.map((p) => this.bucket.arnForObjects(`AWSLogs/${p}/*`)),
        conditions: { StringEquals: { ...sourceArn, 's3:x-amz-acl': 'bucket-owner-full-control' } },
      }),
    );
  }

  /** CloudTrail encrypts log files with the key, for this account's trails only. */
  private allowTrailEncryption(key: kms.Key): void {
    const stack = Stack.of(this);
    const principal = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailEncryptLogs',
        principals: [principal],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceArn': this.trailArn },
          StringLike: {
            'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${stack.partition}:cloudtrail:*:${stack.account}:trail/*`,
          },
        },
      }),
    );
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailDescribeKey',
        principals: [principal],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceArn': this.trailArn } },
      }),
    );
  }
}

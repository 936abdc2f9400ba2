import { Duration, RemovalPolicy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { AlertSeverity } from '../../schemas/alerts.ts';
import { acknowledge } from '../constructs/acknowledge.ts';
import { encryptedBucketProps } from '../constructs/cellData.ts';
import { CELL_DEFAULTS } from '../constructs/defaults.ts';
import type { CellDefinition } from '../definition.ts';
import { functionPlan } from '../functionPlan.ts';
import { resourcePrefix } from '../topology.ts';
import { AuditTrail } from './AuditTrail.ts';
import { BEMS_TAG, ConfigRules } from './ConfigRules.ts';
import { type Detection, detectionsFor } from './detections.ts';
import { GovernanceAlerts } from './GovernanceAlerts.ts';
import { alertTopicName, type GovernancePlan } from './governancePlan.ts';
import { Remediations } from './Remediations.ts';
import { TrailDetections } from './TrailDetections.ts';

export interface GovernanceStackProps extends StackProps {
  readonly plan: GovernancePlan;
}

/**
 * Governance of one account and Region that hosts cells (DESIGN §7a): AWS Config rules with
 * remediation and alerts, and — in the trail's home Region — the CloudTrail trail with its
 * detections. Built from the cells config, never from the cell stacks: cell resources are named
 * (`bems-<cell>-…`) and tagged (`project=bems`), so nothing here references another stack.
 */
export class GovernanceStack extends Stack {
  public readonly plan: GovernancePlan;
  public readonly key: kms.Key;
  public readonly accessLogs: s3.Bucket;
  public readonly configRules: ConfigRules;
  public readonly remediations: Remediations;
  public readonly alerts: GovernanceAlerts;
  public readonly trail?: AuditTrail;
  public readonly detections?: TrailDetections;
  public readonly detectionList: readonly Detection[];

  constructor(scope: Construct, id: string, props: GovernanceStackProps) {
    const { plan } = props;
    super(scope, id, {
      stackName: plan.prefix,
      description: `BEMS governance of account ${plan.account} in ${plan.region}: Config rules, remediation${plan.trail ? ', CloudTrail and detections' : ''}`,
      terminationProtection: true,
      ...props,
      env: { account: plan.account, region: plan.region },
    });
    this.plan = plan;
    Tags.of(this).add(BEMS_TAG.key, BEMS_TAG.value);
    Tags.of(this).add('bems:purpose', 'governance');

    this.key = new kms.Key(this, 'Key', {
      alias: `alias/${plan.prefix}`,
      description: `BEMS governance ${plan.prefix}: CloudTrail log files and log group, Config deliveries`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });
    this.accessLogs = this.createAccessLogBucket();
    const minLogRetentionDays = CELL_DEFAULTS.logRetention as number;

    this.configRules = new ConfigRules(this, 'Config', {
      plan,
      encryptionKey: this.key,
      managedRuleInputs: { logGroupNames: cellLogGroups(plan.cells), minLogRetentionDays },
      ...(plan.settings.configRecorder === 'create' ? { deliveryBucket: this.createConfigBucket() } : {}),
    });
    const rules = new Map([...this.configRules.managed, ...this.configRules.guard]);
    this.remediations = new Remediations(this, 'Remediation', { minLogRetentionDays, rules });
    this.alerts = new GovernanceAlerts(this, 'Alerts', {
      configRuleNames: [...rules.values()].map((r) => r.configRuleName),
      remediationDocuments: this.remediations.specs.map((s) => s.document),
      topics: plan.cells.map((cell) => this.cellTopic(cell.id, plan.alerts.configRules)),
    });

    this.detectionList = plan.trail
      ? detectionsFor({ account: plan.account, partition: this.partition, cells: plan.accountCells })
      : [];
    if (plan.trail) {
      this.key.addToResourcePolicy(logsPrincipalStatement(this));
      this.trail = new AuditTrail(this, 'Trail', {
        plan,
        mode: plan.trail.mode,
        encryptionKey: this.key,
        accessLogBucket: this.accessLogs,
      });
      this.detections = new TrailDetections(this, 'Detections', {
        logGroup: this.trail.logGroup,
        detections: this.detectionList,
        topicsFor: (detection) => this.detectionTopics(detection),
      });
    }
  }

  /** A cell's alert topic by its name (the cell stack creates it; same account and Region). */
  private cellTopic(cellId: string, severity: AlertSeverity): sns.ITopic {
    const id = `Topic-${cellId}-${severity}`;
    const existing = this.node.tryFindChild(id) as sns.ITopic | undefined;
    return (
      existing ??
      sns.Topic.fromTopicArn(this, id, this.formatArn({ service: 'sns', resource: alertTopicName(cellId, severity) }))
    );
  }

  /** A cell's own critical topic when it is in this Region; otherwise every local cell's. */
  private detectionTopics(detection: Detection): sns.ITopic[] {
    const severity = this.plan.alerts.detections;
    const local = this.plan.cells;
    if (detection.cellId && local.some((c) => c.id === detection.cellId))
      return [this.cellTopic(detection.cellId, severity)];
    return local.map((cell) => this.cellTopic(cell.id, severity));
  }

  /**
   * Server access logs of the governance buckets. S3 delivers access logs only to an SSE-S3
   * bucket, so this one is not KMS-encrypted; it is TLS-only, private, and expires what it holds.
   */
  private createAccessLogBucket(): s3.Bucket {
    const bucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(400), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      bucket,
      'AwsSolutions-S1',
      'This is the server access log bucket of the governance buckets; logging it into itself would log every delivery of its own logs.',
    );
    return bucket;
  }

  private createConfigBucket(): s3.Bucket {
    return new s3.Bucket(this, 'ConfigDeliveries', {
      ...encryptedBucketProps(this.key),
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'config-bucket/',
      lifecycleRules: [{ expiration: Duration.days(2555), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}

/** The log groups of a Region's cells whose names are known at synthesis: functions and API access logs. */
function cellLogGroups(cells: readonly CellDefinition[]): string[] {
  return cells.flatMap((cell) => {
    const plan = functionPlan(cell);
    return [
      ...[plan.ingest, plan.forward, ...plan.consumers, plan.monitor].map((f) => `/aws/lambda/${f.functionName}`),
      `/aws/apigateway/${resourcePrefix(cell.id)}-access`,
    ];
  });
}

/** CloudWatch Logs may encrypt the trail's log group with the governance key. */
function logsPrincipalStatement(stack: Stack): iam.PolicyStatement {
  return new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: {
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:/aws/cloudtrail/*`,
      },
    },
  });
}

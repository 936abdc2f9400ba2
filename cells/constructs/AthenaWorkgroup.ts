import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { privateEncryptedBucket } from './privateEncryptedBucket.ts';

/**
 * Most one query of the workgroup may scan before Athena cancels it (1 TiB, $5 at Athena's
 * $5/TB). A dashboard dataset reads a few columns of its look-back window: at the design volume
 * (86 million events a day) 90 days of the widest dataset are ~0.4 TB of Parquet, so the limit stops
 * only a query that forgot its time predicate and would read years of records.
 */
export const ATHENA_BYTES_SCANNED_CUTOFF = 1024 ** 4;

export interface AthenaWorkgroupProps {
  readonly workGroupName: string;
  /** Encrypts the query results (SSE-KMS, enforced for every query of the workgroup). */
  readonly encryptionKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The cell's Athena workgroup: the one place its dashboards' queries run. The workgroup's settings
 * are enforced (a client cannot send results elsewhere, unencrypted, or lift the scan limit), results
 * are encrypted with the cell key in a private, TLS-only bucket and expire after a week — they are
 * caches of dashboard queries, not records.
 */
export class AthenaWorkgroup extends Construct {
  public readonly workGroup: athena.CfnWorkGroup;
  public readonly workGroupName: string;
  public readonly resultsBucket: s3.Bucket;

  private readonly key: kms.IKey;

  constructor(scope: Construct, id: string, props: AthenaWorkgroupProps) {
    super(scope, id);
    this.key = props.encryptionKey;
    this.workGroupName = props.workGroupName;
    this.resultsBucket = privateEncryptedBucket(this, 'Results', {
      encryptionKey: props.encryptionKey,
      removalPolicy: props.removalPolicy,
      expiration: Duration.days(7),
      accessLogReason:
        'Only Athena writes here (results of the cell workgroup queries, kept a week) and only the dashboards read. The governance trail (cells/governance/AuditTrail.ts) records every query (StartQueryExecution) and the S3 data events of every bems- bucket.',
    });
    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: props.workGroupName,
      description: `BEMS ${props.workGroupName}: dashboard queries over the cell's Iceberg table`,
      state: 'ENABLED',
      // Query history and saved queries are not records (the results bucket is kept): without this a
      // stack delete fails on a workgroup that has run a query.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        bytesScannedCutoffPerQuery: ATHENA_BYTES_SCANNED_CUTOFF,
        publishCloudWatchMetricsEnabled: true,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: this.resultsBucket.s3UrlForObject('results/'),
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.encryptionKey.keyArn },
          expectedBucketOwner: Stack.of(this).account,
        },
      },
    });
  }

  get workGroupArn(): string {
    return Stack.of(this).formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workGroupName });
  }

  /** Run queries in this workgroup and read their results; nothing of another workgroup. */
  grantQuery(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: [
        'athena:GetWorkGroup',
        'athena:StartQueryExecution',
        'athena:StopQueryExecution',
        'athena:GetQueryExecution',
        'athena:GetQueryResults',
        'athena:GetQueryResultsStream',
      ],
      resourceArns: [this.workGroupArn],
    });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetBucketLocation', 's3:ListBucket'],
      resourceArns: [this.resultsBucket.bucketArn],
    });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      resourceArns: [this.resultsBucket.arnForObjects('results/*')],
    });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resourceArns: [this.key.keyArn],
    });
  }
}

import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as timestream from 'aws-cdk-lib/aws-timestream';
import { Construct } from 'constructs';
import type { CellDefinition } from '../definition.ts';
import { acknowledge } from './acknowledge.ts';
import type { CellOutputs } from './CellOutputs.ts';
import { type CellDataProps, dataRemovalPolicy } from './cellData.ts';
import { privateEncryptedBucket } from './privateEncryptedBucket.ts';

/** `encryptionKey` encrypts the database and the rejected-records reports; finance records outlive the stack. */
export interface TimeseriesStoreProps extends CellDataProps {
  readonly databaseName: string;
  readonly tableName: string;
  /** The definition's retention: memory store (fast writes and queries), then the magnetic store. */
  readonly retention: CellDefinition['timestream'];
}

/**
 * Timestream for LiveAnalytics database and multi-measure table (DESIGN §5).
 *
 * Magnetic-store writes are on so a replay or a redrive of events older than the memory retention
 * is still recorded; the records Timestream rejects there are reported, asynchronously, into an
 * encrypted S3 location (the consumer cannot see them in the WriteRecords answer).
 */
export class TimeseriesStore extends Construct {
  public readonly database: timestream.CfnDatabase;
  public readonly table: timestream.CfnTable;
  public readonly rejectedRecordsBucket: s3.Bucket;
  public readonly databaseName: string;
  public readonly tableName: string;
  public readonly tableArn: string;

  constructor(scope: Construct, id: string, props: TimeseriesStoreProps) {
    super(scope, id);
    const removalPolicy = dataRemovalPolicy(props);
    this.databaseName = props.databaseName;
    this.tableName = props.tableName;

    this.rejectedRecordsBucket = privateEncryptedBucket(this, 'RejectedRecords', {
      encryptionKey: props.encryptionKey,
      removalPolicy,
      // Reports are evidence for a fix, not records: keep them a year and a quarter.
      expiration: Duration.days(455),
      accessLogReason:
        'Only Timestream writes here (rejected-record reports) and only operators read. The governance trail (cells/governance/AuditTrail.ts) records S3 data events of every bems- bucket, which is the audit trail; an access-log bucket would add a second unlogged bucket.',
    });

    this.database = new timestream.CfnDatabase(this, 'Database', {
      databaseName: props.databaseName,
      kmsKeyId: props.encryptionKey.keyArn,
    });
    this.database.applyRemovalPolicy(removalPolicy);

    this.table = new timestream.CfnTable(this, 'Table', {
      databaseName: props.databaseName,
      tableName: props.tableName,
      // Both properties are plain JSON in the CloudFormation schema: keys are spelled as CloudFormation spells them.
      retentionProperties: {
        MemoryStoreRetentionPeriodInHours: String(props.retention.memoryRetentionHours),
        MagneticStoreRetentionPeriodInDays: String(props.retention.magneticRetentionDays),
      },
      magneticStoreWriteProperties: {
        EnableMagneticStoreWrites: true,
        MagneticStoreRejectedDataLocation: {
          S3Configuration: {
            BucketName: this.rejectedRecordsBucket.bucketName,
            ObjectKeyPrefix: 'rejected-records/',
            EncryptionOption: 'SSE_KMS',
            KmsKeyId: props.encryptionKey.keyArn,
          },
        },
      },
      // Timelines and the stuck-event query look records up by invoice: partition on it. Optional,
      // because the monitor's write probe is a record without an invoice.
      schema: { compositePartitionKey: [{ type: 'DIMENSION', name: 'invoice_id', enforcementInRecord: 'OPTIONAL' }] },
    });
    this.table.node.addDependency(this.database);
    this.table.applyRemovalPolicy(removalPolicy);

    // DESIGN §2 knows: Timestream for LiveAnalytics is closed to new customers since 2025-06-20. The
    // sink sits behind one interface in handlers/, so another store can replace it without the rest.
    for (const resource of [this.database, this.table]) {
      acknowledge(
        resource,
        'W3697',
        'Timestream for LiveAnalytics is in maintenance mode (DESIGN §2); existing accounts keep it, and the consumer writes through one sink interface so another store can replace it.',
        'CloudFormation-Validate',
      );
    }

    this.tableArn = Stack.of(this).formatArn({
      service: 'timestream',
      resource: 'database',
      resourceName: `${props.databaseName}/table/${props.tableName}`,
    });
  }

  /** WriteRecords on this table (and endpoint discovery, which has no resource scope). */
  grantWrite(grantee: iam.IGrantable): iam.Grant {
    this.grantDescribeEndpoints(grantee);
    return iam.Grant.addToPrincipal({ grantee, actions: ['timestream:WriteRecords'], resourceArns: [this.tableArn] });
  }

  /** SELECT queries over this table and nothing else (the stuck-event monitor's SLA check). */
  grantSelect(grantee: iam.IGrantable): iam.Grant {
    this.grantDescribeEndpoints(grantee);
    return iam.Grant.addToPrincipal({ grantee, actions: ['timestream:Select'], resourceArns: [this.tableArn] });
  }

  /** Queries over this table plus its description (dashboards, which read the table's schema). */
  grantQuery(grantee: iam.IGrantable): iam.Grant {
    this.grantDescribeEndpoints(grantee);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['timestream:Select', 'timestream:DescribeTable'],
      resourceArns: [this.tableArn],
    });
  }

  /** Where operators find the store (SSM parameters of the cell, `CellOutputs`). */
  addOutputs(out: CellOutputs): void {
    out.add('timestream/database', this.databaseName, 'Timestream database');
    out.add('timestream/table', this.tableName, 'Timestream table');
    out.add(
      'timestream/rejected-records-bucket',
      this.rejectedRecordsBucket.bucketName,
      'S3 bucket of Timestream rejected-record reports',
    );
  }

  private grantDescribeEndpoints(grantee: iam.IGrantable): void {
    // Timestream clients discover their cell endpoint first; the action has no resource-level scope.
    iam.Grant.addToPrincipal({ grantee, actions: ['timestream:DescribeEndpoints'], resourceArns: ['*'] });
  }
}

import { ArnFormat, Duration, Fn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3tables from 'aws-cdk-lib/aws-s3tables';
import { Construct } from 'constructs';
import { READ_MODEL_VIEW } from '../../schemas/analyticsRecord.ts';
import { AthenaWorkgroup } from './AthenaWorkgroup.ts';
import { acknowledge } from './acknowledge.ts';
import type { CellOutputs } from './CellOutputs.ts';
import { type CellDataProps, dataRemovalPolicy, stackUniqueSuffix } from './cellData.ts';
import { CELL_DEFAULTS } from './defaults.ts';
import { icebergDeliveryStreamProps } from './icebergDeliveryStream.ts';
import { LAKEHOUSE_PARTITIONS, lakehouseColumn, lakehouseColumns } from './lakehouseTable.ts';
import { privateEncryptedBucket } from './privateEncryptedBucket.ts';

/** The S3 Tables ↔ analytics services integration: the Data Catalog's federated catalog of all table buckets. */
export const S3_TABLES_CATALOG = 's3tablescatalog';

/** `encryptionKey` encrypts the table bucket, the stream, the error output, the query results and the logs. */
export interface LakehouseStoreProps extends CellDataProps {
  /** Resource-name prefix of the cell (`bems-<cellId>`). */
  readonly prefix: string;
  /** The Firehose stream's name (`CellTopology.analyticsStream`). */
  readonly streamName: string;
}

/**
 * The `lakehouse` analytics store of a cell: consumers put rows on an Amazon Data Firehose stream
 * (Direct PUT), which writes them into an Apache Iceberg table in an S3 table bucket; dashboards read
 * it through an Athena workgroup (`AthenaWorkgroup`). Replaces the Timestream database and table of a
 * `timestream` cell: the template of a lakehouse cell holds no Timestream resource.
 *
 * Catalog access (the S3 Tables ↔ analytics services integration): Firehose and Athena find the
 * table through the Glue Data Catalog's federated catalog `s3tablescatalog`, which exists once per
 * account and Region (not per cell), so the stack does not create it — a second cell, or an account
 * that already enabled the integration in the console, would collide with it. `bems preflight`
 * checks it and docs/DEPLOY.md gives the one command. The stack assumes the integration's IAM access
 * control mode (the default of `aws glue create-catalog` with IAM_ALLOWED_PRINCIPALS): every
 * principal's access is in IAM policies here, scoped to this cell's bucket, namespace and table, and
 * no Lake Formation grant is needed. In Lake Formation mode each role below additionally needs
 * a Lake Formation grant on the table (docs/DEPLOY.md).
 */
export class LakehouseStore extends Construct {
  public readonly tableBucket: s3tables.CfnTableBucket;
  public readonly namespace: s3tables.CfnNamespace;
  public readonly table: s3tables.CfnTable;
  public readonly tableBucketName: string;
  public readonly namespaceName = 'bems';
  public readonly tableName = READ_MODEL_VIEW;
  /** Records Firehose could not deliver (after its retries), under `errors/`. */
  public readonly errorBucket: s3.Bucket;
  public readonly deliveryRole: iam.Role;
  public readonly deliveryStream: firehose.CfnDeliveryStream;
  public readonly deliveryStreamName: string;
  public readonly deliveryLogGroup: logs.LogGroup;
  public readonly athena: AthenaWorkgroup;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: LakehouseStoreProps,
  ) {
    super(scope, id);
    const removalPolicy = dataRemovalPolicy(props);
    this.deliveryStreamName = props.streamName;

    // Table bucket names are unique per account and Region and a retained bucket keeps its name: the
    // stack id's first UUID group makes the name of every new stack new, so a stack deleted and
    // created again never collides with the bucket the first one kept.
    this.tableBucketName = Fn.join('-', [props.prefix, stackUniqueSuffix()]);
    this.tableBucket = new s3tables.CfnTableBucket(this, 'TableBucket', {
      tableBucketName: this.tableBucketName,
      encryptionConfiguration: { sseAlgorithm: 'aws:kms', kmsKeyArn: props.encryptionKey.keyArn },
    });
    this.namespace = new s3tables.CfnNamespace(this, 'Namespace', {
      tableBucketArn: this.tableBucket.attrTableBucketArn,
      namespace: this.namespaceName,
    });
    this.table = this.icebergTable();
    this.table.node.addDependency(this.namespace);
    for (const resource of [this.tableBucket, this.namespace, this.table]) resource.applyRemovalPolicy(removalPolicy);
    this.allowTableMaintenance();

    this.errorBucket = privateEncryptedBucket(this, 'DeliveryErrors', {
      encryptionKey: props.encryptionKey,
      removalPolicy,
      // Failed records are evidence for a fix and a redrive, not records: a year and a quarter.
      expiration: Duration.days(455),
      accessLogReason:
        'Only Firehose writes here (records it could not deliver) and only operators read. The governance trail (cells/governance/AuditTrail.ts) records S3 data events of every bems- bucket, which is the audit trail.',
    });
    this.deliveryLogGroup = new logs.LogGroup(this, 'DeliveryLogs', {
      logGroupName: `/aws/kinesisfirehose/${this.deliveryStreamName}`,
      retention: CELL_DEFAULTS.logRetention,
      encryptionKey: props.encryptionKey,
      // Delivery errors are evidence after a delete, like the functions' logs.
      removalPolicy,
    });
    const logStream = new logs.LogStream(this, 'DeliveryLogStream', {
      logGroup: this.deliveryLogGroup,
      logStreamName: 'IcebergDelivery',
      // Deleting the stream would delete its events from the kept log group.
      removalPolicy,
    });

    this.deliveryRole = this.createDeliveryRole(logStream);
    this.deliveryStream = this.createDeliveryStream(logStream);
    this.athena = new AthenaWorkgroup(this, 'Athena', {
      workGroupName: props.prefix,
      encryptionKey: props.encryptionKey,
      removalPolicy,
    });
  }

  /** The Iceberg table: columns from the analytics record, partitioned by day and stage (`lakehouseTable.ts`). */
  private icebergTable(): s3tables.CfnTable {
    return new s3tables.CfnTable(this, 'Table', {
      tableBucketArn: this.tableBucket.attrTableBucketArn,
      namespace: this.namespaceName,
      tableName: this.tableName,
      openTableFormat: 'ICEBERG',
      icebergMetadata: {
        icebergSchema: {
          schemaFieldList: lakehouseColumns().map((c) => ({
            id: c.id,
            name: c.name,
            type: c.type,
            required: c.required,
          })),
        },
        icebergPartitionSpec: {
          specId: 0,
          fields: LAKEHOUSE_PARTITIONS.map((p, i) => ({
            fieldId: 1000 + i,
            name: p.name,
            sourceId: lakehouseColumn(p.field).id,
            transform: p.transform,
          })),
        },
        // Row-level updates (Firehose unique keys) need Iceberg format version 2.
        tableProperties: { 'format-version': '2' },
      },
      // S3 Tables compacts Firehose's small files and expires old snapshots on its own.
      compaction: { status: 'enabled', targetFileSizeMb: 512 },
      snapshotManagement: { status: 'enabled', maxSnapshotAgeHours: 120, minSnapshotsToKeep: 1 },
    });
  }

  /** S3 Tables maintenance (compaction, snapshot expiry) reads and rewrites the encrypted files. */
  private allowTableMaintenance(): void {
    const stack = Stack.of(this);
    this.props.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'S3TablesMaintenanceOfCellTableBucket',
        principals: [new iam.ServicePrincipal('maintenance.s3tables.amazonaws.com')],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          // By name pattern, not by reference: the bucket is encrypted with this key, so a reference
          // would make the key and the bucket depend on each other.
          StringLike: {
            'kms:EncryptionContext:aws:s3:arn': `arn:${stack.partition}:s3tables:${stack.region}:${stack.account}:bucket/${this.props.prefix}-*`,
          },
        },
      }),
    );
  }

  /** Firehose's own role: this table through the catalog, the error prefix, the key, its log stream. */
  private createDeliveryRole(logStream: logs.LogStream): iam.Role {
    const stack = Stack.of(this);
    const role = new iam.Role(this, 'DeliveryRole', {
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: `Lets Firehose deliver ${this.deliveryStreamName} into the cell's Iceberg table`,
    });
    this.grantCatalogRead(role, ['glue:UpdateTable']);
    this.grantTableData(role, ['s3tables:UpdateTableMetadataLocation', 's3tables:PutTableData']);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ErrorOutput',
        actions: [
          's3:AbortMultipartUpload',
          's3:GetBucketLocation',
          's3:GetObject',
          's3:ListBucket',
          's3:ListBucketMultipartUploads',
          's3:PutObject',
        ],
        resources: [this.errorBucket.bucketArn, this.errorBucket.arnForObjects('errors/*')],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DeliveryLogs',
        actions: ['logs:PutLogEvents'],
        resources: [
          stack.formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: `${this.deliveryLogGroup.logGroupName}:log-stream:${logStream.logStreamName}`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    iam.Grant.addToPrincipal({
      grantee: role,
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resourceArns: [this.props.encryptionKey.keyArn],
    });
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.errorBucket.node.defaultChild as never)}.Arn>/errors/*]`,
      'Objects under the error-output prefix only: Firehose names each object by date and delivery id.',
    );
    return role;
  }

  private createDeliveryStream(logStream: logs.LogStream): firehose.CfnDeliveryStream {
    const stream = new firehose.CfnDeliveryStream(
      this,
      'DeliveryStream',
      icebergDeliveryStreamProps({
        streamName: this.deliveryStreamName,
        keyArn: this.props.encryptionKey.keyArn,
        roleArn: this.deliveryRole.roleArn,
        catalogArn: this.catalogArn(),
        database: this.namespaceName,
        table: this.tableName,
        errorBucketArn: this.errorBucket.bucketArn,
        logGroupName: this.deliveryLogGroup.logGroupName,
        logStreamName: logStream.logStreamName,
      }),
    );
    // Firehose checks the role, the table and its unique keys when the stream is created.
    // (The role itself is referenced; its policy is what must exist first.)
    stream.node.addDependency(this.deliveryRole.node.findChild('DefaultPolicy'), this.table);
    return stream;
  }

  /** `arn:…:glue:…:catalog/s3tablescatalog/<table bucket>`: the cell's table bucket as a Data Catalog catalog. */
  catalogArn(): string {
    return this.glueArn('catalog', `${S3_TABLES_CATALOG}/${this.tableBucketName}`);
  }

  /** Athena's name of the table bucket's catalog. */
  get athenaCatalogName(): string {
    return `${S3_TABLES_CATALOG}/${this.tableBucketName}`;
  }

  get deliveryStreamArn(): string {
    return this.deliveryStream.attrArn;
  }

  private glueArn(resource: string, resourceName?: string): string {
    return Stack.of(this).formatArn({ service: 'glue', resource, ...(resourceName ? { resourceName } : {}) });
  }

  /** Find this cell's table in the Data Catalog (and `extraActions` on it), nothing else. */
  private grantCatalogRead(grantee: iam.IGrantable, extraActions: readonly string[] = []): void {
    const federated = `${S3_TABLES_CATALOG}/${this.tableBucketName}`;
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['glue:GetCatalog', 'glue:GetDatabase', 'glue:GetTable', ...extraActions],
      resourceArns: [
        // The root catalog and the federated catalog are resolved on the way to the table.
        this.glueArn('catalog'),
        this.glueArn('catalog', S3_TABLES_CATALOG),
        this.glueArn('catalog', federated),
        this.glueArn('database', `${federated}/${this.namespaceName}`),
        this.glueArn('table', `${federated}/${this.namespaceName}/${this.tableName}`),
      ],
    });
  }

  /** S3 Tables data access (IAM access control mode) on this bucket and table, plus `extraActions`. */
  private grantTableData(grantee: iam.IGrantable, extraActions: readonly string[] = []): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: [
        's3tables:GetTableBucket',
        's3tables:GetNamespace',
        's3tables:GetTable',
        's3tables:GetTableMetadataLocation',
        's3tables:GetTableData',
        ...extraActions,
      ],
      resourceArns: [this.tableBucket.attrTableBucketArn, this.table.attrTableArn],
    });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resourceArns: [this.props.encryptionKey.keyArn],
    });
  }

  /** `PutRecord` and `PutRecordBatch` on this cell's stream (the consume functions). */
  grantPut(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
      resourceArns: [this.deliveryStreamArn],
    });
  }

  /** Queries through the cell's Athena workgroup over this table, and nothing else (dashboards). */
  grantQuery(grantee: iam.IGrantable): void {
    this.athena.grantQuery(grantee);
    this.grantCatalogRead(grantee);
    this.grantTableData(grantee);
  }

  /** Where operators find the store (SSM parameters of the cell, `CellOutputs`). */
  addOutputs(out: CellOutputs): void {
    out.add('lakehouse/table-bucket', this.tableBucketName, 'S3 table bucket of the analytics records');
    out.add(
      'lakehouse/table',
      `${this.namespaceName}.${this.tableName}`,
      'Iceberg table (namespace.table) in the table bucket',
    );
    out.add('lakehouse/athena-catalog', this.athenaCatalogName, 'Athena catalog of the table bucket');
    out.add('lakehouse/athena-workgroup', this.athena.workGroupName, 'Athena workgroup of the dashboards');
    out.add('lakehouse/delivery-stream', this.deliveryStreamName, 'Firehose stream the consumers put records on');
    out.add(
      'lakehouse/delivery-errors-bucket',
      this.errorBucket.bucketName,
      'S3 bucket of records Firehose could not deliver (errors/)',
    );
  }
}

import type * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import { icebergRoutingQuery } from '../../schemas/lakehouseTable.ts';
import { LAKEHOUSE_UNIQUE_KEYS } from './lakehouseTable.ts';

/**
 * Firehose buffering of the lakehouse stream. An event must be on a dashboard within two minutes of
 * its arrival (DESIGN §1). Firehose writes a buffer to the table when either hint is reached; at the
 * design peak (1,000 events/s of ~0.6 KB rows, 0.6 MB/s) 64 MiB takes ~110 s to fill, so the 60 s
 * interval is what flushes: an event waits at most 60 s in the buffer, then the Iceberg commit
 * (seconds) — leaving the rest of the two minutes to the API → bus → queues → consumer path, whose
 * queues alarm at 120 s of age anyway. A shorter interval would mean more, smaller files and more
 * commits (S3 Tables compacts them, but each commit is a new snapshot) for no visible gain.
 */
export const LAKEHOUSE_BUFFERING = { intervalSeconds: 60, sizeMiB: 64 } as const;

/** What the lakehouse's Firehose stream is wired to (`LakehouseStore` creates each of them). */
export interface IcebergDeliveryTargets {
  readonly streamName: string;
  /** Encrypts the stream and its error output. */
  readonly keyArn: string;
  readonly roleArn: string;
  /** The table bucket as a Data Catalog catalog (`LakehouseStore.catalogArn`). */
  readonly catalogArn: string;
  /** The namespace (Glue database) and table of the Iceberg table. */
  readonly database: string;
  readonly table: string;
  /** Where records Firehose could not deliver go, under `errors/`. */
  readonly errorBucketArn: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
}

/**
 * The lakehouse's delivery stream: Direct PUT into the cell's Iceberg table, rows upserted by their
 * record identity, failed records to the error bucket, delivery errors to the log stream.
 */
export function icebergDeliveryStreamProps(p: IcebergDeliveryTargets): firehose.CfnDeliveryStreamProps {
  return {
    deliveryStreamName: p.streamName,
    deliveryStreamType: 'DirectPut',
    deliveryStreamEncryptionConfigurationInput: { keyType: 'CUSTOMER_MANAGED_CMK', keyArn: p.keyArn },
    icebergDestinationConfiguration: {
      roleArn: p.roleArn,
      catalogConfiguration: { catalogArn: p.catalogArn },
      // Rows are upserted by their record identity: a redelivery or replay updates its row.
      appendOnly: false,
      destinationTableConfigurationList: [
        {
          destinationDatabaseName: p.database,
          destinationTableName: p.table,
          uniqueKeys: [...LAKEHOUSE_UNIQUE_KEYS],
          s3ErrorOutputPrefix: 'errors/invoice_events/',
        },
      ],
      // Unique keys alone do not upsert: every record must ask for `update` through JSONQuery
      // routing (the same query the local Firehose emulator evaluates, schemas/lakehouseTable.ts).
      processingConfiguration: {
        enabled: true,
        processors: [
          {
            type: 'MetadataExtraction',
            parameters: [
              {
                parameterName: 'MetadataExtractionQuery',
                parameterValue: icebergRoutingQuery({
                  database: p.database,
                  table: p.table,
                  operation: 'update',
                }),
              },
              { parameterName: 'JsonParsingEngine', parameterValue: 'JQ-1.6' },
            ],
          },
        ],
      },
      bufferingHints: {
        intervalInSeconds: LAKEHOUSE_BUFFERING.intervalSeconds,
        sizeInMBs: LAKEHOUSE_BUFFERING.sizeMiB,
      },
      // Firehose retries a failing commit for up to an hour before a record goes to the error output.
      retryOptions: { durationInSeconds: 3600 },
      s3BackupMode: 'FailedDataOnly',
      s3Configuration: {
        bucketArn: p.errorBucketArn,
        roleArn: p.roleArn,
        prefix: 'errors/',
        errorOutputPrefix: 'errors/',
        encryptionConfiguration: { kmsEncryptionConfig: { awskmsKeyArn: p.keyArn } },
        compressionFormat: 'GZIP',
        bufferingHints: { intervalInSeconds: 300, sizeInMBs: 5 },
      },
      cloudWatchLoggingOptions: {
        enabled: true,
        logGroupName: p.logGroupName,
        logStreamName: p.logStreamName,
      },
    },
  };
}

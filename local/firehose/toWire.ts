import type { StreamInfo } from './FirehoseStore.ts';

/** AWS JSON 1.1 sends timestamps as epoch seconds. */
const epochSeconds = (ms: number): number => ms / 1000;

/** Firehose's id of a stream's one destination. */
export const DESTINATION_ID = 'destinationId-000000000001';

export function streamArn(region: string, accountId: string, name: string): string {
  return `arn:aws:firehose:${region}:${accountId}:deliverystream/${name}`;
}

/** The S3 backup/error bucket of an Iceberg destination as described (service defaults filled in). */
function s3Description(s3: Record<string, unknown>): Record<string, unknown> {
  return {
    BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 300 },
    CompressionFormat: 'UNCOMPRESSED',
    EncryptionConfiguration: { NoEncryptionConfig: 'NoEncryption' },
    ...s3,
  };
}

/** `IcebergDestinationDescription`: the configuration as given, `S3Configuration` as a description. */
function icebergDescription(destination: Record<string, unknown>): Record<string, unknown> {
  const { S3Configuration: s3, ...rest } = destination;
  return {
    AppendOnly: false,
    ...rest,
    S3DestinationDescription: s3Description((s3 ?? {}) as Record<string, unknown>),
  };
}

function encryptionDescription(encryption: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!encryption) return { Status: 'DISABLED' };
  return { KeyType: 'AWS_OWNED_CMK', ...encryption, Status: 'ENABLED' };
}

/** The `DeliveryStreamDescription` of DescribeDeliveryStream. */
export function streamToWire(stream: StreamInfo): Record<string, unknown> {
  return {
    DeliveryStreamName: stream.name,
    DeliveryStreamARN: stream.arn,
    DeliveryStreamStatus: 'ACTIVE',
    DeliveryStreamEncryptionConfiguration: encryptionDescription(stream.encryption),
    DeliveryStreamType: stream.streamType,
    VersionId: String(stream.versionId),
    CreateTimestamp: epochSeconds(stream.createdAtMs),
    LastUpdateTimestamp: epochSeconds(stream.updatedAtMs),
    Destinations: [
      { DestinationId: DESTINATION_ID, IcebergDestinationDescription: icebergDescription(stream.destination) },
    ],
    HasMoreDestinations: false,
  };
}

import type { ActionContext } from '../ActionContext.ts';
import { InvalidArgumentError, ResourceInUseError } from '../errors.ts';
import { readIcebergDestination } from '../icebergDestination.ts';
import { type ActionInput, read, streamName } from '../readInput.ts';
import { streamArn } from '../toWire.ts';

/** Destinations Firehose offers; the emulator delivers to Iceberg tables only. */
const OTHER_DESTINATIONS = [
  'S3DestinationConfiguration',
  'ExtendedS3DestinationConfiguration',
  'RedshiftDestinationConfiguration',
  'ElasticsearchDestinationConfiguration',
  'AmazonopensearchserviceDestinationConfiguration',
  'SplunkDestinationConfiguration',
  'HttpEndpointDestinationConfiguration',
  'AmazonOpenSearchServerlessDestinationConfiguration',
  'SnowflakeDestinationConfiguration',
];

const KEY_TYPES = ['AWS_OWNED_CMK', 'CUSTOMER_MANAGED_CMK'];

function readEncryption(input: ActionInput): Record<string, unknown> | undefined {
  const encryption = read.optionalObject(input, 'DeliveryStreamEncryptionConfigurationInput');
  if (!encryption) return undefined;
  const keyType = read.requiredString(encryption, 'KeyType', {
    member: 'deliveryStreamEncryptionConfigurationInput.keyType',
  });
  if (!KEY_TYPES.includes(keyType)) {
    throw new InvalidArgumentError(`KeyType ${keyType} is not one of ${KEY_TYPES.join(', ')}.`);
  }
  const keyArn = read.optionalString(encryption, 'KeyARN');
  if (keyType === 'CUSTOMER_MANAGED_CMK' && keyArn === undefined) {
    throw new InvalidArgumentError('KeyARN is required when KeyType is CUSTOMER_MANAGED_CMK.');
  }
  return { KeyType: keyType, ...(keyArn === undefined ? {} : { KeyARN: keyArn }) };
}

/** A checked CreateDeliveryStream input. */
export interface CreateStreamRequest {
  readonly name: string;
  readonly streamType: string;
  readonly destination: Record<string, unknown>;
  readonly encryption: Record<string, unknown> | undefined;
}

/** Checks a CreateDeliveryStream input without touching the store. */
export function readCreateRequest(input: ActionInput): CreateStreamRequest {
  const name = streamName(input);
  const streamType = read.optionalString(input, 'DeliveryStreamType') ?? 'DirectPut';
  if (streamType !== 'DirectPut') {
    throw new InvalidArgumentError(
      `DeliveryStreamType ${streamType} is not supported by the Firehose emulator (DirectPut).`,
    );
  }
  const other = OTHER_DESTINATIONS.find((key) => input[key] !== undefined && input[key] !== null);
  if (other) throw new InvalidArgumentError(`${other} is not supported by the Firehose emulator (Iceberg only).`);
  const destination = read.optionalObject(input, 'IcebergDestinationConfiguration');
  if (!destination) {
    throw new InvalidArgumentError('A destination configuration is required: IcebergDestinationConfiguration.');
  }
  readIcebergDestination(destination);
  return { name, streamType, destination, encryption: readEncryption(input) };
}

/**
 * CreateDeliveryStream for a Direct PUT stream into Apache Iceberg tables. The stream is ACTIVE at
 * once (AWS: CREATING for a while). Tables need no separate creation: a table exists once a stream
 * names it (as if it had been created in the catalog beforehand).
 */
export function createDeliveryStream(input: ActionInput, context: ActionContext): unknown {
  const request = readCreateRequest(input);
  const arn = streamArn(context.region, context.accountId, request.name);
  if (!context.store.insertStream({ ...request, arn, createdAtMs: context.nowMs })) {
    throw new ResourceInUseError(`Firehose ${request.name} under accountId ${context.accountId} already exists.`);
  }
  return { DeliveryStreamARN: arn };
}

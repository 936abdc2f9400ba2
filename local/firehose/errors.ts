import { AwsServiceError, awsErrorClass, listenErrorClass, storeErrorClass } from '../awsEmulator/index.ts';

/**
 * Errors of the Firehose emulator.
 *
 * The wire errors carry the AWS error code (`__type` and `x-amzn-ErrorType`) and the HTTP status
 * Firehose answers with, so `@aws-sdk/client-firehose` maps them onto its own exception classes
 * (`InvalidArgumentException`, `ResourceNotFoundException`, ...) and its retry strategy treats them
 * like the real ones: `ServiceUnavailableException` (503) and 500s are transient (retried), the
 * 400s permanent. Firehose's modelled exceptions spell their member `message`.
 *
 * `FirehoseStoreError` and `FirehoseListenError` never cross the wire: they explain why the
 * emulator cannot start (unusable data directory or store file, port taken).
 */

/** Every wire error of this emulator; the protocol's own 400s are the shared ones. */
export {
  AwsServiceError as FirehoseServiceError,
  SerializationError,
  UnknownOperationError,
} from '../awsEmulator/index.ts';

/** 400: a parameter is invalid or breaks a limit (record over 1,000 KiB, more than 500 records...). Permanent. */
export class InvalidArgumentError extends awsErrorClass('InvalidArgumentError', {
  code: 'InvalidArgumentException',
  statusCode: 400,
}) {}

/** 400: CreateDeliveryStream for a name that is already taken. Permanent. */
export class ResourceInUseError extends awsErrorClass('ResourceInUseError', {
  code: 'ResourceInUseException',
  statusCode: 400,
}) {}

/**
 * 503: Firehose's answer when it is unavailable or the stream's throughput limits are exceeded
 * (Firehose has no separate throttling error). Transient: back off and retry.
 */
export class ServiceUnavailableError extends awsErrorClass('ServiceUnavailableError', {
  code: 'ServiceUnavailableException',
  statusCode: 503,
  defaultMessage: 'Slow down.',
}) {}

/** 500: the service (here: the emulator, e.g. SQLite) failed. Nothing was committed. Transient. */
export class InternalFailureError extends awsErrorClass('InternalFailureError', {
  code: 'InternalFailure',
  statusCode: 500,
  defaultMessage: 'Internal service failure.',
}) {}

/** 400: no delivery stream of that name. Permanent until it is created. */
export class ResourceNotFoundError extends AwsServiceError {
  readonly streamName: string;

  constructor(streamName: string, accountId: string, options?: ErrorOptions) {
    const message = `Firehose ${streamName} under account ${accountId} not found.`;
    super({ code: 'ResourceNotFoundException', statusCode: 400 }, message, options);
    this.name = 'ResourceNotFoundError';
    this.streamName = streamName;
  }
}

/** The data directory or its store file cannot be used; nothing in it was changed. */
export class FirehoseStoreError extends storeErrorClass('FirehoseStoreError') {}
/** The emulator's HTTP server could not listen (e.g. the port is taken). */
export class FirehoseListenError extends listenErrorClass('FirehoseListenError') {}

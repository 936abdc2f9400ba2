import {
  type AwsErrorSpec,
  AwsServiceError,
  awsErrorClass,
  listenErrorClass,
  storeErrorClass,
} from '../awsEmulator/index.ts';

/** The protocol's own 400s are the shared ones (unmodelled: the SDK reads their `message`). */
export { SerializationError, UnknownOperationError } from '../awsEmulator/index.ts';

/**
 * Errors of the Timestream emulator.
 *
 * The wire errors carry the AWS error code (`__type`) and the HTTP status the real service uses, so
 * `@aws-sdk/client-timestream-write` maps them onto its own exception classes
 * (`ValidationException`, `RejectedRecordsException`, ...) and its retry strategy treats them as the
 * real ones: throttling and 5xx are transient (retried), the rest permanent.
 *
 * `TimestreamStoreError` and `TimestreamListenError` never cross the wire: they explain why the
 * emulator cannot start on a data directory (unreadable, not a store, corrupt, from a newer
 * version) or a port.
 */

/** One entry of `RejectedRecordsException.RejectedRecords`, exactly as on the wire. */
export interface RejectedRecord {
  readonly RecordIndex: number;
  readonly Reason: string;
  readonly ExistingVersion?: number;
}

/**
 * Every wire error of this emulator. Both `message` and `Message` are sent: the SDK's generic error
 * path reads `message`, while the modelled members of Timestream's exceptions are spelled `Message`.
 */
export class TimestreamServiceError extends AwsServiceError {
  constructor(spec: AwsErrorSpec, message: string, options?: ErrorOptions) {
    super(spec, message, options);
    this.name = 'TimestreamServiceError';
  }

  override toWire(): Record<string, unknown> {
    return { ...super.toWire(), Message: this.message };
  }
}

const timestreamError = (name: string, spec: AwsErrorSpec) => awsErrorClass(name, spec, TimestreamServiceError);

/** 400: the request itself is malformed or breaks a limit (e.g. more than 100 records). Permanent. */
export class ValidationError extends timestreamError('ValidationError', {
  code: 'ValidationException',
  statusCode: 400,
}) {}

/** 409: the database or table already exists. Permanent. */
export class ConflictError extends timestreamError('ConflictError', { code: 'ConflictException', statusCode: 409 }) {}

/** 429: request rate too high. Transient: retry with backoff and jitter. */
export class ThrottlingError extends timestreamError('ThrottlingError', {
  code: 'ThrottlingException',
  statusCode: 429,
  transient: true,
  defaultMessage: 'Rate exceeded',
}) {}

/** 500: the service failed internally. Transient. */
export class InternalServerError extends timestreamError('InternalServerError', {
  code: 'InternalServerException',
  statusCode: 500,
  defaultMessage: 'Internal server error',
}) {}

/** 503: the service is unavailable (not a modelled Timestream error; the SDK sees a generic 5xx). Transient. */
export class ServiceUnavailableError extends timestreamError('ServiceUnavailableError', {
  code: 'ServiceUnavailable',
  statusCode: 503,
  defaultMessage: 'Service unavailable',
}) {}

/** 404: unknown database or table. Permanent until the resource is created. */
export class ResourceNotFoundError extends TimestreamServiceError {
  constructor(
    readonly databaseName: string,
    readonly tableName?: string,
    options?: ErrorOptions,
  ) {
    super(
      { code: 'ResourceNotFoundException', statusCode: 404 },
      tableName === undefined
        ? `The database ${databaseName} does not exist.`
        : `The table ${tableName} does not exist in database ${databaseName}.`,
      options,
    );
    this.name = 'ResourceNotFoundError';
  }
}

/**
 * 419: some records of a WriteRecords call were rejected. The others of the same call WERE
 * written (Timestream's behaviour), so a caller retries only the rejected indexes, and only if the
 * reason is not a version conflict (which means "already recorded").
 */
export class RejectedRecordsError extends TimestreamServiceError {
  readonly rejectedRecords: readonly RejectedRecord[];

  constructor(rejectedRecords: readonly RejectedRecord[], options?: ErrorOptions) {
    const message = 'One or more records have been rejected. See RejectedRecords for details.';
    super({ code: 'RejectedRecordsException', statusCode: 419 }, message, options);
    this.name = 'RejectedRecordsError';
    this.rejectedRecords = rejectedRecords;
  }

  override toWire(): Record<string, unknown> {
    return { ...super.toWire(), RejectedRecords: this.rejectedRecords };
  }
}

/** The data directory or its store file cannot be used; nothing in it was changed. */
export class TimestreamStoreError extends storeErrorClass('TimestreamStoreError') {}
/** The emulator's HTTP server could not listen (e.g. the port is taken). */
export class TimestreamListenError extends listenErrorClass('TimestreamListenError') {}

/**
 * Errors of the Timestream emulator.
 *
 * `TimestreamServiceError` subclasses cross the wire: each carries the AWS error code (`__type`) and
 * the HTTP status the real service uses, so `@aws-sdk/client-timestream-write` maps them onto its own
 * exception classes (`ValidationException`, `RejectedRecordsException`, ...) and its retry strategy
 * treats them as the real ones: throttling and 5xx are transient (retried), the rest permanent.
 *
 * `TimestreamStoreError` never crosses the wire: it explains why the emulator cannot start on a
 * data directory (unreadable, not a store, corrupt, from a newer version).
 */

/** One entry of `RejectedRecordsException.RejectedRecords`, exactly as on the wire. */
export interface RejectedRecord {
  readonly RecordIndex: number;
  readonly Reason: string;
  readonly ExistingVersion?: number;
}

export class TimestreamServiceError extends Error {
  /** The AWS error code, sent as `__type`. */
  readonly code: string;
  readonly statusCode: number;
  /** Transient errors are worth retrying with backoff; permanent ones are not. */
  readonly transient: boolean;

  constructor(code: string, message: string, statusCode: number, transient: boolean, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TimestreamServiceError';
    this.code = code;
    this.statusCode = statusCode;
    this.transient = transient;
  }

  /**
   * The JSON body. Both `message` and `Message` are sent: the SDK's generic error path reads
   * `message`, while the modelled members of Timestream's exceptions are spelled `Message`.
   */
  toWire(): Record<string, unknown> {
    return { __type: this.code, message: this.message, Message: this.message };
  }
}

/** 400: the request itself is malformed or breaks a limit (e.g. more than 100 records). Permanent. */
export class ValidationError extends TimestreamServiceError {
  constructor(message: string, options?: ErrorOptions) {
    super('ValidationException', message, 400, false, options);
    this.name = 'ValidationError';
  }
}

/** 400: the body is not JSON or a member has the wrong JSON type. Permanent. */
export class SerializationError extends TimestreamServiceError {
  constructor(message: string, options?: ErrorOptions) {
    super('SerializationException', message, 400, false, options);
    this.name = 'SerializationError';
  }
}

/** 400: `X-Amz-Target` is missing or names an action this emulator does not offer. Permanent. */
export class UnknownOperationError extends TimestreamServiceError {
  readonly target: string | undefined;

  constructor(target: string | undefined, options?: ErrorOptions) {
    super(
      'UnknownOperationException',
      target ? `Unknown operation ${target}` : 'Missing X-Amz-Target header',
      400,
      false,
      options,
    );
    this.name = 'UnknownOperationError';
    this.target = target;
  }
}

/** 404: unknown database or table. Permanent until the resource is created. */
export class ResourceNotFoundError extends TimestreamServiceError {
  readonly databaseName: string;
  readonly tableName: string | undefined;

  constructor(databaseName: string, tableName?: string, options?: ErrorOptions) {
    super(
      'ResourceNotFoundException',
      tableName === undefined
        ? `The database ${databaseName} does not exist.`
        : `The table ${tableName} does not exist in database ${databaseName}.`,
      404,
      false,
      options,
    );
    this.name = 'ResourceNotFoundError';
    this.databaseName = databaseName;
    this.tableName = tableName;
  }
}

/** 409: the database or table already exists. Permanent. */
export class ConflictError extends TimestreamServiceError {
  constructor(message: string, options?: ErrorOptions) {
    super('ConflictException', message, 409, false, options);
    this.name = 'ConflictError';
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
    super(
      'RejectedRecordsException',
      `One or more records have been rejected. See RejectedRecords for details.`,
      419,
      false,
      options,
    );
    this.name = 'RejectedRecordsError';
    this.rejectedRecords = rejectedRecords;
  }

  override toWire(): Record<string, unknown> {
    return { ...super.toWire(), RejectedRecords: this.rejectedRecords };
  }
}

/** 429: request rate too high. Transient: retry with backoff and jitter. */
export class ThrottlingError extends TimestreamServiceError {
  constructor(message = 'Rate exceeded', options?: ErrorOptions) {
    super('ThrottlingException', message, 429, true, options);
    this.name = 'ThrottlingError';
  }
}

/** 500: the service failed internally. Transient. */
export class InternalServerError extends TimestreamServiceError {
  constructor(message = 'Internal server error', options?: ErrorOptions) {
    super('InternalServerException', message, 500, true, options);
    this.name = 'InternalServerError';
  }
}

/** 503: the service is unavailable (not a modelled Timestream error; the SDK sees a generic 5xx). Transient. */
export class ServiceUnavailableError extends TimestreamServiceError {
  constructor(message = 'Service unavailable', options?: ErrorOptions) {
    super('ServiceUnavailable', message, 503, true, options);
    this.name = 'ServiceUnavailableError';
  }
}

/** The data directory or its store file cannot be used; nothing in it was changed. */
export class TimestreamStoreError extends Error {
  readonly path: string;

  constructor(path: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TimestreamStoreError';
    this.path = path;
  }
}

/** The emulator's HTTP server could not listen (e.g. the port is taken). */
export class TimestreamListenError extends Error {
  readonly host: string;
  readonly port: number;

  constructor(host: string, port: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TimestreamListenError';
    this.host = host;
    this.port = port;
  }
}

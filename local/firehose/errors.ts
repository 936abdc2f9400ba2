/**
 * Errors of the Firehose emulator.
 *
 * `FirehoseServiceError` subclasses cross the wire: each carries the AWS error code (`__type`) and
 * the HTTP status Firehose answers with, so `@aws-sdk/client-firehose` maps them onto its own
 * exception classes (`InvalidArgumentException`, `ResourceNotFoundException`, ...) and its retry
 * strategy treats them like the real ones: `ServiceUnavailableException` (503) and 500s are
 * transient (retried), the 400s permanent.
 *
 * `FirehoseStoreError` and `FirehoseListenError` never cross the wire: they explain why the
 * emulator cannot start (unusable data directory or store file, port taken).
 */

export class FirehoseServiceError extends Error {
  /** The AWS error code, sent as `__type` and `x-amzn-ErrorType`. */
  readonly code: string;
  readonly statusCode: number;
  /** Transient errors are worth retrying with backoff and jitter; permanent ones are not. */
  readonly transient: boolean;

  constructor(code: string, message: string, statusCode: number, transient: boolean, options?: ErrorOptions) {
    super(message, options);
    this.name = 'FirehoseServiceError';
    this.code = code;
    this.statusCode = statusCode;
    this.transient = transient;
  }

  /** The AWS JSON 1.1 error body; Firehose's modelled exceptions spell their member `message`. */
  toWire(): Record<string, unknown> {
    return { __type: this.code, message: this.message };
  }
}

/** 400: a parameter is invalid or breaks a limit (record over 1,000 KiB, more than 500 records...). Permanent. */
export class InvalidArgumentError extends FirehoseServiceError {
  constructor(message: string, options?: ErrorOptions) {
    super('InvalidArgumentException', message, 400, false, options);
    this.name = 'InvalidArgumentError';
  }
}

/** 400: no delivery stream of that name. Permanent until it is created. */
export class ResourceNotFoundError extends FirehoseServiceError {
  readonly streamName: string;

  constructor(streamName: string, accountId: string, options?: ErrorOptions) {
    super(
      'ResourceNotFoundException',
      `Firehose ${streamName} under account ${accountId} not found.`,
      400,
      false,
      options,
    );
    this.name = 'ResourceNotFoundError';
    this.streamName = streamName;
  }
}

/** 400: CreateDeliveryStream for a name that is already taken. Permanent. */
export class ResourceInUseError extends FirehoseServiceError {
  constructor(message: string, options?: ErrorOptions) {
    super('ResourceInUseException', message, 400, false, options);
    this.name = 'ResourceInUseError';
  }
}

/** 400: the body is not JSON or a member has the wrong JSON type. Permanent. */
export class SerializationError extends FirehoseServiceError {
  constructor(message: string, options?: ErrorOptions) {
    super('SerializationException', message, 400, false, options);
    this.name = 'SerializationError';
  }
}

/** 400: `X-Amz-Target` is missing or names an operation this emulator does not offer. Permanent. */
export class UnknownOperationError extends FirehoseServiceError {
  constructor(target: string | undefined, options?: ErrorOptions) {
    super(
      'UnknownOperationException',
      target ? `Unknown operation ${target}` : 'Missing X-Amz-Target header (Firehose_20150804.<Operation>)',
      400,
      false,
      options,
    );
    this.name = 'UnknownOperationError';
  }
}

/**
 * 503: Firehose's answer when it is unavailable or the stream's throughput limits are exceeded
 * (Firehose has no separate throttling error). Transient: back off and retry.
 */
export class ServiceUnavailableError extends FirehoseServiceError {
  constructor(message = 'Slow down.', options?: ErrorOptions) {
    super('ServiceUnavailableException', message, 503, true, options);
    this.name = 'ServiceUnavailableError';
  }
}

/** 500: the service (here: the emulator, e.g. SQLite) failed. Nothing was committed. Transient. */
export class InternalFailureError extends FirehoseServiceError {
  constructor(message = 'Internal service failure.', options?: ErrorOptions) {
    super('InternalFailure', message, 500, true, options);
    this.name = 'InternalFailureError';
  }
}

/** The data directory or its store file cannot be used; nothing in it was changed. */
export class FirehoseStoreError extends Error {
  readonly path: string;

  constructor(path: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'FirehoseStoreError';
    this.path = path;
  }
}

/** The emulator's HTTP server could not listen (e.g. the port is taken). */
export class FirehoseListenError extends Error {
  readonly host: string;
  readonly port: number;

  constructor(host: string, port: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'FirehoseListenError';
    this.host = host;
    this.port = port;
  }
}

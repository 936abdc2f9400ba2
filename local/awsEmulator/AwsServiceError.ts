/**
 * The errors that cross the wire of an emulated AWS JSON service (JSON 1.0 and 1.1 protocols).
 *
 * Each carries the short AWS error code, the HTTP status the service answers with and whether it
 * is transient, so the real SDK clients map it onto their own exception classes (the code is sent
 * as `__type` and `x-amzn-ErrorType`) and their retry strategies treat it as they treat AWS's:
 * throttling and 5xx are retried, the rest are permanent.
 */
export interface AwsErrorSpec {
  /** The AWS error code, e.g. `ValidationException`. */
  readonly code: string;
  readonly statusCode: number;
  /** Worth retrying with backoff. @default statusCode >= 500 */
  readonly transient?: boolean;
  /** Prepended to the code in `__type` (DynamoDB sends `com.amazonaws.dynamodb.v20120810#…`). @default '' */
  readonly typePrefix?: string;
  /** The message when none is given (AWS's own, for errors it words the same every time). */
  readonly defaultMessage?: string;
}

export class AwsServiceError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly transient: boolean;
  /** `__type` as sent: the code with the service's namespace, if it sends one. */
  readonly wireType: string;

  constructor(spec: AwsErrorSpec, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AwsServiceError';
    this.code = spec.code;
    this.statusCode = spec.statusCode;
    this.transient = spec.transient ?? spec.statusCode >= 500;
    this.wireType = `${spec.typePrefix ?? ''}${spec.code}`;
  }

  /** The JSON error body; subclasses add the members their service models (e.g. `RejectedRecords`). */
  toWire(): Record<string, unknown> {
    return { __type: this.wireType, message: this.message };
  }
}

/** A wire error class whose instances all have one code and status: `new ThrottlingError(message?)`. */
export type AwsErrorClass = new (message?: string, options?: ErrorOptions) => AwsServiceError;

/**
 * Declares the wire error class of one AWS error code, named for `instanceof` and logs:
 * `export class ValidationError extends awsErrorClass('ValidationError', { code: 'ValidationException', statusCode: 400 }) {}`.
 * `Base` is the service's own base class when its errors add members to every body.
 */
export function awsErrorClass(name: string, spec: AwsErrorSpec, Base: typeof AwsServiceError = AwsServiceError) {
  return class extends Base {
    constructor(message = spec.defaultMessage ?? '', options?: ErrorOptions) {
      super(spec, message, options);
      this.name = name;
    }
  };
}

/** 400: the body is not a JSON object, or a member has the wrong JSON type. Permanent. */
export class SerializationError extends awsErrorClass('SerializationError', {
  code: 'SerializationException',
  statusCode: 400,
}) {}

/** 400: `X-Amz-Target` is missing or names an operation the emulator does not offer. Permanent. */
export class UnknownOperationError extends awsErrorClass('UnknownOperationError', {
  code: 'UnknownOperationException',
  statusCode: 400,
}) {}

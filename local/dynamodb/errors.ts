/**
 * Errors of the DynamoDB emulator.
 *
 * `DynamoDBServiceError` subclasses cross the wire: each carries the AWS error type (`__type`, with
 * the namespace DynamoDB sends) and the HTTP status, so `@aws-sdk/client-dynamodb` maps them onto
 * its own exception classes (`ConditionalCheckFailedException`, `ResourceNotFoundException`, …)
 * and its retry strategy treats them like the real ones: the 500 is transient, the 400s permanent.
 *
 * `DynamoDBStoreError` and `DynamoDBListenError` never cross the wire: they explain why the emulator
 * cannot start (unusable data directory or store file, port taken).
 */

const DYNAMODB = 'com.amazonaws.dynamodb.v20120810#';
const CORAL_VALIDATE = 'com.amazon.coral.validate#';
const CORAL_SERVICE = 'com.amazon.coral.service#';

export class DynamoDBServiceError extends Error {
  /** The short AWS error code (`ValidationException`); `__type` adds the namespace. */
  readonly code: string;
  readonly statusCode: number;
  /** Transient errors are worth retrying with backoff; permanent ones are not. */
  readonly transient: boolean;
  readonly #namespace: string;

  constructor(
    namespace: string,
    code: string,
    message: string,
    statusCode: number,
    transient: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'DynamoDBServiceError';
    this.#namespace = namespace;
    this.code = code;
    this.statusCode = statusCode;
    this.transient = transient;
  }

  /** The AWS JSON 1.0 error body as DynamoDB sends it. */
  toWire(): Record<string, unknown> {
    return { __type: `${this.#namespace}${this.code}`, message: this.message };
  }
}

/** 400: a parameter is invalid (bad key, malformed expression, unused placeholder…). Permanent. */
export class ValidationError extends DynamoDBServiceError {
  constructor(message: string, options?: ErrorOptions) {
    super(CORAL_VALIDATE, 'ValidationException', message, 400, false, options);
    this.name = 'ValidationError';
  }
}

/**
 * 400: the ConditionExpression was false; nothing was written. With
 * `ReturnValuesOnConditionCheckFailure: ALL_OLD` it carries the item as it is.
 */
export class ConditionalCheckFailedError extends DynamoDBServiceError {
  /** The item as stored (wire attribute values; typed loosely so errors.ts depends on nothing). */
  readonly item: Readonly<Record<string, unknown>> | undefined;

  constructor(item: Readonly<Record<string, unknown>> | undefined, options?: ErrorOptions) {
    super(DYNAMODB, 'ConditionalCheckFailedException', 'The conditional request failed', 400, false, options);
    this.name = 'ConditionalCheckFailedError';
    this.item = item;
  }

  override toWire(): Record<string, unknown> {
    return { ...super.toWire(), ...(this.item ? { Item: this.item } : {}) };
  }
}

/** 400: no table of that name (DynamoDB's message does not name it). Permanent until it is created. */
export class ResourceNotFoundError extends DynamoDBServiceError {
  readonly tableName: string;

  constructor(tableName: string, options?: ErrorOptions) {
    super(DYNAMODB, 'ResourceNotFoundException', 'Requested resource not found', 400, false, options);
    this.name = 'ResourceNotFoundError';
    this.tableName = tableName;
  }
}

/** 400: CreateTable for a name that is taken. Permanent. */
export class ResourceInUseError extends DynamoDBServiceError {
  constructor(tableName: string, options?: ErrorOptions) {
    super(DYNAMODB, 'ResourceInUseException', `Table already exists: ${tableName}`, 400, false, options);
    this.name = 'ResourceInUseError';
  }
}

/** 400: the body is not JSON or a member has the wrong JSON type. Permanent. */
export class SerializationError extends DynamoDBServiceError {
  constructor(message: string, options?: ErrorOptions) {
    super(CORAL_SERVICE, 'SerializationException', message, 400, false, options);
    this.name = 'SerializationError';
  }
}

/** 400: `X-Amz-Target` is missing or names an operation this emulator does not offer. Permanent. */
export class UnknownOperationError extends DynamoDBServiceError {
  constructor(target: string | undefined, options?: ErrorOptions) {
    super(
      CORAL_SERVICE,
      'UnknownOperationException',
      target ? `Unknown operation ${target}` : 'Missing X-Amz-Target header (DynamoDB_20120810.<Operation>)',
      400,
      false,
      options,
    );
    this.name = 'UnknownOperationError';
  }
}

/** 500: the emulator (e.g. SQLite) failed; nothing was committed. Transient. */
export class InternalServerError extends DynamoDBServiceError {
  constructor(message = 'Internal server error', options?: ErrorOptions) {
    super(DYNAMODB, 'InternalServerError', message, 500, true, options);
    this.name = 'InternalServerError';
  }
}

/** The data directory or its store file cannot be used; nothing in it was changed. */
export class DynamoDBStoreError extends Error {
  readonly path: string;

  constructor(path: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DynamoDBStoreError';
    this.path = path;
  }
}

/** The emulator's HTTP server could not listen (e.g. the port is taken). */
export class DynamoDBListenError extends Error {
  readonly host: string;
  readonly port: number;

  constructor(host: string, port: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DynamoDBListenError';
    this.host = host;
    this.port = port;
  }
}

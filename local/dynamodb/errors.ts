import { AwsServiceError, awsErrorClass, listenErrorClass, storeErrorClass } from '../awsEmulator/index.ts';

/**
 * Errors of the DynamoDB emulator.
 *
 * The wire errors carry the AWS error type (`__type`, with the namespace DynamoDB sends) and the
 * HTTP status, so `@aws-sdk/client-dynamodb` maps them onto its own exception classes
 * (`ConditionalCheckFailedException`, `ResourceNotFoundException`, …) and its retry strategy treats
 * them like the real ones: the 500 is transient, the 400s permanent.
 *
 * `DynamoDBStoreError` and `DynamoDBListenError` never cross the wire: they explain why the emulator
 * cannot start (unusable data directory or store file, port taken).
 */

const DYNAMODB = 'com.amazonaws.dynamodb.v20120810#';
const CORAL_VALIDATE = 'com.amazon.coral.validate#';
const CORAL_SERVICE = 'com.amazon.coral.service#';

/** Every wire error of this emulator. */
export { AwsServiceError as DynamoDBServiceError };

/** 400: a parameter is invalid (bad key, malformed expression, unused placeholder…). Permanent. */
export class ValidationError extends awsErrorClass('ValidationError', {
  code: 'ValidationException',
  statusCode: 400,
  typePrefix: CORAL_VALIDATE,
}) {}

/** 400: a member has the wrong JSON type (the router answers a body that is not JSON itself). Permanent. */
export class SerializationError extends awsErrorClass('SerializationError', {
  code: 'SerializationException',
  statusCode: 400,
  typePrefix: CORAL_SERVICE,
}) {}

/** 500: the emulator (e.g. SQLite) failed; nothing was committed. Transient. */
export class InternalServerError extends awsErrorClass('InternalServerError', {
  code: 'InternalServerError',
  statusCode: 500,
  typePrefix: DYNAMODB,
  defaultMessage: 'Internal server error',
}) {}

/**
 * 400: the ConditionExpression was false; nothing was written. With
 * `ReturnValuesOnConditionCheckFailure: ALL_OLD` it carries the item as it is.
 */
export class ConditionalCheckFailedError extends AwsServiceError {
  /** The item as stored (wire attribute values; typed loosely so errors.ts depends on nothing). */
  readonly item: Readonly<Record<string, unknown>> | undefined;

  constructor(item: Readonly<Record<string, unknown>> | undefined, options?: ErrorOptions) {
    const spec = { code: 'ConditionalCheckFailedException', statusCode: 400, typePrefix: DYNAMODB };
    super(spec, 'The conditional request failed', options);
    this.name = 'ConditionalCheckFailedError';
    this.item = item;
  }

  override toWire(): Record<string, unknown> {
    return { ...super.toWire(), ...(this.item ? { Item: this.item } : {}) };
  }
}

/** 400: no table of that name (DynamoDB's message does not name it). Permanent until it is created. */
export class ResourceNotFoundError extends AwsServiceError {
  readonly tableName: string;

  constructor(tableName: string, options?: ErrorOptions) {
    const spec = { code: 'ResourceNotFoundException', statusCode: 400, typePrefix: DYNAMODB };
    super(spec, 'Requested resource not found', options);
    this.name = 'ResourceNotFoundError';
    this.tableName = tableName;
  }
}

/** 400: CreateTable for a name that is taken. Permanent. */
export class ResourceInUseError extends awsErrorClass('ResourceInUseError', {
  code: 'ResourceInUseException',
  statusCode: 400,
  typePrefix: DYNAMODB,
}) {}

/** The data directory or its store file cannot be used; nothing in it was changed. */
export class DynamoDBStoreError extends storeErrorClass('DynamoDBStoreError') {}
/** The emulator's HTTP server could not listen (e.g. the port is taken). */
export class DynamoDBListenError extends listenErrorClass('DynamoDBListenError') {}

import { AwsServiceError, awsErrorClass, EmulatorStoreError } from '../awsEmulator/index.ts';

/**
 * Errors of the EventBridge emulator. Two families:
 * - wire errors ({@link AwsServiceError}): `code` is the AWS error code the real
 *   `@aws-sdk/client-eventbridge` maps to its exception classes (sent as `__type`), `statusCode`
 *   the HTTP status AWS uses for it (EventBridge answers client errors with 400, its own faults with 500).
 * - {@link EventBridgeEmulatorError}: the emulator could not start or was misconfigured; printed as one line.
 */

/** Every wire error of this emulator; the protocol's own 400s are the shared ones. */
export {
  AwsServiceError as EventBridgeError,
  SerializationError,
  UnknownOperationError,
} from '../awsEmulator/index.ts';

const clientError = (name: string, code: string) => awsErrorClass(name, { code, statusCode: 400 });

/** Input that breaks a modelled constraint; AWS phrases these as "1 validation error detected: …". */
export class ValidationError extends clientError('ValidationError', 'ValidationException') {}
export class ResourceNotFoundError extends clientError('ResourceNotFoundError', 'ResourceNotFoundException') {}
export class ResourceAlreadyExistsError extends clientError(
  'ResourceAlreadyExistsError',
  'ResourceAlreadyExistsException',
) {}
/** The resource exists but is in a state that forbids the call (e.g. cancelling a finished replay). */
export class IllegalStatusError extends clientError('IllegalStatusError', 'IllegalStatusException') {}
/**
 * Our own fault (e.g. the SQLite file could not be written). 500, so SDK clients retry it as
 * transient — which is right: nothing was committed when this is thrown.
 */
export class InternalError extends awsErrorClass('InternalError', {
  code: 'InternalException',
  statusCode: 500,
  defaultMessage: 'Internal error',
}) {}

export class InvalidEventPatternError extends AwsServiceError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options?: ErrorOptions) {
    const message = `Event pattern is not valid. Reason: ${problems.join('; ')}`;
    super({ code: 'InvalidEventPatternException', statusCode: 400 }, message, options);
    this.name = 'InvalidEventPatternError';
    this.problems = problems;
  }
}

/** Start-up and configuration errors; never sent over the wire. */
export class EventBridgeEmulatorError extends Error {
  override readonly name: string = 'EventBridgeEmulatorError';
}

/** The HTTP server could not listen (e.g. the port is taken). */
export class EventBridgeListenError extends EventBridgeEmulatorError {
  override readonly name = 'EventBridgeListenError';
  /** Where it tried to listen. */
  readonly address: { readonly host: string; readonly port: number };

  constructor(host: string, port: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.address = { host, port };
  }
}

/** The bus/rule/archive configuration is unusable; lists every problem at once. */
export class EventBridgeConfigError extends EventBridgeEmulatorError {
  override readonly name = 'EventBridgeConfigError';
  constructor(
    readonly problems: readonly string[],
    options?: ErrorOptions,
  ) {
    super(`invalid EventBridge emulator configuration:\n  - ${problems.join('\n  - ')}`, options);
  }
}

/** The data directory or its database cannot be used. Nothing was created over or deleted. */
export class EventBridgeDataDirError extends EmulatorStoreError {
  override readonly name = 'EventBridgeDataDirError';

  constructor(path: string, reason: string, options?: ErrorOptions) {
    super(path, `EventBridge data ${path} ${reason}`, options);
  }
}

/**
 * Errors of the EventBridge emulator. Two families:
 * - {@link EventBridgeError}: errors that cross the wire. `code` is the AWS error code the real
 *   `@aws-sdk/client-eventbridge` maps to its exception classes (sent as `__type`), `statusCode`
 *   the HTTP status AWS uses for it (EventBridge answers client errors with 400, its own faults with 500).
 * - {@link EventBridgeEmulatorError}: the emulator could not start or was misconfigured; printed as one line.
 */
export class EventBridgeError extends Error {
  override readonly name: string = 'EventBridgeError';
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  /** The JSON 1.1 protocol error body. */
  toJSON(): { __type: string; message: string } {
    return { __type: this.code, message: this.message };
  }
}

/**
 * A wire error class for one AWS error code. Each class still has its own name (for `instanceof`
 * and logs); the code and status are the ones EventBridge answers with.
 */
function awsError(name: string, code: string, statusCode = 400) {
  return class extends EventBridgeError {
    override readonly name: string = name;
    constructor(message: string, options?: ErrorOptions) {
      super(code, message, statusCode, options);
    }
  };
}

/** Input that breaks a modelled constraint; AWS phrases these as "1 validation error detected: …". */
export class ValidationError extends awsError('ValidationError', 'ValidationException') {}
export class ResourceNotFoundError extends awsError('ResourceNotFoundError', 'ResourceNotFoundException') {}
export class ResourceAlreadyExistsError extends awsError(
  'ResourceAlreadyExistsError',
  'ResourceAlreadyExistsException',
) {}
/** The resource exists but is in a state that forbids the call (e.g. cancelling a finished replay). */
export class IllegalStatusError extends awsError('IllegalStatusError', 'IllegalStatusException') {}
export class UnknownOperationError extends awsError('UnknownOperationError', 'UnknownOperationException') {}
/**
 * Our own fault (e.g. the SQLite file could not be written). 500, so SDK clients retry it as
 * transient — which is right: nothing was committed when this is thrown.
 */
export class InternalError extends awsError('InternalError', 'InternalException', 500) {}

export class InvalidEventPatternError extends EventBridgeError {
  override readonly name = 'InvalidEventPatternError';
  constructor(
    readonly problems: readonly string[],
    options?: ErrorOptions,
  ) {
    super('InvalidEventPatternException', `Event pattern is not valid. Reason: ${problems.join('; ')}`, 400, options);
  }
}

/** The request body is not JSON, or not an object; the router answers 413 for a body over the limit. */
export class SerializationError extends EventBridgeError {
  override readonly name = 'SerializationError';
  constructor(message: string, statusCode = 400, options?: ErrorOptions) {
    super('SerializationException', message, statusCode, options);
  }
}

/** Start-up and configuration errors; never sent over the wire. */
export class EventBridgeEmulatorError extends Error {
  override readonly name: string = 'EventBridgeEmulatorError';
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
export class EventBridgeDataDirError extends EventBridgeEmulatorError {
  override readonly name = 'EventBridgeDataDirError';
  constructor(
    readonly path: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`EventBridge data ${path} ${reason}`, options);
  }
}

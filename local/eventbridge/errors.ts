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

/** Input that breaks a modelled constraint; AWS phrases these as "1 validation error detected: …". */
export class ValidationError extends EventBridgeError {
  override readonly name = 'ValidationError';
  constructor(message: string, options?: ErrorOptions) {
    super('ValidationException', message, 400, options);
  }
}

export class ResourceNotFoundError extends EventBridgeError {
  override readonly name = 'ResourceNotFoundError';
  constructor(message: string, options?: ErrorOptions) {
    super('ResourceNotFoundException', message, 400, options);
  }
}

export class ResourceAlreadyExistsError extends EventBridgeError {
  override readonly name = 'ResourceAlreadyExistsError';
  constructor(message: string, options?: ErrorOptions) {
    super('ResourceAlreadyExistsException', message, 400, options);
  }
}

export class InvalidEventPatternError extends EventBridgeError {
  override readonly name = 'InvalidEventPatternError';
  constructor(
    readonly problems: readonly string[],
    options?: ErrorOptions,
  ) {
    super('InvalidEventPatternException', `Event pattern is not valid. Reason: ${problems.join('; ')}`, 400, options);
  }
}

/** The resource exists but is in a state that forbids the call (e.g. cancelling a finished replay). */
export class IllegalStatusError extends EventBridgeError {
  override readonly name = 'IllegalStatusError';
  constructor(message: string, options?: ErrorOptions) {
    super('IllegalStatusException', message, 400, options);
  }
}

/** The request body is not JSON, or not an object. */
export class SerializationError extends EventBridgeError {
  override readonly name = 'SerializationError';
  constructor(message: string, statusCode = 400, options?: ErrorOptions) {
    super('SerializationException', message, statusCode, options);
  }
}

export class UnknownOperationError extends EventBridgeError {
  override readonly name = 'UnknownOperationError';
  constructor(message: string, options?: ErrorOptions) {
    super('UnknownOperationException', message, 400, options);
  }
}

/**
 * Our own fault (e.g. the SQLite file could not be written). 500, so SDK clients retry it as
 * transient — which is right: nothing was committed when this is thrown.
 */
export class InternalError extends EventBridgeError {
  override readonly name = 'InternalError';
  constructor(message: string, options?: ErrorOptions) {
    super('InternalException', message, 500, options);
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

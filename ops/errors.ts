/** Base class of errors the `bems` CLI reports to the operator (message only, no stack). */
export class CliError extends Error {
  override readonly name: string = 'CliError';
  constructor(
    message: string,
    /** Process exit code. */
    readonly exitCode = 1,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Wrong flags or arguments: exit code 2, like most Unix tools, and the usage is printed. */
export class UsageError extends CliError {
  override readonly name = 'UsageError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, 2, options);
  }
}

import { EXIT_CODES } from './exitCodes.ts';

/** Base class of errors the `bems` CLI reports to the operator (message only, no stack). */
export class CliError extends Error {
  override readonly name: string = 'CliError';
  constructor(
    message: string,
    /** Process exit code. */
    readonly exitCode: number = EXIT_CODES.failure,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Wrong flags or arguments: exit code 2, like most Unix tools; the line ends with where the usage is. */
export class UsageError extends CliError {
  override readonly name = 'UsageError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, EXIT_CODES.usage, options);
  }
}

/** The cell to act on could not be found or reached: exit code 3. */
export class TargetError extends CliError {
  override readonly name = 'TargetError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, EXIT_CODES.unreachable, options);
  }
}

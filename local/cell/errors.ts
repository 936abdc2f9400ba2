/**
 * Errors of the local cell (`local/`, not the emulators, which have their own). Start-up errors
 * are meant to be printed as one line: `main.ts` prints `error.message` and exits 1.
 */
export class LocalCellError extends Error {
  override readonly name: string = 'LocalCellError';
}

/** The cell could not start; nothing was overwritten. */
export class StartupError extends LocalCellError {
  override readonly name: string = 'StartupError';
}

export class PortInUseError extends StartupError {
  override readonly name = 'PortInUseError';
  constructor(
    readonly host: string,
    readonly port: number,
    options?: ErrorOptions,
  ) {
    super(
      `port ${port} on ${host} is already in use: stop the other process or pass --port <free port> (0 = any)`,
      options,
    );
  }
}

export class DataDirError extends StartupError {
  override readonly name = 'DataDirError';
  constructor(
    readonly dataDir: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`data directory ${dataDir} ${reason}`, options);
  }
}

/** A `--fault` flag or FaultRule that cannot be used. */
export class FaultRuleError extends LocalCellError {
  override readonly name = 'FaultRuleError';
}

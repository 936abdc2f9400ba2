/**
 * Errors that stop an emulator from starting; they never cross the wire. Each emulator names its
 * own subclass (`FirehoseStoreError`, …) so a host can tell which store or listener failed.
 */

/** The data directory or its store file cannot be used; nothing in it was changed. */
export class EmulatorStoreError extends Error {
  readonly path: string;

  constructor(path: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EmulatorStoreError';
    this.path = path;
  }
}

/** The emulator's HTTP server could not listen (e.g. the port is taken). */
export class EmulatorListenError extends Error {
  readonly host: string;
  readonly port: number;

  constructor(host: string, port: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EmulatorListenError';
    this.host = host;
    this.port = port;
  }
}

/** The store error class of one emulator: `class FirehoseStoreError extends storeErrorClass('FirehoseStoreError') {}`. */
export function storeErrorClass(name: string): typeof EmulatorStoreError {
  return class extends EmulatorStoreError {
    override readonly name = name;
  };
}

/** The listen error class of one emulator: `class FirehoseListenError extends listenErrorClass('FirehoseListenError') {}`. */
export function listenErrorClass(name: string): typeof EmulatorListenError {
  return class extends EmulatorListenError {
    override readonly name = name;
  };
}

/** Log lines of the local cell's own machinery (handlers log through Powertools, as on AWS). */
export interface LocalLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** One JSON line per entry on stderr; `quiet` keeps only errors (tests, benchmarks). */
export function createLocalLogger(options: { quiet?: boolean } = {}): LocalLogger {
  const write = (level: string, message: string, fields?: Record<string, unknown>) =>
    process.stderr.write(
      `${JSON.stringify({ level, time: new Date().toISOString(), source: 'local-cell', message, ...fields })}\n`,
    );
  return {
    info: (message, fields) => {
      if (!options.quiet) write('INFO', message, fields);
    },
    warn: (message, fields) => {
      if (!options.quiet) write('WARN', message, fields);
    },
    error: (message, fields) => write('ERROR', message, fields),
  };
}

/** Serialisable description of an unknown error. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** What the emulators log through; Powertools' Logger, the local cell's logger and `console` all fit. */
export interface EmulatorLogger {
  debug?(message: string, details?: Record<string, unknown>): void;
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

export const SILENT_LOGGER: EmulatorLogger = { info() {}, warn() {}, error() {} };

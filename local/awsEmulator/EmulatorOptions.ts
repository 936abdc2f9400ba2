import { type EmulatorLogger, SILENT_LOGGER } from './EmulatorLogger.ts';

/** The options every store-backed emulator takes (each adds its own: tables, streams, …). */
export interface EmulatorOptions {
  /** Directory of the emulator's SQLite file; created if missing. */
  readonly dataDir: string;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** Region in ARNs. @default 'eu-west-1' */
  readonly region?: string;
  /** Account in ARNs and messages. @default '000000000000' */
  readonly accountId?: string;
  readonly logger?: EmulatorLogger;
  /** Clock (epoch ms) of the operations (retention windows, TTL). @default Date.now */
  readonly now?: () => number;
  /**
   * WAL checkpoints run on a background thread this often, off the request path; 0 leaves them
   * to SQLite inside the writer's commits. @default 250
   */
  readonly checkpointIntervalMs?: number;
  /**
   * DDL of views and indexes a host reads the store through, run at every open; the emulator
   * itself never reads them (BEMS passes its read model).
   */
  readonly readSchema?: string;
}

/** {@link EmulatorOptions} with their defaults, and the options of the emulator's store. */
export interface ResolvedEmulatorOptions {
  readonly region: string;
  readonly accountId: string;
  readonly logger: EmulatorLogger;
  readonly now: () => number;
  readonly storeOptions: {
    readonly dataDir: string;
    readonly checkpointIntervalMs?: number;
    readonly readSchema?: string;
  };
}

export function resolveEmulatorOptions(options: EmulatorOptions): ResolvedEmulatorOptions {
  const checkpointIntervalMs = options.checkpointIntervalMs ?? 250;
  return {
    region: options.region ?? 'eu-west-1',
    accountId: options.accountId ?? '000000000000',
    logger: options.logger ?? SILENT_LOGGER,
    now: options.now ?? Date.now,
    storeOptions: {
      dataDir: options.dataDir,
      ...(checkpointIntervalMs > 0 ? { checkpointIntervalMs } : {}),
      ...(options.readSchema !== undefined ? { readSchema: options.readSchema } : {}),
    },
  };
}

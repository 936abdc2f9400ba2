import type { SocketlessRequest, SocketlessResponse } from '../http/socketless.ts';
import type { EmulatorLogger } from './EmulatorLogger.ts';
import type { JsonProtocolHandler } from './JsonProtocolRouter.ts';
import { type ServeOptions, serveJsonProtocol } from './serveJsonProtocol.ts';

/** What the start-up needs of an emulator's store. */
export interface EmulatorStore {
  /** The SQLite file, for the start-up log line. */
  readonly path: string;
  close(): void;
}

export interface StartJsonEmulatorOptions<S extends EmulatorStore> extends Omit<ServeOptions, 'logger'> {
  readonly router: JsonProtocolHandler;
  /** Already open; closed again when start-up fails, and last on stop. */
  readonly store: S;
  readonly logger: EmulatorLogger;
  /** Runs before the server listens (e.g. idempotent provisioning); a failure stops the start. */
  readonly provision?: () => void;
  /** Runs on stop once the server is closed and before the store closes (timers, background loops). */
  readonly beforeStoreClose?: () => void | Promise<void>;
}

export interface RunningJsonEmulator<S extends EmulatorStore = EmulatorStore> {
  /** `http://host:port`, to pass as the SDK client's `endpoint`. */
  readonly endpoint: string;
  /** The emulator's state; a host reads it directly (tests, the local cell's read model). */
  readonly store: S;
  /** Requests received per operation. */
  requestCounts(): Record<string, number>;
  /** Answers one request without a socket, as the server would (counted, faults applied); see `ServedProtocol.dispatch`. */
  dispatch(request: SocketlessRequest): SocketlessResponse;
  /** Stops accepting, lets in-flight requests finish, then closes the store. Idempotent. */
  stop(): Promise<void>;
}

/**
 * The start-up every emulator shares: provision the open store, serve the router on `host:port`,
 * and a stop that never closes the store under a request in progress. A start that fails leaves
 * nothing running and the store closed.
 */
export async function startJsonEmulator<S extends EmulatorStore>(
  options: StartJsonEmulatorOptions<S>,
): Promise<RunningJsonEmulator<S>> {
  const { router, store, logger } = options;
  let http: Awaited<ReturnType<typeof serveJsonProtocol>>;
  try {
    options.provision?.();
    http = await serveJsonProtocol(router, options);
  } catch (error) {
    store.close();
    throw error;
  }
  logger.info(`${router.service} emulator listening on ${http.endpoint}`, { store: store.path });
  let stopping: Promise<void> | undefined;
  return {
    endpoint: http.endpoint,
    store,
    requestCounts: () => router.requestCounts(),
    dispatch: (request) => http.dispatch(request),
    stop: () => {
      stopping ??= (async () => {
        await http.close();
        await options.beforeStoreClose?.();
        store.close();
      })();
      return stopping;
    },
  };
}

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type HttpBindings, serve } from '@hono/node-server';
import { closeHttpServer } from '../../http/closeHttpServer.ts';
import { PortInUseError, StartupError } from '../errors.ts';

export type FetchHandler = (request: Request, env: HttpBindings) => Response | Promise<Response>;

export interface RunningApiServer {
  /** e.g. `http://127.0.0.1:4010` */
  readonly url: string;
  readonly port: number;
  /** Stops accepting, lets requests in progress finish (up to `graceMs`), then closes. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * How long an idle keep-alive connection stays open: announced to clients as `Keep-Alive: timeout=60`,
 * closed by the server only after twice that. Node's default (announce 5 s, close after 6 s) reset
 * connections under load: a client reuses its connection just before its own 4 s idle timer (the
 * announced timeout minus Node's one-second buffer), the cell's event loop is late by more than the
 * two seconds between the two timers, and when it runs again its timers fire before it reads the
 * socket — the server closes a connection with an unread request in it, and the kernel answers the
 * client with a reset (`load-tests/reproduceConnectionResets.ts` shows it). Clients that honour the
 * hint now close first by a minute; those that ignore it (Go's 90 s, most SDKs less) close first too.
 */
export const KEEP_ALIVE = { announcedTimeoutMs: 60_000, closeAfterMs: 120_000 } as const;

function keepConnectionsLonger(server: Server): void {
  server.keepAliveTimeout = KEEP_ALIVE.announcedTimeoutMs;
  // Node ≥ 24.6: added to the announced timeout before the server closes the socket itself.
  server.keepAliveTimeoutBuffer = KEEP_ALIVE.closeAfterMs - KEEP_ALIVE.announcedTimeoutMs;
  // No maxConnections: past it Node destroys new sockets on accept, a reset by another name.
}

/**
 * Listens on `host:port` (0 = any free port). The local cell binds its port before it touches
 * the data directory, so a taken port ({@link PortInUseError}) fails fast with nothing changed.
 */
export async function startApiServer(options: {
  host: string;
  port: number;
  fetch: FetchHandler;
}): Promise<RunningApiServer> {
  const server = await new Promise<Server>((resolve, reject) => {
    const created = serve({
      fetch: (request, env) => options.fetch(request, env as HttpBindings),
      hostname: options.host,
      port: options.port,
    }) as Server;
    const onError = (error: NodeJS.ErrnoException) => {
      created.close();
      if (error.code === 'EADDRINUSE') reject(new PortInUseError(options.host, options.port, { cause: error }));
      else
        reject(
          new StartupError(`cannot listen on ${options.host}:${options.port}: ${error.message}`, { cause: error }),
        );
    };
    created.once('error', onError);
    created.once('listening', () => {
      created.off('error', onError);
      resolve(created);
    });
  });
  keepConnectionsLonger(server);
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    stop: (graceMs = 5_000) => {
      stopping ??= closeHttpServer(server, graceMs);
      return stopping;
    },
  };
}

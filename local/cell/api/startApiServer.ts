import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type HttpBindings, serve } from '@hono/node-server';
import { closeHttpServer } from '../../http/closeHttpServer.ts';
import { PortInUseError, StartupError } from '../errors.ts';
import { keepConnectionsLonger } from './keepAlive.ts';

export { KEEP_ALIVE } from './keepAlive.ts';

export type FetchHandler = (request: Request, env: HttpBindings) => Response | Promise<Response>;

export interface RunningApiServer {
  /** e.g. `http://127.0.0.1:4010` */
  readonly url: string;
  readonly port: number;
  /** Stops accepting, lets requests in progress finish (up to `graceMs`), then closes. */
  stop(graceMs?: number): Promise<void>;
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
  return runningApiServer(options.host, port, (graceMs) => closeHttpServer(server, graceMs));
}

/** The handle on a listening API: its URL (an IPv6 host in brackets) and a `stop` that runs once. */
export function runningApiServer(
  host: string,
  port: number,
  stop: (graceMs: number) => Promise<void>,
): RunningApiServer {
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    stop: (graceMs = 5_000) => {
      stopping ??= stop(graceMs);
      return stopping;
    },
  };
}

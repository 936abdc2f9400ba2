import { createServer, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeHttpServer } from '../http/closeHttpServer.ts';
import { readLimitedBody } from '../http/readLimitedBody.ts';
import { AWS_JSON_SERVICES } from './awsJsonServices.ts';
import type { EmulatorLogger } from './EmulatorLogger.ts';
import type { JsonProtocolHandler, JsonResponse } from './JsonProtocolRouter.ts';

export interface ServeOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** A larger body is refused with 413 before it is parsed (it is read to the end, not kept). @default the service's `maxRequestBytes` */
  readonly maxBodyBytes?: number;
  readonly logger: EmulatorLogger;
  /** The error start-up fails with when the server cannot listen: the service's own class. */
  readonly listenError: new (
    host: string,
    port: number,
    message: string,
    options?: ErrorOptions,
  ) => Error;
  /** After close() stops accepting, requests in progress get this long before sockets are cut. @default 2000 */
  readonly stopGraceMs?: number;
}

export interface ServedProtocol {
  /** `http://host:port`, to pass as the SDK client's `endpoint`. */
  readonly endpoint: string;
  /**
   * Stops accepting, answers requests that still arrive on open connections with 503 (which SDK
   * clients retry), and lets those in progress finish (up to `stopGraceMs`), so none is cut off
   * between its commit and its answer. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * The `node:http` listener of a JSON protocol: `POST /` only, the body read up to a limit, each
 * request handed to the router. A front end that serves several services (one port for all) can
 * mount it and pick the router by `router.serves(target)`.
 */
export function jsonProtocolListener(
  router: JsonProtocolHandler,
  options: Pick<ServeOptions, 'maxBodyBytes' | 'logger'> & { readonly host?: string },
): RequestListener {
  const fallbackHost = options.host ?? '127.0.0.1';
  const { service } = router;
  const maxBodyBytes = options.maxBodyBytes ?? AWS_JSON_SERVICES[service].maxRequestBytes;
  return (request, response) => {
    if (request.method !== 'POST') {
      request.resume();
      const message = `The ${service} API accepts POST / only`;
      send(response, router.errorResponse(405, 'MethodNotAllowed', message, { allow: 'POST' }));
      return;
    }
    readLimitedBody(request, maxBodyBytes).then(
      (bytes) => {
        if (bytes === undefined) {
          const message = `Request body exceeds ${maxBodyBytes} bytes`;
          send(response, router.errorResponse(413, 'RequestEntityTooLarge', message));
          return;
        }
        const target = request.headers['x-amz-target'];
        const host = hostName(request.headers.host) ?? fallbackHost;
        const body = bytes.toString('utf8');
        send(response, router.handle({ target: Array.isArray(target) ? target[0] : target, body, host }));
      },
      (error: unknown) => {
        options.logger.warn(`${service} emulator: request body could not be read`, { error });
        if (!response.headersSent) response.destroy();
      },
    );
  };
}

/** Serves `router` over HTTP on `host:port`; throws the service's `listenError` when it cannot listen. */
export async function serveJsonProtocol(router: JsonProtocolHandler, options: ServeOptions): Promise<ServedProtocol> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const { service } = router;
  const listener = jsonProtocolListener(router, { ...options, host });
  let draining = false;
  const server = createServer((request, response) => {
    // A kept-alive connection may still send requests while the server closes.
    if (!draining) return listener(request, response);
    request.resume();
    send(response, router.errorResponse(503, 'ServiceUnavailableException', `The ${service} emulator is stopping`));
  });
  await listen(server, host, port, service, options.listenError);
  server.on('error', (error) => options.logger.error(`${service} emulator server error`, { error }));

  const bound = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://${endpointHost(host)}:${bound}`,
    close: () => {
      draining = true;
      closing ??= closeHttpServer(server, options.stopGraceMs ?? 2_000);
      return closing;
    },
  };
}

/** The address a client on this machine reaches a server listening on `host` by. */
export function endpointHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function listen(
  server: ReturnType<typeof createServer>,
  host: string,
  port: number,
  service: string,
  listenError: ServeOptions['listenError'],
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error: NodeJS.ErrnoException) => {
    const message =
      error.code === 'EADDRINUSE'
        ? `${service} emulator: port ${port} on ${host} is already in use`
        : `${service} emulator cannot listen on ${host}:${port}: ${error.message}`;
    throw new listenError(host, port, message, { cause: error });
  });
}

/** The host name of a Host header, without the port ("[::1]:4010" → "[::1]"). */
function hostName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  if (header.startsWith('[')) return header.slice(0, header.indexOf(']') + 1) || undefined;
  return header.split(':')[0] || undefined;
}

function send(response: ServerResponse, result: JsonResponse): void {
  response.writeHead(result.status, { ...result.headers, 'content-length': String(Buffer.byteLength(result.body)) });
  response.end(result.body);
}

import { createServer, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeHttpServer } from '../http/closeHttpServer.ts';
import { readLimitedBody } from '../http/readLimitedBody.ts';
import { connectionRefused, hostName, type SocketlessRequest, type SocketlessResponse } from '../http/socketless.ts';
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
   * The same server without a socket: answers one read request exactly as the listener would
   * (405 for another method, 413 past the body limit, 503 while closing); once closed, rejects as
   * a refused connection.
   */
  dispatch(request: SocketlessRequest): SocketlessResponse;
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
  const answer = jsonProtocolAnswer(router, options);
  return (request, response) => {
    if (request.method !== 'POST') {
      request.resume();
      send(response, answer(request.method, request.headers, undefined));
      return;
    }
    readLimitedBody(request, answer.maxBodyBytes).then(
      (bytes) => send(response, answer('POST', request.headers, bytes ?? null)),
      (error: unknown) => {
        options.logger.warn(`${router.service} emulator: request body could not be read`, { error });
        if (!response.headersSent) response.destroy();
      },
    );
  };
}

type HeaderValue = string | readonly string[] | undefined;

/**
 * The answer to one request, over HTTP or without a socket alike: 405 for a method other than
 * POST, 413 for a body past the limit (`null`), otherwise the router's.
 */
function jsonProtocolAnswer(
  router: JsonProtocolHandler,
  options: Pick<ServeOptions, 'maxBodyBytes'> & { readonly host?: string },
) {
  const fallbackHost = options.host ?? '127.0.0.1';
  const { service } = router;
  const maxBodyBytes = options.maxBodyBytes ?? AWS_JSON_SERVICES[service].maxRequestBytes;
  const answer = (
    method: string | undefined,
    headers: Readonly<Record<string, HeaderValue>>,
    bytes: Uint8Array | null | undefined,
  ): JsonResponse => {
    if (method !== 'POST')
      return router.errorResponse(405, 'MethodNotAllowed', `The ${service} API accepts POST / only`, { allow: 'POST' });
    if (!bytes) return router.errorResponse(413, 'RequestEntityTooLarge', `Request body exceeds ${maxBodyBytes} bytes`);
    const target = first(headers['x-amz-target']);
    const host = hostName(first(headers.host)) ?? fallbackHost;
    const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    return router.handle({ target, body, host });
  };
  return Object.assign(answer, { maxBodyBytes });
}

function first(value: HeaderValue): string | undefined {
  return typeof value === 'string' ? value : value?.[0];
}

/** Serves `router` over HTTP on `host:port`; throws the service's `listenError` when it cannot listen. */
export async function serveJsonProtocol(router: JsonProtocolHandler, options: ServeOptions): Promise<ServedProtocol> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const { service } = router;
  const listener = jsonProtocolListener(router, { ...options, host });
  const answer = jsonProtocolAnswer(router, { ...options, host });
  const stopping = () =>
    router.errorResponse(503, 'ServiceUnavailableException', `The ${service} emulator is stopping`);
  let draining = false;
  let closed = false;
  const server = createServer((request, response) => {
    // A kept-alive connection may still send requests while the server closes.
    if (!draining) return listener(request, response);
    request.resume();
    send(response, stopping());
  });
  await listen(server, host, port, service, options.listenError);
  server.on('error', (error) => options.logger.error(`${service} emulator server error`, { error }));

  const bound = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://${endpointHost(host)}:${bound}`,
    dispatch: (request) => {
      if (closed) throw connectionRefused(`the ${service} emulator has stopped`);
      if (draining) return encoded(stopping());
      const tooLarge = request.body.byteLength > answer.maxBodyBytes;
      return encoded(answer(request.method, request.headers, tooLarge ? null : request.body));
    },
    close: () => {
      draining = true;
      closing ??= closeHttpServer(server, options.stopGraceMs ?? 2_000).finally(() => {
        closed = true;
      });
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

function send(response: ServerResponse, result: JsonResponse): void {
  response.writeHead(result.status, { ...result.headers, 'content-length': String(Buffer.byteLength(result.body)) });
  response.end(result.body);
}

/** A response as bytes of their own (a fresh buffer, transferable to another thread). */
function encoded(result: JsonResponse): SocketlessResponse {
  return { status: result.status, headers: result.headers, body: TEXT.encode(result.body) };
}

const TEXT = new TextEncoder();

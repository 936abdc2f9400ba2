import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeHttpServer } from '../http/closeHttpServer.ts';
import { TimestreamListenError } from './errors.ts';
import { AMZ_JSON_CONTENT_TYPE, type EmulatorLogger, type TimestreamRouter } from './TimestreamRouter.ts';

/** A request body larger than this is refused (100 records of ≤2 KB each fit many times over). */
const MAX_BODY_BYTES = 8 * 1024 * 1024;
/** After stop() stops accepting, in-flight requests get this long before sockets are cut. */
const STOP_GRACE_MS = 2_000;

export interface HttpFrontend {
  /** `http://host:port`, to pass as the SDK client's `endpoint`. */
  readonly endpoint: string;
  /** Stops accepting and resolves once in-flight requests finished (or were cut after a grace period). */
  close(): Promise<void>;
}

/**
 * The HTTP side of the emulator: `POST /` with the AWS JSON 1.0 protocol, each request handed to
 * the router. Throws {@link TimestreamListenError} when it cannot listen.
 */
export async function serveHttp(
  router: TimestreamRouter,
  host: string,
  port: number,
  logger: EmulatorLogger,
): Promise<HttpFrontend> {
  const server = createServer((request, response) => handleRequest(router, host, logger, request, response));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? 'the port is already in use' : (error as Error).message;
    throw new TimestreamListenError(host, port, `Timestream emulator cannot listen on ${host}:${port}: ${why}`, {
      cause: error,
    });
  }
  server.on('error', (error) => logger.error('Timestream emulator server error', { error }));

  const { port: boundPort } = server.address() as AddressInfo;
  const endpointHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    endpoint: `http://${endpointHost}:${boundPort}`,
    close: () => closeHttpServer(server, STOP_GRACE_MS),
  };
}

function handleRequest(
  router: TimestreamRouter,
  host: string,
  logger: EmulatorLogger,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  if (request.method !== 'POST') {
    send(
      response,
      405,
      { 'content-type': AMZ_JSON_CONTENT_TYPE, allow: 'POST' },
      JSON.stringify({ __type: 'MethodNotAllowed', message: 'The Timestream API accepts POST / only' }),
    );
    return;
  }
  readBody(request).then(
    (body) => {
      if (body === undefined) {
        send(
          response,
          413,
          { 'content-type': AMZ_JSON_CONTENT_TYPE },
          JSON.stringify({
            __type: 'RequestEntityTooLarge',
            message: `Request body exceeds ${MAX_BODY_BYTES} bytes`,
          }),
        );
        return;
      }
      const target = request.headers['x-amz-target'];
      const result = router.handle({
        target: Array.isArray(target) ? target[0] : target,
        body,
        host: hostName(request.headers.host, host),
      });
      send(response, result.status, result.headers, result.body);
    },
    (error: unknown) => {
      logger.warn('Timestream emulator: request body could not be read', { error });
      if (!response.headersSent) response.destroy();
    },
  );
}

/** The host name of a Host header, without the port ("[::1]:4010" → "[::1]"). */
function hostName(hostHeader: string | undefined, fallback: string): string {
  if (!hostHeader) return fallback;
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1) || fallback;
  return hostHeader.split(':')[0] || fallback;
}

function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  response.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  response.end(body);
}

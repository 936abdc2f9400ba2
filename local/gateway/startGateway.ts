import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PortInUseError, StartupError } from '../cell/errors.ts';
import type { LocalLogger } from '../cell/LocalLogger.ts';
import { closeHttpServer } from '../http/closeHttpServer.ts';
import { readLimitedBody } from '../http/readLimitedBody.ts';
import { answerSqsQuery } from '../sns-sqs/index.ts';
import { forwardRequest } from './forwardRequest.ts';
import { type GatewayAnswer, gatewayError } from './gatewayErrors.ts';
import { type GatewayRoute, type GatewayService, routeRequest } from './routeRequest.ts';
import { describeTimestreamEndpoints } from './timestreamEndpoints.ts';

/** Each emulated service's own listener (`http://127.0.0.1:<port>`); SNS, SQS and STS are fauxqs. */
export type GatewayUpstreams = Readonly<Partial<Record<GatewayService, string>>>;

/** The local cell's own operations (faults), served under {@link ADMIN_PATH}; JSON in, JSON out. */
export type AdminHandler = (request: {
  readonly method: string;
  /** The path below `/_bems/`, e.g. `faults`. */
  readonly path: string;
  readonly body: unknown;
}) => Promise<{ readonly status: number; readonly body: unknown }>;

/** No AWS API uses this path; fauxqs' own inspection paths (`/_fauxqs/`) are the precedent. */
export const ADMIN_PATH = '/_bems/';

/** Bodies above this are refused (SQS and EventBridge cap a request at 1 MiB, DynamoDB at 16 MiB). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const STOP_GRACE_MS = 2_000;

export interface GatewayOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly logger: LocalLogger;
}

export interface RunningGateway {
  /** `http://127.0.0.1:<port>`: AWS_ENDPOINT_URL for every SDK, `--endpoint-url` for the CLIs. */
  readonly url: string;
  readonly port: number;
  /** Where each service's requests go; until set, they are answered 503 (SDKs retry). */
  setUpstreams(upstreams: GatewayUpstreams): void;
  setAdmin(handler: AdminHandler): void;
  stop(): Promise<void>;
}

/**
 * One port for every emulated AWS service, so that `AWS_ENDPOINT_URL` alone points an AWS SDK at the
 * local cell, as one endpoint does for LocalStack. Each request is routed by its protocol (see
 * `routeRequest`) to its emulator's own listener and its answer passed back unchanged — the
 * emulators stay what they are, and the cell's own clients keep calling them directly. What no
 * emulator answers is done here: SQS's query protocol (translated to fauxqs' JSON) and Timestream's
 * DescribeEndpoints (which must name this port).
 *
 * It binds before anything else starts, so its port (and the queue URLs and endpoints built on
 * it) is known, and a taken port stops the start before the data directory is touched.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const host = options.host ?? '127.0.0.1';
  let upstreams: GatewayUpstreams = {};
  let admin: AdminHandler | undefined;
  let url = '';
  const server = createServer((request, response) => {
    serve(request, response, { upstreams, admin, url }).catch((error: unknown) => {
      options.logger.error('gateway request failed', { error: String(error), url: request.url });
      if (!response.headersSent) send(response, gatewayError(undefined, 500, 'InternalFailure', String(error)));
      else response.destroy();
    });
  });
  const port = await listen(server, host, options.port);
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    setUpstreams: (next) => {
      upstreams = next;
    },
    setAdmin: (handler) => {
      admin = handler;
    },
    stop: () => {
      stopping ??= closeHttpServer(server, STOP_GRACE_MS);
      return stopping;
    },
  };
}

interface GatewayState {
  readonly upstreams: GatewayUpstreams;
  readonly admin: AdminHandler | undefined;
  readonly url: string;
}

async function serve(request: IncomingMessage, response: ServerResponse, state: GatewayState): Promise<void> {
  const body = await readLimitedBody(request, MAX_BODY_BYTES);
  if (body === undefined) {
    send(response, gatewayError(undefined, 413, 'RequestEntityTooLarge', `request body over ${MAX_BODY_BYTES} bytes`));
    return;
  }
  const method = request.method ?? 'GET';
  const path = request.url ?? '/';
  if (path.startsWith(ADMIN_PATH)) {
    await serveAdmin(state.admin, { method, path: path.slice(ADMIN_PATH.length), body }, response);
    return;
  }
  const route = routeRequest({ method, url: path, headers: request.headers, body });
  if ('unroutable' in route) {
    send(response, gatewayError(undefined, 400, 'UnknownOperationException', route.unroutable));
    return;
  }
  const upstream = state.upstreams[route.service];
  if (!upstream) {
    send(response, unavailable(route, 'is starting'));
    return;
  }
  try {
    await dispatch(route, upstream, { method, path, headers: request.headers, body }, response, state.url);
  } catch (error) {
    if (!response.headersSent) send(response, unavailable(route, `cannot be reached (${(error as Error).message})`));
    else response.destroy();
  }
}

async function dispatch(
  route: GatewayRoute,
  upstream: string,
  request: { method: string; path: string; headers: IncomingMessage['headers']; body: Buffer },
  response: ServerResponse,
  gatewayUrl: string,
): Promise<void> {
  if (route.protocol === 'query' && route.service === 'sqs') {
    send(response, await answerSqsQuery(upstream, route.params, request.headers.authorization));
    return;
  }
  if (route.service === 'timestream' && route.action === 'DescribeEndpoints') {
    const answer = describeTimestreamEndpoints(gatewayUrl, request.headers);
    send(response, { status: 200, contentType: 'application/x-amz-json-1.0', body: JSON.stringify(answer) });
    return;
  }
  if (route.protocol === 'query') {
    // fauxqs reads SNS and STS forms from a POST body only: a GET's query string becomes one.
    const headers = { ...request.headers, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
    const body = Buffer.from(route.params.toString());
    await forwardRequest(upstream, { method: 'POST', path: '/', headers, body }, response);
    return;
  }
  await forwardRequest(upstream, request, response);
}

async function serveAdmin(
  admin: AdminHandler | undefined,
  request: { method: string; path: string; body: Buffer },
  response: ServerResponse,
): Promise<void> {
  const json = (status: number, value: unknown) =>
    send(response, { status, contentType: 'application/json', body: JSON.stringify(value) });
  if (!admin) return json(503, { code: 'STARTING', message: 'the cell is starting' });
  let body: unknown;
  try {
    body = request.body.length === 0 ? undefined : JSON.parse(request.body.toString('utf8'));
  } catch {
    return json(400, { code: 'BAD_REQUEST', message: 'the body is not JSON' });
  }
  const answer = await admin({ method: request.method, path: request.path.split('?')[0]!, body });
  json(answer.status, answer.body);
}

function unavailable(route: GatewayRoute, why: string): GatewayAnswer {
  return gatewayError(route.protocol, 503, 'ServiceUnavailable', `the ${route.service} emulator ${why}`);
}

function send(response: ServerResponse, answer: GatewayAnswer): void {
  response.writeHead(answer.status, {
    'content-type': answer.contentType,
    'content-length': Buffer.byteLength(answer.body),
    'x-amzn-requestid': 'gateway',
  });
  response.end(answer.body);
}

async function listen(server: ReturnType<typeof createServer>, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      server.close();
      if (error.code === 'EADDRINUSE') reject(new PortInUseError(host, port, { cause: error }));
      else reject(new StartupError(`the gateway cannot listen on ${host}:${port}: ${error.message}`, { cause: error }));
    });
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

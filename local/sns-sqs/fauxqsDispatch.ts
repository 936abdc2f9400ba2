import { randomUUID } from 'node:crypto';
import { inject } from 'light-my-request';
import { classifyAwsRequest, type RequestCounter } from '../cell/metering/index.ts';
import { connectionRefused, type SocketlessRequest, type SocketlessResponse } from '../http/socketless.ts';
import type { FauxqsRouter, FauxqsRouters, RouterReply } from './fauxqsRouters.ts';
import type { FauxqsRequestEntry } from './withTransactionPerRequest.ts';

/** A started fauxqs as socketless requests reach it: its request listener, its commit, its routers. */
export interface FauxqsEntry extends FauxqsRequestEntry {
  readonly routers: FauxqsRouters;
}

/**
 * How a request reaches fauxqs: `router` hands SQS (JSON) and SNS (query) API calls straight to
 * fauxqs' own routers, doing what its Fastify app does around them (body parsing, the answer's
 * serialization and headers, the 500 of an unexpected error), and sends everything else through
 * the app; `inject` sends every request through the app (`light-my-request`, what
 * `fastify.inject()` uses). `router` is what the cell uses: `load-tests/micro/fauxqsTransport.ts`
 * measures both against HTTP.
 */
export type FauxqsDispatchMode = 'router' | 'inject';

/** Fastify's body limit in fauxqs' app (`bodyLimit`): a larger request goes to the app, which refuses it. */
const APP_BODY_LIMIT = 11 * 1_048_576;

/**
 * fauxqs without a socket. What the HTTP path does around fauxqs is done here too, in the same order:
 * - the request is counted by service and action, as `countServerRequests` counts it over HTTP;
 * - pending SQLite writes are committed before the answer is handed back (over HTTP the committing
 *   ServerResponse does it before the first byte); if that fails the request fails as a reset
 *   connection, the same as the destroyed socket over HTTP;
 * - while fauxqs is stopped (`restart`, shutdown) a request is refused as a connection would be.
 */
export function fauxqsDispatch(
  current: () => FauxqsEntry | undefined,
  counter: RequestCounter,
  mode: FauxqsDispatchMode = 'router',
): (request: SocketlessRequest) => Promise<SocketlessResponse> {
  return async (request) => {
    const entry = current();
    if (!entry) throw connectionRefused('the SNS/SQS emulator (fauxqs) is not running');
    const { service, action } = classifyAwsRequest(request);
    counter.add(service, action);
    const routed = mode === 'router' ? routeDirectly(request, entry.routers) : undefined;
    const response = await (routed ?? throughApp(request, entry));
    if (!entry.commit())
      throw Object.assign(new Error('socket hang up: fauxqs persistence failed'), { code: 'ECONNRESET' });
    return response;
  };
}

/** An SQS or SNS API call, straight to its router; undefined for anything the app must answer itself. */
function routeDirectly(request: SocketlessRequest, routers: FauxqsRouters): Promise<SocketlessResponse> | undefined {
  const { body } = request;
  if (request.method !== 'POST' || request.path !== '/' || body.byteLength === 0 || body.byteLength > APP_BODY_LIMIT)
    return undefined;
  const contentType = request.headers['content-type'] ?? '';
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (contentType.includes('application/x-amz-json-1.0')) {
    let input: unknown;
    try {
      input = JSON.parse(text);
    } catch {
      return undefined; // the app answers Fastify's own 400
    }
    return answerOf(routers.sqs, request, input);
  }
  if (contentType.includes('application/x-www-form-urlencoded')) {
    const params: Record<string, string> = {};
    for (const [key, value] of new URLSearchParams(text)) params[key] = value;
    // STS' GetCallerIdentity is answered by the app itself.
    return params.Action === 'GetCallerIdentity' ? undefined : answerOf(routers.sns, request, params);
  }
  return undefined;
}

/** The router's result as the app would send it: its status and headers, the payload serialized. */
async function answerOf(router: FauxqsRouter, request: SocketlessRequest, input: unknown): Promise<SocketlessResponse> {
  const reply = new CapturedReply();
  let payload: unknown;
  try {
    payload = await router.handle({ headers: request.headers, body: input }, reply);
  } catch (error) {
    // Fastify's default error handler: a 500 with its JSON error body.
    const message = error instanceof Error ? error.message : String(error);
    reply.statusCode = 500;
    reply.headers = { 'content-type': 'application/json; charset=utf-8' };
    payload = { statusCode: 500, error: 'Internal Server Error', message };
  }
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const headers = reply.headers;
  headers['content-type'] ??=
    typeof payload === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
  // fauxqs' onSend hook names every answer (S3's request ids, on all of them).
  headers['x-amz-request-id'] ??= randomUUID().replaceAll('-', '').toUpperCase().slice(0, 16);
  headers['x-amz-id-2'] ??= 'fauxqs';
  const bytes = TEXT.encode(text);
  headers['content-length'] = String(bytes.byteLength);
  return { status: reply.statusCode, headers, body: bytes };
}

class CapturedReply implements RouterReply {
  statusCode = 200;
  headers: Record<string, string> = {};

  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  header(name: string, value: string): this {
    this.headers[name.toLowerCase()] = value;
    return this;
  }
}

/** The request through fauxqs' Fastify app, as over HTTP but without a socket. */
async function throughApp(request: SocketlessRequest, entry: FauxqsEntry): Promise<SocketlessResponse> {
  const response = await inject(entry.listener, {
    method: request.method as 'POST',
    url: request.path,
    headers: request.headers,
    payload: Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength),
    validate: false,
  });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return { status: response.statusCode, headers, body: ownBytes(response.rawPayload) };
}

/** The bytes in a buffer of their own: small Node buffers share a pool, which cannot be transferred. */
function ownBytes(bytes: Buffer): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
}

const TEXT = new TextEncoder();

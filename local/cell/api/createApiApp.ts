import { randomUUID } from 'node:crypto';
import type { HttpBindings } from '@hono/node-server';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context as LambdaContext } from 'aws-lambda';
import { type Context, Hono } from 'hono';
import type { CellDefinition } from '../../../cells/definition.ts';
import { ERROR_CODES, type ErrorCode, type ErrorResponse } from '../../../schemas/errorResponse.ts';
import type { HealthReport } from '../../../schemas/healthReport.ts';
import { INVOICE_ID_PATTERN, INVOICE_ID_RULE } from '../../../schemas/invoiceEvent.ts';
import { renderOpenApiDocument } from '../../../schemas/openapi.ts';
import { isStage, type Stage } from '../../../schemas/stages.ts';
import type { FaultInjector } from '../faults/index.ts';
import { describeError, type LocalLogger } from '../LocalLogger.ts';
import type { RequestCounter } from '../metering/index.ts';
import { createLambdaContext } from '../pollers/index.ts';
import type { AdmissionControl } from './AdmissionControl.ts';
import type { ApiKeyGuard } from './ApiKeyGuard.ts';
import type { InvoiceTimeline } from './invoiceTimeline.ts';
import { API_LIMITS } from './limits.ts';
import { readBodyLimited } from './readBodyLimited.ts';
import { toApiGatewayEvent } from './toApiGatewayEvent.ts';

export type ApiGatewayLambda = (event: APIGatewayProxyEvent, context: LambdaContext) => Promise<APIGatewayProxyResult>;

export interface ApiDependencies {
  readonly cell: CellDefinition;
  readonly ingest: ApiGatewayLambda;
  readonly ingestFunctionName: string;
  readonly guard: ApiKeyGuard;
  /** The recorded timeline of an invoice (empty when nothing is recorded). */
  readonly timeline: (invoiceId: string) => InvoiceTimeline;
  readonly health: () => Promise<HealthReport>;
  readonly faults?: FaultInjector;
  /** Counts `apigateway:POST /invoices/{stage}` and `lambda:<ingest function>`. */
  readonly counter?: RequestCounter;
  readonly logger?: LocalLogger;
  /** Load shedding: over its limits `POST /invoices/{stage}` answers 503 OVERLOADED with Retry-After. */
  readonly admission?: AdmissionControl;
}

type Env = { Bindings: HttpBindings };

/** Codes only the local API answers with (API Gateway's own 405 has no body). */
const LOCAL_ERROR_CODES = { methodNotAllowed: 'METHOD_NOT_ALLOWED' } as const;

/**
 * The local stand-in for the cell's API Gateway REST API. `POST /invoices/<stage>` is what API
 * Gateway does with a proxy integration on the stage's own resource: API key + usage plan checks,
 * then the ingest Lambda gets a proxy event and its result goes back verbatim. `GET /invoices/{invoiceId}`
 * and `GET /openapi.json` exist only locally (on AWS the dashboards answer the first; the second is
 * the committed `schemas/generated/openapi.json`), `GET /health` on both.
 */
export function createApiApp(deps: ApiDependencies): Hono<Env> {
  const app = new Hono<Env>();
  let openApi: string | undefined;
  app.get('/openapi.json', (c) => {
    // No key, like /health: the contract is public. Built from the zod contract on first request.
    openApi ??= renderOpenApiDocument();
    return c.body(openApi, 200, { 'content-type': 'application/json' });
  });
  app.all('/openapi.json', (c) => methodNotAllowed(c, 'GET'));
  app.post('/invoices/:stage', (c) => admitted(c, deps, () => postEvents(c, deps)));
  app.get('/invoices/:invoiceId', (c) => getTimeline(c, deps));
  app.get('/health', async (c) => {
    const report = await deps.health();
    return c.json(report.body, report.healthy ? 200 : 503);
  });

  app.all('/invoices/:param', (c) => methodNotAllowed(c, 'GET, POST'));
  app.all('/health', (c) => methodNotAllowed(c, 'GET'));
  app.notFound((c) =>
    errorJson(c, 404, ERROR_CODES.notFound, `no route for ${c.req.method} ${new URL(c.req.url).pathname}`),
  );
  app.onError((error, c) => {
    deps.logger?.error('local API error', { path: c.req.path, error: describeError(error) });
    return errorJson(c, 500, ERROR_CODES.internal, 'internal error');
  });
  return app;
}

/**
 * Runs `handle` if admission control lets the request in, else answers 503 OVERLOADED. The refusal
 * comes before the key check, so a shed request uses none of the key's quota; its body is read
 * (and dropped) first, so the connection stays usable instead of being cut with unread bytes.
 */
async function admitted(c: Context<Env>, deps: ApiDependencies, handle: () => Promise<Response>): Promise<Response> {
  const admission = deps.admission?.tryEnter();
  if (!admission) return handle();
  if (admission.ok) {
    try {
      return await handle();
    } finally {
      admission.leave();
    }
  }
  const requestId = randomUUID();
  if (!(await discardBody(c))) c.header('connection', 'close');
  c.header('retry-after', String(admission.retryAfterSeconds));
  return errorJson(c, 503, ERROR_CODES.overloaded, `the cell is overloaded: ${admission.reason}; retry later`, {
    requestId,
  });
}

/** Reads a refused request's body to its end (up to API Gateway's limit); false when it is larger. */
async function discardBody(c: Context<Env>): Promise<boolean> {
  if (Number(c.req.header('content-length') ?? 0) > API_LIMITS.discardBodyBytes) return false;
  const body = await readBodyLimited(c.req.raw.body, 0, API_LIMITS.discardBodyBytes);
  return body.ok || body.complete;
}

/** `POST /invoices/{stage}`: key and usage plan, body limit, injected faults, then the ingest function. */
async function postEvents(c: Context<Env, '/invoices/:stage'>, deps: ApiDependencies): Promise<Response> {
  const requestId = randomUUID();
  const apiKey = c.req.header('x-api-key');
  const guard = deps.guard.check(apiKey);
  if (!guard.ok) {
    // Drain the body first: answering before it is read leaves the server to cut the connection.
    if (!(await discardBody(c))) c.header('connection', 'close');
    return refuse(c, guard, requestId);
  }
  deps.counter?.add('apigateway', 'POST /invoices/{stage}');
  const stage = c.req.param('stage');

  const declared = Number(c.req.header('content-length') ?? 0);
  if (declared > API_LIMITS.discardBodyBytes) {
    // Not worth reading even to discard: answer now and let the connection close.
    c.header('connection', 'close');
    return errorJson(c, 413, ERROR_CODES.payloadTooLarge, tooLargeMessage(declared, true), { requestId });
  }
  const body = await readBodyLimited(c.req.raw.body, API_LIMITS.maxBodyBytes, API_LIMITS.discardBodyBytes);
  if (!body.ok) {
    if (!body.complete) c.header('connection', 'close');
    return errorJson(c, 413, ERROR_CODES.payloadTooLarge, tooLargeMessage(body.size, body.complete), { requestId });
  }
  const fault = isStage(stage) ? faultFor(deps.faults, stage, body.bytes) : undefined;
  if (fault === 'error')
    return errorJson(c, 502, ERROR_CODES.internal, 'injected fault: the ingest function failed', { requestId });
  if (fault === 'timeout')
    return errorJson(c, 504, ERROR_CODES.internal, 'injected fault: the ingest function timed out', { requestId });

  const event = proxyEvent(c, deps, {
    stage,
    body: body.bytes,
    apiKey: apiKey ?? '',
    apiKeyId: guard.keyId,
    requestId,
  });
  let result: APIGatewayProxyResult;
  try {
    result = await invokeIngest(deps, event, requestId);
  } catch (error) {
    deps.logger?.error('ingest function failed', { requestId, error: describeError(error) });
    const timedOut = error instanceof IntegrationTimeout;
    return errorJson(
      c,
      timedOut ? 504 : 502,
      ERROR_CODES.internal,
      timedOut ? 'the ingest function timed out' : 'the ingest function failed',
      { requestId },
    );
  }
  // Injected crash after the function ran: whatever it put on the bus stays there, the client
  // only sees a 5xx and retries events that were in fact accepted.
  if (fault === 'crash')
    return errorJson(c, 502, ERROR_CODES.internal, 'injected fault: the ingest function crashed before answering', {
      requestId,
    });
  return toHttpResponse(result, requestId);
}

/** The proxy event API Gateway would hand the ingest function for this request. */
function proxyEvent(
  c: Context<Env>,
  deps: ApiDependencies,
  request: { stage: string; body: Buffer; apiKey: string; apiKeyId: string; requestId: string },
): APIGatewayProxyEvent {
  const incoming = c.env.incoming;
  const url = new URL(c.req.url);
  return toApiGatewayEvent(
    {
      method: 'POST',
      path: url.pathname,
      query: url.searchParams,
      rawHeaders: incoming.rawHeaders,
      body: request.body,
      sourceIp: incoming.socket.remoteAddress ?? '127.0.0.1',
    },
    {
      // What a proxy integration on the stage's own resource gives the function (see InvoiceApi).
      // An unknown stage has no resource on AWS (a mock answers UNKNOWN_STAGE there); here the
      // function answers it, with the same code.
      resourcePath: `/invoices/${request.stage}`,
      pathParameters: null,
      apiStage: API_LIMITS.apiStage,
      accountId: deps.cell.account,
      apiKey: request.apiKey,
      apiKeyId: request.apiKeyId,
      domainName: url.host,
      requestId: request.requestId,
    },
  );
}

/** One invocation of the ingest function, cut off at API Gateway's integration timeout. */
function invokeIngest(
  deps: ApiDependencies,
  event: APIGatewayProxyEvent,
  requestId: string,
): Promise<APIGatewayProxyResult> {
  const context = createLambdaContext(
    {
      functionName: deps.ingestFunctionName,
      region: deps.cell.region,
      account: deps.cell.account,
      timeoutMs: API_LIMITS.integrationTimeoutMs,
    },
    requestId,
  );
  deps.counter?.add('lambda', deps.ingestFunctionName);
  return withTimeout(deps.ingest(event, context), API_LIMITS.integrationTimeoutMs);
}

/** `GET /invoices/{invoiceId}`: the recorded timeline, behind the same key checks as the POST. */
function getTimeline(c: Context<Env, '/invoices/:invoiceId'>, deps: ApiDependencies): Response {
  const requestId = randomUUID();
  const guard = deps.guard.check(c.req.header('x-api-key'));
  if (!guard.ok) return refuse(c, guard, requestId);
  const invoiceId = c.req.param('invoiceId');
  if (!INVOICE_ID_PATTERN.test(invoiceId)) {
    return errorJson(c, 400, ERROR_CODES.validationFailed, 'invalid invoice id', {
      requestId,
      issues: [{ path: 'invoiceId', message: INVOICE_ID_RULE }],
    });
  }
  const timeline = deps.timeline(invoiceId);
  if (timeline.events.length === 0)
    return errorJson(c, 404, ERROR_CODES.notFound, `no events recorded for invoice ${invoiceId}`, { requestId });
  return c.json(timeline, 200, { 'x-amzn-requestid': requestId });
}

function refuse(c: Context<Env>, guard: Extract<ReturnType<ApiKeyGuard['check']>, { ok: false }>, requestId: string) {
  if (guard.retryAfterSeconds !== undefined) c.header('retry-after', String(guard.retryAfterSeconds));
  return errorJson(c, guard.status, guard.code, guard.message, { requestId });
}

function methodNotAllowed(c: Context<Env>, allow: string) {
  c.header('allow', allow);
  return errorJson(
    c,
    405,
    LOCAL_ERROR_CODES.methodNotAllowed,
    `${c.req.method} is not allowed here; allowed: ${allow}`,
  );
}

function errorJson(
  c: Context<Env>,
  status: 400 | 403 | 404 | 405 | 413 | 429 | 500 | 502 | 503 | 504,
  code: ErrorCode | (typeof LOCAL_ERROR_CODES)[keyof typeof LOCAL_ERROR_CODES],
  message: string,
  extras: Pick<ErrorResponse, 'issues' | 'requestId'> = {},
) {
  const body: ErrorResponse = { code, message, ...extras };
  if (extras.requestId) c.header('x-amzn-requestid', extras.requestId);
  return c.json(body, status);
}

function tooLargeMessage(size: number, complete: boolean): string {
  const limit = API_LIMITS.maxBodyBytes;
  return complete
    ? `request body is ${size} bytes; the limit is ${limit} bytes (send at most 10 events per request)`
    : `request body exceeds ${API_LIMITS.discardBodyBytes} bytes; the limit is ${limit} bytes`;
}

/** The ingest function's result, verbatim: status, headers (single and multi-value), body. */
function toHttpResponse(result: APIGatewayProxyResult, requestId: string): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(result.headers ?? {})) headers.set(name, String(value));
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
    headers.delete(name);
    for (const value of values) headers.append(name, String(value));
  }
  headers.set('x-amzn-requestid', requestId);
  const body = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
  return new Response(body === '' ? null : body, { status: result.statusCode, headers });
}

/** Invoice ids of a request body (one event or `{events: [...]}`), best effort, for fault matching. */
function faultFor(faults: FaultInjector | undefined, stage: Stage, bytes: Buffer) {
  if (!faults || faults.size === 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  const events = Array.isArray((parsed as { events?: unknown })?.events)
    ? (parsed as { events: unknown[] }).events
    : [parsed];
  for (const event of events) {
    const invoiceId = (event as { invoiceId?: unknown })?.invoiceId;
    if (typeof invoiceId !== 'string') continue;
    const mode = faults.match({ handler: 'ingest', stage, invoiceId });
    if (mode) return mode;
  }
  return undefined;
}

class IntegrationTimeout extends Error {
  override readonly name = 'IntegrationTimeout';
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new IntegrationTimeout(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

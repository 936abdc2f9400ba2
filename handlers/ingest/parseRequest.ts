import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { stageSegmentOf } from '../../schemas/apiRoutes.ts';
import { ERROR_CODES } from '../../schemas/errorResponse.ts';
import type { InvoiceEvent } from '../../schemas/invoiceEvent.ts';
import { parseRequestBody } from '../../schemas/parseRequestBody.ts';
import { isStage, type Stage } from '../../schemas/stages.ts';
import { errorResponse, HTTP_STATUS } from './httpResponses.ts';

/** Largest request body accepted, in bytes: the EventBridge PutEvents request limit. */
export const MAX_BODY_BYTES = 256 * 1024;

/** Strict UTF-8 (a malformed byte throws); one decoder for every request, as it keeps no state between calls. */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export interface ParseRequestOptions {
  /** Stages this deployment serves; others answer 404. */
  readonly stages: readonly Stage[];
  /** Clock for the "not in the future" rule; injectable for tests. */
  readonly now?: () => number;
  /** Oldest accepted occurredAt, in days before now (see `SchemaOptions.maxAgeDays`). */
  readonly maxAgeDays?: number;
}

export type ParsedRequest =
  | { readonly ok: true; readonly stage: Stage; readonly events: readonly InvoiceEvent[] }
  | { readonly ok: false; readonly response: APIGatewayProxyResult; readonly code: string };

/**
 * Turns an API Gateway proxy event for `POST /invoices/<stage>` into validated events, or into the
 * error response the client gets. Checks run cheapest first, and each answers with its own status
 * so a client knows what to fix: stage (404), media type (415), size (413), JSON and contract (400).
 * Nothing is sent anywhere from here: a request either passes whole or is rejected whole. A body
 * may omit `stage` (the path fills it in); one that names another stage is a validation error.
 */
export function parseRequest(event: APIGatewayProxyEvent, options: ParseRequestOptions): ParsedRequest {
  const requestId = event.requestContext?.requestId;
  const fail = (status: number, code: (typeof ERROR_CODES)[keyof typeof ERROR_CODES], message: string, extras = {}) =>
    ({
      ok: false,
      code,
      response: errorResponse(status, code, message, { requestId, ...extras }),
    }) as const;

  // Each stage is its own resource (`/invoices/posting`), so the stage is the resource path's last
  // segment; a proxy integration passes the resource path, and a literal resource has no path parameters.
  const stage = stageSegmentOf(event.resource);
  if (!isStage(stage) || !options.stages.includes(stage)) {
    return fail(
      HTTP_STATUS.notFound,
      ERROR_CODES.unknownStage,
      `unknown stage "${stage ?? ''}"; use one of: ${options.stages.join(', ')}`,
    );
  }

  const contentType = headerValue(event, 'content-type');
  if (!isJsonMediaType(contentType)) {
    return fail(
      HTTP_STATUS.unsupportedMediaType,
      ERROR_CODES.unsupportedMediaType,
      `Content-Type must be application/json (UTF-8), got "${contentType ?? '(none)'}"`,
    );
  }

  const bytes = bodyBytes(event);
  if (bytes.length > MAX_BODY_BYTES) {
    return fail(
      HTTP_STATUS.payloadTooLarge,
      ERROR_CODES.payloadTooLarge,
      `request body is ${bytes.length} bytes; the limit is ${MAX_BODY_BYTES} bytes (send at most 10 events per request)`,
    );
  }

  let body: unknown;
  try {
    const text = UTF8.decode(bytes);
    if (text.trim() === '') throw new SyntaxError('the request body is empty');
    body = JSON.parse(text);
  } catch (error) {
    // VALIDATION_FAILED with one issue for the whole body: what API Gateway's validator answers
    // on AWS for a body that is not JSON, so a client sees one code for a bad body everywhere.
    const reason = error instanceof TypeError ? 'the body is not valid UTF-8' : (error as Error).message;
    const message = `request body is not valid JSON: ${reason}`;
    return fail(HTTP_STATUS.badRequest, ERROR_CODES.validationFailed, message, { issues: [{ path: '', message }] });
  }

  const result = parseRequestBody(stage, body, {
    ...(options.now ? { now: options.now } : {}),
    ...(options.maxAgeDays !== undefined ? { maxAgeDays: options.maxAgeDays } : {}),
  });
  if (!result.success) {
    const { issues } = result;
    return fail(
      HTTP_STATUS.badRequest,
      ERROR_CODES.validationFailed,
      `${issues.length} problem${issues.length === 1 ? '' : 's'} in the request body`,
      { issues },
    );
  }
  return { ok: true, stage, events: result.events };
}

/** Header lookup as HTTP wants it: case-insensitive, in single- and multi-value maps. */
function headerValue(event: APIGatewayProxyEvent, name: string): string | undefined {
  const { headers, multiValueHeaders } = event;
  for (const key in headers) {
    const value = headers[key];
    if (value !== undefined && key.toLowerCase() === name) return value;
  }
  for (const key in multiValueHeaders) {
    const value = multiValueHeaders[key]?.[0];
    if (value !== undefined && key.toLowerCase() === name) return value;
  }
  return undefined;
}

/** `application/json` or a `+json` suffix type, with no charset or a UTF-8 one. */
export function isJsonMediaType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [type = '', ...params] = contentType.split(';').map((part) => part.trim().toLowerCase());
  const json = type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  return json && (charset === undefined || charset === 'utf-8' || charset === 'utf8');
}

/** The body as bytes: API Gateway base64-encodes bodies it treats as binary. */
function bodyBytes(event: APIGatewayProxyEvent): Buffer {
  if (event.body === null || event.body === undefined) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { ResponseType } from 'aws-cdk-lib/aws-apigateway';
import {
  ERROR_CODES,
  type ErrorCode,
  GATEWAY_RETRY_AFTER_SECONDS,
  INTEGRATION_TIMEOUT_MESSAGE,
} from '../../schemas/errorResponse.ts';
import type { Stage } from '../../schemas/stages.ts';

/** One of the errors API Gateway answers by itself, and what its body says. */
interface GatewayError {
  readonly type: ResponseType;
  /** @default the status API Gateway uses for the response type */
  readonly statusCode?: string;
  /** A catalogue code, or a `$context` variable (the catch-all of unexpected 4xx). */
  readonly code: ErrorCode | '$context.error.responseType';
  /** JSON string literal (with quotes) or a `$context` variable that API Gateway renders quoted. */
  readonly message: string;
  /** One issue with an empty path carrying the validator's message (it names no field paths). */
  readonly issues?: boolean;
  /** A static `Retry-After` (a gateway response cannot compute one). */
  readonly retryAfterSeconds?: number;
}

const RETRY_SAFELY = 'retry with the same eventIds (duplicates are absorbed)';

/** Refusals of the request itself: its body, its route, its size, its media type. */
function requestErrors(stages: readonly Stage[]): GatewayError[] {
  const invalid = ERROR_CODES.validationFailed;
  return [
    {
      type: ResponseType.BAD_REQUEST_BODY,
      statusCode: '400',
      code: invalid,
      issues: true,
      message: '"The request body does not match the invoice event contract; see issues"',
    },
    {
      type: ResponseType.BAD_REQUEST_PARAMETERS,
      statusCode: '400',
      code: invalid,
      issues: true,
      message: '"A required request parameter is missing; see issues"',
    },
    {
      type: ResponseType.MISSING_AUTHENTICATION_TOKEN,
      statusCode: '404',
      code: ERROR_CODES.notFound,
      message: `"No such route: use POST /invoices/<stage> with stage one of ${stages.join(', ')}"`,
    },
    {
      type: ResponseType.RESOURCE_NOT_FOUND,
      statusCode: '404',
      code: ERROR_CODES.notFound,
      message: '"No such resource"',
    },
    {
      type: ResponseType.REQUEST_TOO_LARGE,
      statusCode: '413',
      code: ERROR_CODES.payloadTooLarge,
      message: '"The request body is too large; send at most 10 events per request"',
    },
    {
      type: ResponseType.UNSUPPORTED_MEDIA_TYPE,
      statusCode: '415',
      code: ERROR_CODES.unsupportedMediaType,
      message: '"Send the body as application/json"',
    },
  ];
}

/** Refusals of the caller: its key, the firewall, its rate and quota. */
function accessErrors(): GatewayError[] {
  const forbidden = ERROR_CODES.forbidden;
  return [
    // API Gateway answers a missing key with this response too, so missing, unknown and revoked
    // keys share one code (the local cell gives the same for all three).
    {
      type: ResponseType.INVALID_API_KEY,
      statusCode: '403',
      code: forbidden,
      message: '"Missing, unknown or revoked API key: send your client key in the x-api-key header"',
    },
    { type: ResponseType.ACCESS_DENIED, statusCode: '403', code: forbidden, message: '$context.error.messageString' },
    {
      type: ResponseType.WAF_FILTERED,
      statusCode: '403',
      code: forbidden,
      message: '"Blocked by the web application firewall of this cell"',
    },
    {
      type: ResponseType.THROTTLED,
      statusCode: '429',
      code: ERROR_CODES.throttled,
      message:
        '"Too many requests for your client or this cell; retry after Retry-After with backoff (eventIds make retries safe)"',
      retryAfterSeconds: GATEWAY_RETRY_AFTER_SECONDS.THROTTLED,
    },
    {
      type: ResponseType.QUOTA_EXCEEDED,
      statusCode: '429',
      code: ERROR_CODES.quotaExceeded,
      message: '"The daily quota of your API key is used up; it resets at 00:00 UTC"',
      retryAfterSeconds: GATEWAY_RETRY_AFTER_SECONDS.QUOTA_EXCEEDED,
    },
  ];
}

/** Faults of the cell, and the catch-alls. */
function faultErrors(): GatewayError[] {
  return [
    {
      type: ResponseType.INTEGRATION_TIMEOUT,
      statusCode: '504',
      code: ERROR_CODES.internal,
      message: JSON.stringify(INTEGRATION_TIMEOUT_MESSAGE),
    },
    { type: ResponseType.DEFAULT_4XX, code: '$context.error.responseType', message: '$context.error.messageString' },
    { type: ResponseType.DEFAULT_5XX, code: ERROR_CODES.internal, message: `"Internal error; ${RETRY_SAFELY}"` },
  ];
}

/**
 * The errors API Gateway answers by itself (invalid body, key, throttling, quota, size, WAF,
 * timeouts), in the ErrorResponse shape `{code, message, issues?, requestId}` of `schemas/` and
 * with the code the local cell gives for the same mistake (`docs/ERRORS.md`; the parity test
 * `test/integration/errorParity.test.ts` renders these templates and compares).
 *
 * Gateway responses are not VTL: only `$context` substitution. `messageString` is rendered as a
 * quoted JSON string; `validationErrorString` is rendered with its quotes escaped, so it sits
 * inside quotes here. Headers can only be static values, hence a fixed `Retry-After`.
 */
export function addGatewayResponses(api: apigateway.RestApi, stages: readonly Stage[]): void {
  for (const error of [...requestErrors(stages), ...accessErrors(), ...faultErrors()]) {
    const issues = error.issues ? ',"issues":[{"path":"","message":"$context.error.validationErrorString"}]' : '';
    api.addGatewayResponse(`Response-${error.type.responseType}`, {
      type: error.type,
      ...(error.statusCode ? { statusCode: error.statusCode } : {}),
      responseHeaders: {
        'Content-Type': "'application/json'",
        ...(error.retryAfterSeconds === undefined ? {} : { 'Retry-After': `'${error.retryAfterSeconds}'` }),
      },
      templates: {
        'application/json': `{"code":"${error.code}","message":${error.message}${issues},"requestId":"$context.requestId"}`,
      },
    });
  }
}

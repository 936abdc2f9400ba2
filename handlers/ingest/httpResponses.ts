import type { APIGatewayProxyResult } from 'aws-lambda';
import type { AcceptedResponse, ErrorCode, ErrorResponse } from '../../schemas/errorResponse.ts';

/** HTTP statuses the ingest API answers with, by meaning. */
export const HTTP_STATUS = {
  accepted: 202,
  badRequest: 400,
  notFound: 404,
  conflict: 409,
  payloadTooLarge: 413,
  unsupportedMediaType: 415,
  internalError: 500,
  serviceUnavailable: 503,
} as const;

/**
 * Seconds a client should wait before resending after a 503 (the bus usually recovers in seconds)
 * or a 409 IDEMPOTENCY_IN_PROGRESS (the other request finishes in milliseconds).
 */
export const RETRY_AFTER_SECONDS = 1;

export function jsonResponse(
  statusCode: number,
  body: AcceptedResponse | ErrorResponse,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

/** An error in the shape every BEMS 4xx/5xx uses (ErrorResponseSchema); never carries a stack. */
export function errorResponse(
  statusCode: number,
  code: ErrorCode,
  message: string,
  extras: Pick<ErrorResponse, 'issues' | 'rejectedEventIds' | 'conflictingEventIds' | 'requestId'> = {},
): APIGatewayProxyResult {
  const headers: Record<string, string> =
    statusCode === HTTP_STATUS.serviceUnavailable ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : {};
  return jsonResponse(statusCode, { code, message, ...definedOnly(extras) }, headers);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

import type { APIGatewayProxyEvent } from 'aws-lambda';
import { toApiGatewayEvent } from '../../local/cell/api/toApiGatewayEvent.ts';

export interface ApiGatewayEventOptions {
  readonly stage?: string;
  /** A value is JSON-encoded unless it is already a string. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** The body is already base64 text, sent as is with `isBase64Encoded: true`. */
  readonly isBase64Encoded?: boolean;
  readonly requestId?: string;
}

/**
 * An API Gateway REST (v1) proxy event for `POST /invoices/<stage>`, as the ingest Lambda receives
 * it: the stage's own resource, so `resource` names the stage and there are no path parameters.
 * Built by the local cell's own translation of an HTTP request (`toApiGatewayEvent`).
 */
export function buildApiGatewayEvent(options: ApiGatewayEventOptions = {}): APIGatewayProxyEvent {
  const stage = options.stage ?? 'ingestion';
  const body =
    options.body === undefined ? null : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const headers = options.headers ?? { 'Content-Type': 'application/json' };
  const event = toApiGatewayEvent(
    {
      method: 'POST',
      path: `/invoices/${stage}`,
      query: new URLSearchParams(),
      rawHeaders: Object.entries(headers).flat(),
      body: Buffer.from(options.isBase64Encoded ? '' : (body ?? '')),
      sourceIp: '127.0.0.1',
    },
    {
      resourcePath: `/invoices/${stage}`,
      pathParameters: null,
      apiStage: 'v1',
      accountId: '000000000000',
      apiKey: 'test-key',
      apiKeyId: 'test-key-id',
      domainName: 'localhost',
      requestId: options.requestId ?? 'req-1',
    },
  );
  return options.isBase64Encoded ? { ...event, body, isBase64Encoded: true } : event;
}

import type { APIGatewayProxyEvent } from 'aws-lambda';

export interface ApiGatewayEventOptions {
  readonly stage?: string;
  /** A value is JSON-encoded unless it is already a string. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly isBase64Encoded?: boolean;
  readonly requestId?: string;
}

/**
 * An API Gateway REST (v1) proxy event for `POST /invoices/<stage>`, as the ingest Lambda receives
 * it: the stage's own resource, so `resource` names the stage and there are no path parameters.
 */
export function buildApiGatewayEvent(options: ApiGatewayEventOptions = {}): APIGatewayProxyEvent {
  const stage = options.stage ?? 'ingestion';
  const body =
    options.body === undefined ? null : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const headers = options.headers ?? { 'Content-Type': 'application/json' };
  return {
    resource: `/invoices/${stage}`,
    path: `/invoices/${stage}`,
    httpMethod: 'POST',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded: options.isBase64Encoded ?? false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: 'POST',
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: 'test-key',
        apiKeyId: 'test-key-id',
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '127.0.0.1',
        user: null,
        userAgent: 'vitest',
        userArn: null,
      },
      path: `/v1/invoices/${stage}`,
      stage: 'v1',
      requestId: options.requestId ?? 'req-1',
      requestTimeEpoch: Date.now(),
      resourceId: 'res',
      resourcePath: `/invoices/${stage}`,
    },
  };
}

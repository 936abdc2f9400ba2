import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';

export interface HttpRequestParts {
  readonly method: string;
  /** Path without the query, e.g. `/invoices/posting`. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Raw header list as received: [name, value, name, value, …] (node's `rawHeaders`). */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
}

export interface RouteInfo {
  /** API Gateway resource path, e.g. `/invoices/posting`. */
  readonly resourcePath: string;
  /** null for a resource without path parameters, as API Gateway sends it. */
  readonly pathParameters: Record<string, string> | null;
  /** API Gateway deployment stage name. */
  readonly apiStage: string;
  readonly accountId: string;
  readonly apiKey: string;
  readonly apiKeyId: string;
  readonly domainName: string;
  readonly requestId?: string;
  readonly now?: number;
}

/**
 * The event API Gateway (REST API, Lambda proxy integration, payload format 1.0) hands the
 * function. Headers keep the last value per name in `headers` and all of them in
 * `multiValueHeaders`, as API Gateway does. A body that is not valid UTF-8 is passed base64-encoded
 * (`isBase64Encoded: true`) so the function sees exactly the bytes the client sent.
 */
export function toApiGatewayEvent(request: HttpRequestParts, route: RouteInfo): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  let userAgent: string | null = null;
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i]!;
    const value = request.rawHeaders[i + 1]!;
    headers[name] = value;
    const values = multiValueHeaders[name];
    if (values) values.push(value);
    else multiValueHeaders[name] = [value];
    if (name.toLowerCase() === 'user-agent') userAgent = value;
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of request.query) {
    query[name] = value;
    const values = multiQuery[name];
    if (values) values.push(value);
    else multiQuery[name] = [value];
  }
  const text = decodeUtf8(request.body);
  const now = route.now ?? Date.now();
  const requestId = route.requestId ?? randomUUID();
  return {
    resource: route.resourcePath,
    path: request.path,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    queryStringParameters: Object.keys(query).length > 0 ? query : null,
    multiValueQueryStringParameters: Object.keys(multiQuery).length > 0 ? multiQuery : null,
    pathParameters: route.pathParameters,
    stageVariables: null,
    body: request.body.length === 0 ? null : (text ?? request.body.toString('base64')),
    isBase64Encoded: request.body.length > 0 && text === undefined,
    requestContext: {
      accountId: route.accountId,
      apiId: 'local',
      authorizer: undefined,
      protocol: 'HTTP/1.1',
      httpMethod: request.method,
      path: `/${route.apiStage}${request.path}`,
      stage: route.apiStage,
      requestId,
      extendedRequestId: requestId,
      requestTimeEpoch: now,
      resourceId: 'local',
      resourcePath: route.resourcePath,
      domainName: route.domainName,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: route.apiKey,
        apiKeyId: route.apiKeyId,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.sourceIp,
        user: null,
        userAgent,
        userArn: null,
      },
    },
  };
}

/** Strict UTF-8, the BOM kept; one decoder for every request (it keeps no state between calls). */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeUtf8(bytes: Buffer): string | undefined {
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Which emulated service a request is for, read the way AWS's own front ends tell protocols apart:
 * - JSON protocols name the operation in `X-Amz-Target` (`AWSEvents.PutEvents`,
 *   `Timestream_20181101.WriteRecords`, `AmazonSQS.ReceiveMessage`, …);
 * - query protocols send a form (`Action=…&Version=…`, in the body or, for GET, the query string):
 *   `Version=2012-11-05` is SQS, `2010-03-31` SNS, `2011-06-15` STS;
 * - when neither settles it, the service of the signature's credential scope
 *   (`Credential=AKID/20260101/eu-west-1/sqs/aws4_request`) does.
 */
export const GATEWAY_SERVICES = ['eventbridge', 'timestream', 'firehose', 'dynamodb', 'sqs', 'sns', 'sts'] as const;
export type GatewayService = (typeof GATEWAY_SERVICES)[number];

/** Where one request goes, and in which protocol it came. */
export type GatewayRoute =
  | { readonly service: GatewayService; readonly protocol: 'json'; readonly action: string }
  | {
      readonly service: GatewayService;
      readonly protocol: 'query';
      readonly action: string;
      /** The form's parameters (body, or query string of a GET). */
      readonly params: URLSearchParams;
    };

/** `X-Amz-Target` prefixes of the JSON protocols the emulators speak. */
const TARGET_PREFIXES: Readonly<Record<string, GatewayService>> = {
  AWSEvents: 'eventbridge',
  Timestream_20181101: 'timestream',
  Firehose_20150804: 'firehose',
  DynamoDB_20120810: 'dynamodb',
  AmazonSQS: 'sqs',
};

/** API versions of the query protocols. */
const QUERY_VERSIONS: Readonly<Record<string, GatewayService>> = {
  '2012-11-05': 'sqs',
  '2010-03-31': 'sns',
  '2011-06-15': 'sts',
};

/** Signing names (credential scope) of the services, where they differ from ours. */
const SIGNING_NAMES: Readonly<Record<string, GatewayService>> = {
  events: 'eventbridge',
  timestream: 'timestream',
  firehose: 'firehose',
  dynamodb: 'dynamodb',
  sqs: 'sqs',
  sns: 'sns',
  sts: 'sts',
};

export interface RoutableRequest {
  readonly method: string;
  /** Path and query string, as in the request line. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

/** The route of `request`, or a sentence saying why there is none. */
export function routeRequest(request: RoutableRequest): GatewayRoute | { readonly unroutable: string } {
  const target = header(request, 'x-amz-target');
  const signed = signingService(header(request, 'authorization'));
  if (target) {
    const dot = target.indexOf('.');
    const prefix = dot > 0 ? target.slice(0, dot) : target;
    const service = TARGET_PREFIXES[prefix] ?? signed;
    if (!service) return { unroutable: `no emulated service speaks X-Amz-Target "${target}"` };
    return { service, protocol: 'json', action: target.slice(dot + 1) };
  }
  const params = formParams(request);
  const action = params?.get('Action');
  if (params && action) {
    const version = params.get('Version') ?? '';
    const service = QUERY_VERSIONS[version] ?? signed;
    if (!service) return { unroutable: `no emulated service speaks the query API version "${version}"` };
    return { service, protocol: 'query', action, params };
  }
  return { unroutable: 'neither X-Amz-Target nor a query-protocol Action: not an AWS API request' };
}

/** The form of a query-protocol request: a urlencoded POST body, or the query string of a GET. */
function formParams(request: RoutableRequest): URLSearchParams | undefined {
  const contentType = header(request, 'content-type') ?? '';
  if (request.method === 'POST' && contentType.startsWith('application/x-www-form-urlencoded'))
    return new URLSearchParams(request.body.toString('utf8'));
  const query = request.url.indexOf('?');
  if (request.method === 'GET' && query >= 0) return new URLSearchParams(request.url.slice(query + 1));
  return undefined;
}

/** The service named in a SigV4 `Authorization` header's credential scope. */
export function signingService(authorization: string | undefined): GatewayService | undefined {
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(authorization ?? '');
  return scope ? SIGNING_NAMES[scope[1]!] : undefined;
}

function header(request: RoutableRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

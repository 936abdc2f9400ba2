/** What is read of a request: an `IncomingMessage`, or a request handed over without a socket. */
export interface ClassifiedRequest {
  readonly method?: string | undefined;
  readonly headers: { readonly authorization?: string | undefined; readonly [name: string]: unknown };
}

const SCOPE_SERVICE = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/;

/**
 * Service and action of a signed AWS SDK request, from its headers only (the body is not read):
 * the service from the SigV4 credential scope (`…/eu-west-1/sns/aws4_request`), the action from
 * `X-Amz-Target` (JSON protocols: SQS, EventBridge, Timestream). Query-protocol services (SNS)
 * carry the action in the form body, so their calls are counted as `query`.
 */
export function classifyAwsRequest(req: ClassifiedRequest): { service: string; action: string } {
  const service = SCOPE_SERVICE.exec(req.headers.authorization ?? '')?.[1] ?? 'unsigned';
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string' && target.includes('.'))
    return { service, action: target.slice(target.indexOf('.') + 1) };
  return { service, action: req.method === 'POST' ? 'query' : (req.method ?? 'unknown') };
}

import type { IncomingMessage } from 'node:http';

const FORM_ACTION = /(?:^|&)Action=([^&]*)/;
const SCOPE_SERVICE = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/;

/**
 * Service and action of a signed AWS SDK request: the service from the SigV4 credential scope
 * (`…/eu-west-1/sns/aws4_request`), the action from `X-Amz-Target` (JSON protocols such as SQS)
 * or the `Action` form field (query protocols such as SNS).
 */
export function classifyAwsRequest(req: IncomingMessage, body: Buffer): { service: string; action: string } {
  const authorization = req.headers.authorization ?? '';
  const service = SCOPE_SERVICE.exec(authorization)?.[1] ?? 'unsigned';
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string' && target.includes('.'))
    return { service, action: target.slice(target.indexOf('.') + 1) };
  if (String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    const action = FORM_ACTION.exec(body.toString('latin1'))?.[1];
    if (action) return { service, action: decodeURIComponent(action) };
  }
  return { service, action: req.method === 'GET' ? 'GET' : 'unknown' };
}

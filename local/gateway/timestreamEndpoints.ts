import type { IncomingHttpHeaders } from 'node:http';

/** How long clients may cache the discovered endpoint (Timestream itself answers 1440). */
const CACHE_PERIOD_MINUTES = 1440;

/**
 * Timestream's DescribeEndpoints, answered by the gateway with its own address so that a client
 * that discovers its endpoint (as Timestream's SDKs do, even with AWS_ENDPOINT_URL set) comes back
 * here. AWS answers a bare host name because it only serves HTTPS on 443; the SDKs differ in what
 * they do with it, so the address is written the way the asking SDK needs it to keep our scheme
 * and port:
 * - botocore (boto3, the AWS CLIs v1 and v2) replaces the whole endpoint, with `https://` unless the address
 *   starts with `http`: it gets `http://127.0.0.1:<port>`;
 * - the JavaScript SDK (and others) replace only the host name of the endpoint they called: they
 *   get `127.0.0.1`.
 */
export function describeTimestreamEndpoints(gatewayUrl: string, headers: IncomingHttpHeaders): unknown {
  const userAgent = headers['user-agent'] ?? '';
  const address = /botocore\/|aws-cli\//i.test(userAgent) ? gatewayUrl : new URL(gatewayUrl).hostname;
  return { Endpoints: [{ Address: address, CachePeriodInMinutes: CACHE_PERIOD_MINUTES }] };
}

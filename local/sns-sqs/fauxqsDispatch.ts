import { inject } from 'light-my-request';
import { classifyAwsRequest, type RequestCounter } from '../cell/metering/index.ts';
import { connectionRefused, type SocketlessDispatch } from '../http/socketless.ts';
import type { FauxqsRequestEntry } from './withTransactionPerRequest.ts';

/**
 * fauxqs without a socket: each request goes through its Fastify app's own request listener
 * (`light-my-request`, what `fastify.inject()` uses), so its content-type parsers, routers, hooks
 * and error answers are the ones HTTP clients get. What the HTTP path does around fauxqs is done
 * here too, in the same order:
 * - the request is counted by service and action, as `countServerRequests` counts it over HTTP;
 * - pending SQLite writes are committed before the answer is handed back (over HTTP the committing
 *   ServerResponse does it before the first byte); if that fails the request fails as a reset
 *   connection, the same as the destroyed socket over HTTP;
 * - while fauxqs is stopped (`restart`, shutdown) a request is refused as a connection would be.
 */
export function fauxqsDispatch(
  current: () => FauxqsRequestEntry | undefined,
  counter: RequestCounter,
): SocketlessDispatch {
  return async (request) => {
    const entry = current();
    if (!entry) throw connectionRefused('the SNS/SQS emulator (fauxqs) is not running');
    const { service, action } = classifyAwsRequest(request);
    counter.add(service, action);
    const response = await inject(entry.listener, {
      method: request.method as 'POST',
      url: request.path,
      headers: request.headers,
      payload: Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength),
      validate: false,
    });
    if (!entry.commit())
      throw Object.assign(new Error('socket hang up: fauxqs persistence failed'), { code: 'ECONNRESET' });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
    }
    return { status: response.statusCode, headers, body: ownBytes(response.rawPayload) };
  };
}

/** The bytes in a buffer of their own: small Node buffers share a pool, which cannot be transferred. */
function ownBytes(bytes: Buffer): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
}

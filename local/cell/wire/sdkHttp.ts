/**
 * What an AWS SDK v3 request handler is handed and answers (`@smithy/types` HttpRequest and
 * HttpResponse, checked structurally by the SDK), shared by the local cell's two handlers:
 * `LoopbackHttpHandler` (loopback HTTP) and `PortRequestHandler` (the port to the emulator worker).
 */

/** The request fields the SDK hands a request handler (`@smithy/types` HttpRequest). */
export interface SdkHttpRequest {
  readonly method: string;
  readonly protocol: string;
  readonly hostname: string;
  readonly port?: number;
  readonly path: string;
  readonly query?: Record<string, string | readonly (string | null)[] | null>;
  readonly headers: Record<string, string>;
  readonly body?: unknown;
  readonly fragment?: string;
}

/** What a request handler answers (`@smithy/types` HttpResponse: checked structurally by the SDK). */
export interface SdkHttpResponse {
  readonly statusCode: number;
  readonly reason?: string;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
}

export interface SdkHandlerOptions {
  readonly abortSignal?: AbortSignal | { readonly aborted: boolean };
  readonly requestTimeout?: number;
  /** The server may hold the answer for a while (an SQS long poll); only the port reads it (`portProtocol.ts`). */
  readonly longPoll?: boolean;
}

/** Errors Node raises when a socket times out; the SDK retries a `TimeoutError` as transient. */
export function timeoutError(ms: number): Error {
  return Object.assign(new Error(`no response within ${ms} ms`), { name: 'TimeoutError', code: 'ETIMEDOUT' });
}

export function abortError(): Error {
  return Object.assign(new Error('Request aborted'), { name: 'AbortError' });
}

export function pathOf(sdkRequest: SdkHttpRequest): string {
  const query = sdkRequest.query;
  if (!query || Object.keys(query).length === 0) return sdkRequest.path;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === null) params.append(name, '');
    else if (typeof value === 'string') params.append(name, value);
    else for (const item of value) params.append(name, item ?? '');
  }
  return `${sdkRequest.path}?${params.toString()}`;
}

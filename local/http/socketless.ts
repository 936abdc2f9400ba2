/**
 * A request handed to a server without a socket: what an HTTP request carries once it is read
 * (method, path with its query string, lower-case headers, the body bytes). The local cell's own
 * SDK clients reach the emulators this way over a MessagePort (`local/cell/wire/PortRequestHandler.ts`);
 * the emulators answer it exactly as they answer the same request over HTTP.
 */
export interface SocketlessRequest {
  readonly method: string;
  /** Path and query string, e.g. `/` or `/?Action=Publish`. */
  readonly path: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

export interface SocketlessResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

/** Answers one request; rejects with {@link connectionRefused} when the server is not there. */
export type SocketlessDispatch = (request: SocketlessRequest) => SocketlessResponse | Promise<SocketlessResponse>;

/**
 * What a client gets when the server it calls is not running (stopped, restarting, its thread
 * gone): the error Node's HTTP client raises for a refused connection, which the AWS SDK retries
 * as a transient network error.
 */
export function connectionRefused(detail: string): Error {
  return Object.assign(new Error(`connect ECONNREFUSED: ${detail}`), {
    code: 'ECONNREFUSED',
    errno: -111,
    syscall: 'connect',
  });
}

/** The host name of a Host header, without the port ("[::1]:4010" → "[::1]"). */
export function hostName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  if (header.startsWith('[')) return header.slice(0, header.indexOf(']') + 1) || undefined;
  return header.split(':')[0] || undefined;
}

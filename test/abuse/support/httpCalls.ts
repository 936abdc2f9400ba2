import { type Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface HttpAnswer {
  /** 0 when no answer came: the connection was reset or closed first. */
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
  readonly error?: string;
  readonly ms: number;
}

export interface PostOptions {
  readonly apiUrl: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
  readonly agent?: Agent | false;
  /** Send the body in chunks of this many bytes… */
  readonly chunkBytes?: number;
  /** …this far apart (a slow upload). */
  readonly chunkIntervalMs?: number;
  /** Omit Content-Length and send the body chunked (its size unknown up front). */
  readonly chunked?: boolean;
  /** @default 30000 */
  readonly timeoutMs?: number;
}

/** One POST over a real connection, optionally uploaded slowly or chunked. */
export function post(options: PostOptions): Promise<HttpAnswer> {
  const startedAt = Date.now();
  const url = new URL(options.apiUrl);
  const body = Buffer.from(options.body);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (answer: Omit<HttpAnswer, 'ms'>) => {
      if (settled) return;
      settled = true;
      clearInterval(pump);
      resolve({ ...answer, ms: Date.now() - startedAt });
    };
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: options.path,
        agent: options.agent ?? false,
        timeout: options.timeoutMs ?? 30_000,
        headers: {
          ...options.headers,
          ...(options.chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(body.length) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          finish({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', (error) => finish({ status: 0, headers: {}, body: '', error: error.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (error) => finish({ status: 0, headers: {}, body: '', error: error.message }));
    let pump: NodeJS.Timeout | undefined;
    const chunkBytes = options.chunkBytes ?? body.length;
    if (chunkBytes >= body.length || !options.chunkIntervalMs) {
      req.end(body);
      return;
    }
    let offset = 0;
    pump = setInterval(() => {
      if (req.destroyed) return clearInterval(pump);
      const next = body.subarray(offset, offset + chunkBytes);
      offset += next.length;
      if (offset >= body.length) {
        clearInterval(pump);
        req.end(next);
      } else req.write(next);
    }, options.chunkIntervalMs);
  });
}

/**
 * Slowloris: a connection that sends a request line and then one header byte at a time, never
 * finishing its headers. Returns the socket; the caller destroys it (the suite bounds its runtime).
 */
export function trickleHeaders(
  apiUrl: string,
  intervalMs: number,
): { socket: Socket; stop(): void; closedByServer(): boolean } {
  const url = new URL(apiUrl);
  const socket = connect(Number(url.port), url.hostname);
  let closed = false;
  socket.on('close', () => {
    closed = true;
  });
  socket.on('error', () => undefined);
  socket.write('POST /invoices/posting HTTP/1.1\r\nHost: 127.0.0.1\r\n');
  const header = `x-slow: ${'a'.repeat(10_000)}`;
  let i = 0;
  const timer = setInterval(() => {
    if (closed || i >= header.length) return clearInterval(timer);
    socket.write(header[i++]!);
  }, intervalMs);
  return {
    socket,
    stop: () => {
      clearInterval(timer);
      socket.destroy();
    },
    closedByServer: () => closed,
  };
}

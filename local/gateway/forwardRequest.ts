import { Agent, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';

/** Headers that belong to one connection, not to the request (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te']);

/** No socket limit: SQS long polls (20 s) would otherwise hold the pool while other calls wait. */
const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

export interface ForwardedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

/**
 * Sends `request` to the emulator at `upstream` (`http://127.0.0.1:<port>`) and streams its answer
 * to `response` unchanged. Rejects when the emulator cannot be reached (the caller answers 503,
 * which every SDK retries); an answer cut midway ends the client's response too.
 */
export function forwardRequest(upstream: string, request: ForwardedRequest, response: ServerResponse): Promise<void> {
  const { hostname, port } = new URL(upstream);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(request.headers))
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  headers['content-length'] = String(request.body.length);
  return new Promise<void>((resolve, reject) => {
    const outgoing = httpRequest(
      { hostname, port, method: request.method, path: request.path, headers, agent },
      (answer) => {
        const answerHeaders: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(answer.headers))
          if (value !== undefined && !HOP_BY_HOP.has(name)) answerHeaders[name] = value;
        response.writeHead(answer.statusCode ?? 502, answerHeaders);
        answer.pipe(response);
        answer.once('end', resolve);
        answer.once('error', () => {
          response.destroy();
          resolve();
        });
      },
    );
    outgoing.once('error', reject);
    // A client that hangs up (an abandoned long poll) ends the emulator's request too.
    response.once('close', () => {
      if (!response.writableFinished) outgoing.destroy();
    });
    outgoing.end(request.body);
  });
}

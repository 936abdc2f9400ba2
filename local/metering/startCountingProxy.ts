import { Agent, createServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestCounter } from './RequestCounter.ts';

/** Names the AWS action of a request from its headers and (buffered) body. */
export type ClassifyRequest = (req: IncomingMessage, body: Buffer) => { service: string; action: string };

export interface CountingProxyOptions {
  /** Where requests go, e.g. `http://127.0.0.1:4566`. */
  readonly target: string;
  readonly host: string;
  readonly counter: RequestCounter;
  readonly classify: ClassifyRequest;
}

export interface CountingProxy {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * A loopback HTTP proxy that counts the AWS API calls passing through it. It sits in front of
 * fauxqs so that every SNS/SQS call is counted — including those the handlers make with their own
 * SDK clients, which the local cell cannot instrument without changing `handlers/`. Bodies are
 * small (SQS ≤ 1 MiB, SNS ≤ 256 KiB), so buffering one request to read its action is cheap.
 */
export async function startCountingProxy(options: CountingProxyOptions): Promise<CountingProxy> {
  const target = new URL(options.target);
  // Long polls hold a socket each; do not let a pool limit queue them behind one another.
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const { service, action } = options.classify(req, body);
      options.counter.add(service, action);
      const headers = { ...req.headers, 'content-length': String(body.length) };
      delete headers['transfer-encoding'];
      const upstream = request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers, agent },
        (upstreamRes) => {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
        },
      );
      upstream.on('error', (error) => {
        if (res.headersSent) return void res.destroy(error);
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ __type: 'ServiceUnavailable', message: `upstream ${target.host}: ${error.message}` }));
      });
      // A client that gives up (an aborted long poll) must not leave the upstream call hanging.
      res.on('close', () => {
        if (!res.writableFinished) upstream.destroy();
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The benchmark's ceiling: a bare `node:http` server on the same machine that reads each request
 * body and answers 202 with nothing else — no validation, no bus, no disk. What the load generator
 * achieves against it bounds what any Node ingest could achieve here.
 */
export async function startBareServer(host = '127.0.0.1'): Promise<{ url: string; stop(): Promise<void> }> {
  const server = createServer((req, res) => {
    req.on('data', () => {});
    req.on('end', () => {
      res.writeHead(202, { 'content-length': '0' });
      res.end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

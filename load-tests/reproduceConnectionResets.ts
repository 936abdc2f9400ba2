/**
 * Why the benchmark used to see ECONNRESET under load, in seven seconds and without load:
 *
 *   npx tsx load-tests/reproduceConnectionResets.ts
 *
 * A keep-alive client (node:http Agent, as the load generator and most Node producers use) sends a
 * request, idles 3.8 s and sends the next on the same connection — inside its own idle timeout,
 * which Node sets to the server's announced `Keep-Alive: timeout` minus one second. Meanwhile the
 * server's event loop is stalled for 4 s (on a loaded 2-core machine the cell's loop runs seconds
 * late). When the loop runs again, libuv fires its timers before it polls the sockets: a server
 * with Node's defaults (announce 5 s, close after 6 s) closes the idle connection with the new
 * request unread in it, and the kernel answers the client with a reset. The local API's server
 * (`startApiServer`, KEEP_ALIVE) announces 60 s and closes after 120 s, so the same stall only
 * makes the request late.
 *
 * Each server runs in a worker thread (its own event loop, stalled on command). Prints one line per
 * server; exit code 1 unless Node's defaults reset and the local API's server answered 202.
 */
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { startApiServer } from '../local/cell/api/startApiServer.ts';

type ServerKind = 'node-defaults' | 'local-api';

const STALL_AT_MS = 2_500;
const STALL_FOR_MS = 4_000;
const SECOND_REQUEST_AT_MS = 3_800;

if (isMainThread) {
  const outcomes: Record<ServerKind, string> = {
    'node-defaults': await reproduce('node-defaults'),
    'local-api': await reproduce('local-api'),
  };
  for (const [kind, outcome] of Object.entries(outcomes)) console.log(`${kind.padEnd(14)} second request: ${outcome}`);
  const asExplained = outcomes['node-defaults'].includes('ECONNRESET') && outcomes['local-api'].startsWith('202');
  console.log(asExplained ? 'reproduced: the reset comes from the keep-alive timers' : 'NOT as explained above');
  process.exit(asExplained ? 0 : 1);
} else {
  await serve(workerData as ServerKind);
}

/** Request, idle, server stall, request on the same connection: what the second one gets. */
async function reproduce(kind: ServerKind): Promise<string> {
  const worker = new Worker(new URL(import.meta.url), { workerData: kind });
  const port = await new Promise<number>((resolve) => worker.once('message', resolve));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const first = await post(port, agent);
    if (!first.startsWith('202')) return `first request failed: ${first}`;
    await delay(STALL_AT_MS);
    worker.postMessage(STALL_FOR_MS);
    await delay(SECOND_REQUEST_AT_MS - STALL_AT_MS);
    return await post(port, agent);
  } finally {
    agent.destroy();
    await worker.terminate();
  }
}

function post(port: number, agent: Agent): Promise<string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/invoices/ingestion', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(`${res.statusCode} (Keep-Alive: ${res.headers['keep-alive'] ?? 'none'})`));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(`network error ${error.code ?? error.message}`));
    req.end('{"events":[]}');
  });
}

/** Worker side: one server answering 202 after reading the body; a message stalls its loop. */
async function serve(kind: ServerKind): Promise<void> {
  let port: number;
  if (kind === 'node-defaults') {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(202).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  } else {
    const api = await startApiServer({
      host: '127.0.0.1',
      port: 0,
      fetch: async (req) => {
        await req.arrayBuffer();
        return new Response(null, { status: 202 });
      },
    });
    port = api.port;
  }
  parentPort!.on('message', (ms: number) => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      // Busy: the event loop is stalled, as a saturated cell's is.
    }
  });
  parentPort!.postMessage(port);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

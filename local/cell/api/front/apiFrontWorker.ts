/**
 * Entry of the API front's thread (started by `startApiFront`): listens, reads requests, sheds or
 * hands them to the main thread and writes its answers. See {@link ApiFront}.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { closeHttpServer } from '../../../http/closeHttpServer.ts';
import { keepConnectionsLonger } from '../keepAlive.ts';
import { ApiFront } from './ApiFront.ts';
import type { FrontMessage, FrontWorkerData, MainMessage } from './frontProtocol.ts';

const data = workerData as FrontWorkerData;
const port = parentPort!;
const post = (message: FrontMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

const front = new ApiFront(data, (request) => post(request, [request.body.buffer as ArrayBuffer]));
const server = createServer((req, res) => {
  const origin = `http://${req.headers.host ?? `${data.host}:${(server.address() as AddressInfo).port}`}`;
  front.handle(req, res, origin).catch((error: unknown) => {
    // A body that broke off mid-read: the client is gone, there is nobody to answer.
    if (!res.headersSent) res.destroy(error instanceof Error ? error : undefined);
  });
});
keepConnectionsLonger(server);

port.on('message', (message: MainMessage) => {
  if (message.kind === 'reply') front.reply(message);
  else if (message.kind === 'heartbeat') front.heartbeat(message.delayMs);
  else if (message.kind === 'stop') void stop(message.graceMs);
});

/** Stops accepting, lets requests finish, then waits for the main thread's work on those already answered 504. */
async function stop(graceMs: number): Promise<void> {
  const startedAt = performance.now();
  await closeHttpServer(server, graceMs);
  await front.settled(Math.max(0, graceMs - (performance.now() - startedAt)));
  post({ kind: 'stopped' });
}

server.once('error', (error: NodeJS.ErrnoException) => {
  post({ kind: 'listen-failed', code: error.code, message: error.message });
});
server.listen(data.port, data.host, () => {
  post({ kind: 'listening', port: (server.address() as AddressInfo).port });
});

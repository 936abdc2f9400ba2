import type { Worker } from 'node:worker_threads';
import type { HttpBindings } from '@hono/node-server';
import { ERROR_CODES } from '../../../../schemas/errorResponse.ts';
import { startTsWorker } from '../../../worker/startEmulatorWorker.ts';
import { PortInUseError, StartupError } from '../../errors.ts';
import type { AdmissionSettings } from '../AdmissionControl.ts';
import { API_LIMITS } from '../limits.ts';
import { type FetchHandler, type RunningApiServer, runningApiServer } from '../startApiServer.ts';
import type { FrontMessage, FrontReply, FrontRequest, FrontWorkerData, MainMessage } from './frontProtocol.ts';

/** How often the main thread tells the front it is alive; its lateness is the loop delay admission uses. */
const HEARTBEAT_MS = 100;
const START_TIMEOUT_MS = 60_000;

/**
 * The node request the routes read (raw headers and the peer address), for a request that did not
 * come through a node server on this thread: the API front's, or an in-process `fetch`.
 */
export function detachedBindings(rawHeaders: readonly string[], remoteAddress: string): HttpBindings {
  return { incoming: { rawHeaders, socket: { remoteAddress } }, outgoing: undefined } as unknown as HttpBindings;
}

/**
 * Starts the API's HTTP front on its own thread (see `ApiFront`), listening on `host:port`; the
 * requests it admits are answered here, on the calling thread, by `fetch`. A taken port rejects
 * with {@link PortInUseError} before anything else of the cell starts.
 */
export async function startApiFront(options: {
  readonly host: string;
  readonly port: number;
  readonly fetch: FetchHandler;
  readonly admission: AdmissionSettings;
  /** How long a request may wait for `fetch` before the front answers 504. @default API Gateway's 29 s */
  readonly integrationTimeoutMs?: number;
  /** Told if the front's thread fails after start-up (the API then answers nothing: a bug to see). */
  readonly onFailure?: (reason: string) => void;
}): Promise<RunningApiServer> {
  const data: FrontWorkerData = {
    host: options.host,
    port: options.port,
    admission: options.admission,
    integrationTimeoutMs: options.integrationTimeoutMs ?? API_LIMITS.integrationTimeoutMs,
    heartbeatMs: HEARTBEAT_MS,
  };
  const worker = startTsWorker(new URL('./apiFrontWorker.ts', import.meta.url), data, { name: 'api-front' });
  const send = (message: MainMessage, transfer: ArrayBuffer[] = []) => worker.postMessage(message, transfer);
  const port = await whenListening(worker, options).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  worker.on('message', (message: FrontMessage) => {
    if (message.kind === 'request')
      void answer(message, options.fetch).then((reply) => send(reply, [reply.body.buffer as ArrayBuffer]));
  });
  const heartbeat = startHeartbeat((delayMs) => send({ kind: 'heartbeat', delayMs }));
  let stopped = false;
  worker.on('error', (error) => options.onFailure?.(`${error.name}: ${error.message}`));
  worker.on('exit', (code) => stopped || options.onFailure?.(`the API front's thread exited (code ${code})`));
  return runningApiServer(options.host, port, async (graceMs) => {
    const finished = new Promise<void>((resolve) => {
      worker.on('message', (message: FrontMessage) => message.kind === 'stopped' && resolve());
      worker.once('exit', () => resolve());
      setTimeout(resolve, graceMs + 5_000).unref();
    });
    stopped = true;
    send({ kind: 'stop', graceMs });
    await finished;
    clearInterval(heartbeat);
    await worker.terminate();
  });
}

/** The app's answer to a request the front handed over; skipped once the front has answered 504. */
async function answer(request: FrontRequest, fetch: FetchHandler): Promise<FrontReply> {
  const reply = { kind: 'reply', id: request.id } as const;
  // The client already has its 504: doing the work now would only publish what it thinks failed.
  if (Date.now() >= request.deadline)
    return { ...reply, status: 504, headers: [], body: new Uint8Array(0), skipped: true };
  try {
    const headers = new Headers();
    for (let i = 0; i + 1 < request.rawHeaders.length; i += 2)
      headers.append(request.rawHeaders[i]!, request.rawHeaders[i + 1]!);
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
    const response = await fetch(
      new Request(request.url, {
        method: request.method,
        headers,
        body: hasBody ? (request.body as Uint8Array<ArrayBuffer>) : null,
      }),
      detachedBindings(request.rawHeaders, request.remoteAddress),
    );
    const outgoing: [string, string | string[]][] = [];
    for (const [name, value] of response.headers) if (name !== 'set-cookie') outgoing.push([name, value]);
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) outgoing.push(['set-cookie', cookies]);
    return { ...reply, status: response.status, headers: outgoing, body: new Uint8Array(await response.arrayBuffer()) };
  } catch (error) {
    // A request the Fetch API cannot represent (a method or header it refuses): the client's fault.
    const message = `malformed request: ${error instanceof Error ? error.message : String(error)}`;
    const body = new TextEncoder().encode(JSON.stringify({ code: ERROR_CODES.validationFailed, message }));
    return { ...reply, status: 400, headers: [['content-type', 'application/json']], body };
  }
}

/** Every `HEARTBEAT_MS`, how late this thread's loop ran the previous beat. */
function startHeartbeat(beat: (delayMs: number) => void): NodeJS.Timeout {
  let expected = performance.now() + HEARTBEAT_MS;
  const timer = setInterval(() => {
    const now = performance.now();
    beat(Math.max(0, now - expected));
    expected = now + HEARTBEAT_MS;
  }, HEARTBEAT_MS);
  timer.unref();
  return timer;
}

/** The front's first message: listening (its port) or why not. */
function whenListening(worker: Worker, options: { readonly host: string; readonly port: number }): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new StartupError('the API front did not start within 60 s')),
      START_TIMEOUT_MS,
    );
    const settle = (action: () => void) => {
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      action();
    };
    const onMessage = (message: FrontMessage) => {
      if (message.kind === 'listening') settle(() => resolve(message.port));
      else if (message.kind === 'listen-failed')
        settle(() =>
          reject(
            message.code === 'EADDRINUSE'
              ? new PortInUseError(options.host, options.port)
              : new StartupError(`cannot listen on ${options.host}:${options.port}: ${message.message}`),
          ),
        );
    };
    const onError = (error: Error) =>
      settle(() => reject(new StartupError(`the API front failed to start: ${error.message}`, { cause: error })));
    const onExit = (code: number) =>
      settle(() => reject(new StartupError(`the API front exited during start-up (code ${code})`)));
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
}

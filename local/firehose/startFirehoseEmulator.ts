import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDeliveryStream } from './actions/createDeliveryStream.ts';
import { describeDeliveryStream } from './actions/describeDeliveryStream.ts';
import { listDeliveryStreams } from './actions/listDeliveryStreams.ts';
import { putRecord } from './actions/putRecord.ts';
import { putRecordBatch } from './actions/putRecordBatch.ts';
import { FirehoseListenError } from './errors.ts';
import { FaultSwitch, type FirehoseFault } from './FaultSwitch.ts';
import { AMZ_JSON_CONTENT_TYPE, type EmulatorLogger, FirehoseRouter, SILENT_LOGGER } from './FirehoseRouter.ts';
import { FirehoseStore } from './FirehoseStore.ts';
import { type FirehoseStreamConfig, provisionStreams } from './provisionStreams.ts';

/**
 * Larger bodies are refused with 413 before parsing. 4 MiB of data is ~5.6 MB in base64, so any
 * batch within Firehose's limits fits, and one somewhat over them still gets its
 * InvalidArgumentException.
 */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** After stop() stops accepting, in-flight requests get this long before sockets are cut. */
const STOP_GRACE_MS = 2_000;
const DEFAULT_CHECKPOINT_INTERVAL_MS = 250;

export interface FirehoseEmulatorOptions {
  /** Directory of `firehose.sqlite`; created if missing. */
  readonly dataDir: string;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** Streams to provision at start, idempotently (see {@link provisionStreams}). */
  readonly streams?: readonly FirehoseStreamConfig[];
  /** DDL of views and indexes the host reads the rows through (see `FirehoseStoreOptions`). */
  readonly readSchema?: string;
  /** Region in ARNs. @default 'eu-west-1' */
  readonly region?: string;
  /** Account in ARNs and messages. @default '000000000000' */
  readonly accountId?: string;
  readonly logger?: EmulatorLogger;
  /** Clock (epoch ms). @default Date.now */
  readonly now?: () => number;
  /** WAL checkpoints on a background thread this often; 0 leaves them to SQLite. @default 250 */
  readonly checkpointIntervalMs?: number;
}

export interface RunningFirehoseEmulator {
  /** `http://host:port`, to pass as the SDK client's `endpoint`. */
  readonly endpoint: string;
  /** The store: `rows(database, table)`, `deliveryErrors()`, `query(sql)`. */
  readonly store: FirehoseStore;
  /** Injects a fault into later PutRecord/PutRecordBatch calls; `null` clears it. */
  setFault(fault: FirehoseFault | null): void;
  /** Requests received per operation. */
  requestCounts(): Record<string, number>;
  /** Stops accepting, lets in-flight requests finish, closes the store. Idempotent. */
  stop(): Promise<void>;
}

/** Reads a body up to MAX_BODY_BYTES; `undefined` when it is larger (the rest is drained, not kept). */
function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function reply(response: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  response.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  response.end(body);
}

function plainError(response: ServerResponse, status: number, type: string, message: string, extra = {}): void {
  const headers = { 'content-type': AMZ_JSON_CONTENT_TYPE, 'x-amzn-errortype': type, ...extra };
  reply(response, status, headers, JSON.stringify({ __type: type, message }));
}

function listen(server: ReturnType<typeof createServer>, host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error: NodeJS.ErrnoException) => {
    const why = error.code === 'EADDRINUSE' ? 'the port is already in use' : error.message;
    throw new FirehoseListenError(host, port, `Firehose emulator cannot listen on ${host}:${port}: ${why}`, {
      cause: error,
    });
  });
}

/**
 * Starts the Firehose emulator: an HTTP server on loopback speaking the Firehose protocol (AWS
 * JSON 1.1) over a SQLite store in `dataDir`, delivering Direct PUT records into emulated Iceberg
 * tables. Point `@aws-sdk/client-firehose` at it with an explicit `endpoint`.
 */
export async function startFirehoseEmulator(options: FirehoseEmulatorOptions): Promise<RunningFirehoseEmulator> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const region = options.region ?? 'eu-west-1';
  const accountId = options.accountId ?? '000000000000';
  const logger = options.logger ?? SILENT_LOGGER;
  const now = options.now ?? Date.now;
  const checkpointIntervalMs = options.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS;

  const store = new FirehoseStore({
    dataDir: options.dataDir,
    ...(checkpointIntervalMs > 0 ? { checkpointIntervalMs } : {}),
    ...(options.readSchema !== undefined ? { readSchema: options.readSchema } : {}),
  });
  const faults = new FaultSwitch();
  try {
    provisionStreams(options.streams ?? [], { store, faults, nowMs: now(), region, accountId });
  } catch (error) {
    store.close();
    throw error;
  }
  const router = new FirehoseRouter({ store, faults, region, accountId, logger, now })
    .register('CreateDeliveryStream', createDeliveryStream)
    .register('DescribeDeliveryStream', describeDeliveryStream)
    .register('ListDeliveryStreams', listDeliveryStreams)
    .register('PutRecord', putRecord)
    .register('PutRecordBatch', putRecordBatch);

  const server = createServer((request, response) => {
    if (request.method !== 'POST') {
      request.resume();
      plainError(response, 405, 'MethodNotAllowed', 'The Firehose API accepts POST / only', { allow: 'POST' });
      return;
    }
    readBody(request).then(
      (body) => {
        if (body === undefined) {
          plainError(response, 413, 'RequestEntityTooLarge', `Request body exceeds ${MAX_BODY_BYTES} bytes`);
          return;
        }
        const target = request.headers['x-amz-target'];
        const result = router.handle(Array.isArray(target) ? target[0] : target, body);
        reply(response, result.status, result.headers, result.body);
      },
      (error: unknown) => {
        logger.warn('Firehose emulator: request body could not be read', { error });
        if (!response.headersSent) response.destroy();
      },
    );
  });
  try {
    await listen(server, host, port);
  } catch (error) {
    store.close();
    throw error;
  }
  server.on('error', (error) => logger.error('Firehose emulator server error', { error }));

  const bound = (server.address() as AddressInfo).port;
  const endpointHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const endpoint = `http://${endpointHost}:${bound}`;
  logger.info(`Firehose emulator listening on ${endpoint}`, { store: store.path });

  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    store,
    setFault: (fault) => faults.set(fault),
    requestCounts: () => router.requestCounts(),
    stop: () => {
      stopping ??= new Promise<void>((resolve) => {
        const cut = setTimeout(() => server.closeAllConnections(), STOP_GRACE_MS);
        cut.unref();
        server.close(() => {
          clearTimeout(cut);
          store.close();
          resolve();
        });
        // SDK clients keep connections alive; idle ones would otherwise hold close() open.
        server.closeIdleConnections();
      });
      return stopping;
    },
  };
}

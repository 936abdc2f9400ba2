import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeHttpServer } from '../http/closeHttpServer.ts';
import { deleteItem } from './actions/deleteItem.ts';
import { getItem } from './actions/getItem.ts';
import { putItem } from './actions/putItem.ts';
import {
  createTable,
  deleteTable,
  describeTable,
  describeTimeToLive,
  listTables,
  updateTimeToLive,
} from './actions/tables.ts';
import { updateItem } from './actions/updateItem.ts';
import { AMZ_JSON_CONTENT_TYPE, DynamoDBRouter, type EmulatorLogger, SILENT_LOGGER } from './DynamoDBRouter.ts';
import { DynamoDBStore } from './DynamoDBStore.ts';
import { DynamoDBListenError } from './errors.ts';
import { type DynamoDBTableConfig, provisionTables } from './provisionTables.ts';

/** Far above any valid request (an item is at most 400 KB); larger bodies are refused before parsing. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** After stop() stops accepting, in-flight requests get this long before sockets are cut. */
const STOP_GRACE_MS = 2_000;

export interface DynamoDBEmulatorOptions {
  /** Directory of `dynamodb.sqlite`; created if missing. */
  readonly dataDir: string;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** Tables to create at start, idempotently (see {@link provisionTables}). */
  readonly tables?: readonly DynamoDBTableConfig[];
  /** Region in ARNs. @default 'eu-west-1' */
  readonly region?: string;
  /** Account in ARNs. @default '000000000000' */
  readonly accountId?: string;
  readonly logger?: EmulatorLogger;
  /** Clock (epoch ms) of the operations and the TTL sweep. @default Date.now */
  readonly now?: () => number;
  /** The TTL process runs this often; 0 leaves expired items until `sweepExpired()`. @default 60000 */
  readonly ttlSweepIntervalMs?: number;
  /** WAL checkpoints on a background thread this often; 0 leaves them to SQLite. @default 250 */
  readonly checkpointIntervalMs?: number;
}

export interface RunningDynamoDBEmulator {
  /** `http://host:port`, to pass as the SDK client's `endpoint`. */
  readonly endpoint: string;
  readonly store: DynamoDBStore;
  /** Runs the TTL process now: deletes expired items of TTL-enabled tables; returns how many. */
  sweepExpired(): number;
  /** Requests received per operation. */
  requestCounts(): Record<string, number>;
  /** Stops accepting, lets in-flight requests finish, closes the store. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the DynamoDB emulator: an HTTP server on loopback speaking the DynamoDB protocol (AWS JSON
 * 1.0) over a SQLite store in `dataDir`, with the item operations and expressions the idempotency
 * utility uses. Point `@aws-sdk/client-dynamodb` at it with an explicit `endpoint`.
 */
export async function startDynamoDBEmulator(options: DynamoDBEmulatorOptions): Promise<RunningDynamoDBEmulator> {
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? 'eu-west-1';
  const accountId = options.accountId ?? '000000000000';
  const logger = options.logger ?? SILENT_LOGGER;
  const now = options.now ?? Date.now;
  const checkpointIntervalMs = options.checkpointIntervalMs ?? 250;
  const store = new DynamoDBStore({
    dataDir: options.dataDir,
    ...(checkpointIntervalMs > 0 ? { checkpointIntervalMs } : {}),
  });
  try {
    provisionTables(options.tables ?? [], { store, nowMs: now(), region, accountId });
  } catch (error) {
    store.close();
    throw error;
  }
  const router = new DynamoDBRouter({ store, region, accountId, logger, now })
    .register('GetItem', getItem)
    .register('PutItem', putItem)
    .register('UpdateItem', updateItem)
    .register('DeleteItem', deleteItem)
    .register('CreateTable', createTable)
    .register('DescribeTable', describeTable)
    .register('DeleteTable', deleteTable)
    .register('ListTables', listTables)
    .register('UpdateTimeToLive', updateTimeToLive)
    .register('DescribeTimeToLive', describeTimeToLive);

  const server = createServer((request, response) => handleRequest(router, logger, request, response));
  try {
    await listen(server, host, options.port ?? 0);
  } catch (error) {
    store.close();
    throw error;
  }
  server.on('error', (error) => logger.error('DynamoDB emulator server error', { error }));
  const sweepExpired = () => store.sweepExpired(now() / 1000);
  const sweepEvery = options.ttlSweepIntervalMs ?? 60_000;
  const sweeper =
    sweepEvery > 0
      ? setInterval(() => {
          try {
            sweepExpired();
          } catch (error) {
            logger.warn('DynamoDB emulator: TTL sweep failed (retried at the next one)', { error });
          }
        }, sweepEvery).unref()
      : undefined;

  const { port } = server.address() as AddressInfo;
  const endpointHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const endpoint = `http://${endpointHost}:${port}`;
  logger.info(`DynamoDB emulator listening on ${endpoint}`, { store: store.path });
  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    store,
    sweepExpired,
    requestCounts: () => router.requestCounts(),
    stop: () => {
      stopping ??= (async () => {
        clearInterval(sweeper);
        await closeHttpServer(server, STOP_GRACE_MS);
        store.close();
      })();
      return stopping;
    },
  };
}

function handleRequest(
  router: DynamoDBRouter,
  logger: EmulatorLogger,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  if (request.method !== 'POST') {
    request.resume();
    send(
      response,
      405,
      { allow: 'POST' },
      { __type: 'MethodNotAllowed', message: 'The DynamoDB API accepts POST / only' },
    );
    return;
  }
  readBody(request).then(
    (body) => {
      if (body === undefined) {
        send(
          response,
          413,
          {},
          { __type: 'RequestEntityTooLarge', message: `Request body exceeds ${MAX_BODY_BYTES} bytes` },
        );
        return;
      }
      const target = request.headers['x-amz-target'];
      const result = router.handle(Array.isArray(target) ? target[0] : target, body);
      response.writeHead(result.status, {
        ...result.headers,
        'content-length': String(Buffer.byteLength(result.body)),
      });
      response.end(result.body);
    },
    (error: unknown) => {
      logger.warn('DynamoDB emulator: request body could not be read', { error });
      if (!response.headersSent) response.destroy();
    },
  );
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, payload: unknown): void {
  const body = JSON.stringify(payload);
  response.writeHead(status, {
    'content-type': AMZ_JSON_CONTENT_TYPE,
    ...headers,
    'content-length': String(Buffer.byteLength(body)),
  });
  response.end(body);
}

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

function listen(server: ReturnType<typeof createServer>, host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error: NodeJS.ErrnoException) => {
    const why = error.code === 'EADDRINUSE' ? 'the port is already in use' : error.message;
    throw new DynamoDBListenError(host, port, `DynamoDB emulator cannot listen on ${host}:${port}: ${why}`, {
      cause: error,
    });
  });
}

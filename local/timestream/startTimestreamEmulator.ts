import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDatabase } from './actions/createDatabase.ts';
import { createTable } from './actions/createTable.ts';
import { describeDatabase } from './actions/describeDatabase.ts';
import { describeEndpoints } from './actions/describeEndpoints.ts';
import { describeTable } from './actions/describeTable.ts';
import { listTables } from './actions/listTables.ts';
import { writeRecords } from './actions/writeRecords.ts';
import { TimestreamListenError } from './errors.ts';
import { FaultSwitch, type TimestreamFault } from './FaultSwitch.ts';
import { RESOURCE_NAME_PATTERN, TIMESTREAM_LIMITS } from './limits.ts';
import { AMZ_JSON_CONTENT_TYPE, type EmulatorLogger, SILENT_LOGGER, TimestreamRouter } from './TimestreamRouter.ts';
import { type TableSettings, TimestreamStore } from './TimestreamStore.ts';
import { databaseArn, tableArn } from './toWire.ts';

/** A request body larger than this is refused (100 records of ≤2 KB each fit many times over). */
const MAX_BODY_BYTES = 8 * 1024 * 1024;
/** After stop() stops accepting, in-flight requests get this long before sockets are cut. */
const STOP_GRACE_MS = 2_000;

export interface TimestreamTableConfig extends TableSettings {
  readonly name: string;
}

export interface TimestreamDatabaseConfig {
  readonly name: string;
  readonly tables: readonly TimestreamTableConfig[];
}

export interface TimestreamEmulatorOptions {
  /** Directory of `timestream.sqlite`; created if missing. */
  readonly dataDir: string;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  /**
   * Databases and tables to provision at start, idempotently: missing ones are created, and a
   * table's retention/magnetic settings are brought in line with this config (it is the source of
   * truth, like the CDK stack on AWS).
   */
  readonly databases?: readonly TimestreamDatabaseConfig[];
  /** DDL of the views and indexes the host reads the records through (see `TimestreamStoreOptions`). */
  readonly readSchema?: string;
  /** Region in ARNs. @default 'eu-west-1' */
  readonly region?: string;
  /** Account in ARNs. @default '000000000000' */
  readonly accountId?: string;
  readonly logger?: EmulatorLogger;
  /** Clock (epoch ms) for retention windows. @default Date.now */
  readonly now?: () => number;
  /**
   * WAL checkpoints run on a background thread this often, off the WriteRecords path; 0 leaves
   * them to SQLite inside the writer's commits. @default 250
   */
  readonly checkpointIntervalMs?: number;
}

const DEFAULT_CHECKPOINT_INTERVAL_MS = 250;

export interface RunningTimestreamEmulator {
  /** `http://host:port`, to pass as the SDK client's `endpoint`. */
  readonly endpoint: string;
  readonly store: TimestreamStore;
  /** Injects a fault into every later request except DescribeEndpoints; `null` clears it. */
  setFault(fault: TimestreamFault | null): void;
  /** Requests received per action. */
  requestCounts(): Record<string, number>;
  /** Stops accepting, lets in-flight requests finish, closes the store. Idempotent. */
  stop(): Promise<void>;
}

/** Validates the provisioning config up front and reports every problem in one error. */
function validateDatabases(databases: readonly TimestreamDatabaseConfig[]): void {
  const problems: string[] = [];
  const inRange = (value: number, range: { min: number; max: number }): boolean =>
    Number.isInteger(value) && value >= range.min && value <= range.max;
  for (const database of databases) {
    if (!RESOURCE_NAME_PATTERN.test(database.name) || database.name.length < 3) {
      problems.push(`database name '${database.name}' must be 3+ characters of [a-zA-Z0-9_.-]`);
    }
    for (const table of database.tables) {
      const where = `${database.name}.${table.name}`;
      if (!RESOURCE_NAME_PATTERN.test(table.name) || table.name.length < 3) {
        problems.push(`table name '${where}' must be 3+ characters of [a-zA-Z0-9_.-]`);
      }
      const { memoryRetentionHours: hours, magneticRetentionDays: days } = TIMESTREAM_LIMITS;
      if (!inRange(table.memoryRetentionHours, hours)) {
        problems.push(`${where}: memoryRetentionHours must be an integer in ${hours.min}..${hours.max}`);
      }
      if (!inRange(table.magneticRetentionDays, days)) {
        problems.push(`${where}: magneticRetentionDays must be an integer in ${days.min}..${days.max}`);
      }
    }
  }
  if (problems.length > 0) throw new TypeError(`Invalid Timestream emulator databases: ${problems.join('; ')}`);
}

function provision(
  store: TimestreamStore,
  databases: readonly TimestreamDatabaseConfig[],
  region: string,
  accountId: string,
  nowMs: number,
): void {
  for (const database of databases) {
    store.insertDatabase(database.name, databaseArn(region, accountId, database.name), nowMs);
    for (const table of database.tables) {
      const settings: TableSettings = {
        memoryRetentionHours: table.memoryRetentionHours,
        magneticRetentionDays: table.magneticRetentionDays,
        magneticWrites: table.magneticWrites,
      };
      const arn = tableArn(region, accountId, database.name, table.name);
      if (store.insertTable(database.name, table.name, arn, settings, nowMs)) continue;
      const current = store.getTable(database.name, table.name)!;
      const differs =
        current.memoryRetentionHours !== settings.memoryRetentionHours ||
        current.magneticRetentionDays !== settings.magneticRetentionDays ||
        current.magneticWrites !== settings.magneticWrites;
      if (differs) store.updateTable(database.name, table.name, settings, nowMs);
    }
  }
}

/** The host name of a Host header, without the port ("[::1]:4010" → "[::1]"). */
function hostName(hostHeader: string | undefined, fallback: string): string {
  if (!hostHeader) return fallback;
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1) || fallback;
  return hostHeader.split(':')[0] || fallback;
}

function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  response.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  response.end(body);
}

/**
 * Starts the Timestream write emulator: an HTTP server on loopback speaking the Timestream
 * write protocol (AWS JSON 1.0) over a SQLite store in `dataDir`.
 *
 * Point `@aws-sdk/client-timestream-write` at it with an explicit `endpoint`; the SDK then skips
 * endpoint discovery. A client that discovers anyway (endpoint from AWS_ENDPOINT_URL_*) is
 * answered with this emulator's own host, so it still lands here.
 */
export async function startTimestreamEmulator(options: TimestreamEmulatorOptions): Promise<RunningTimestreamEmulator> {
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? 'eu-west-1';
  const accountId = options.accountId ?? '000000000000';
  const logger = options.logger ?? SILENT_LOGGER;
  const now = options.now ?? Date.now;
  validateDatabases(options.databases ?? []);

  const checkpointIntervalMs = options.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS;
  const store = new TimestreamStore({
    dataDir: options.dataDir,
    ...(checkpointIntervalMs > 0 ? { checkpointIntervalMs } : {}),
    ...(options.readSchema !== undefined ? { readSchema: options.readSchema } : {}),
  });
  try {
    provision(store, options.databases ?? [], region, accountId, now());
  } catch (error) {
    store.close();
    throw error;
  }

  const faults = new FaultSwitch();
  const router = new TimestreamRouter({
    store,
    faults,
    region,
    accountId,
    logger,
    now,
    faultExempt: ['DescribeEndpoints'],
  })
    .register('DescribeEndpoints', describeEndpoints)
    .register('CreateDatabase', createDatabase)
    .register('DescribeDatabase', describeDatabase)
    .register('CreateTable', createTable)
    .register('DescribeTable', describeTable)
    .register('ListTables', listTables)
    .register('WriteRecords', writeRecords);

  const server = createServer((request, response) => {
    if (request.method !== 'POST') {
      send(
        response,
        405,
        { 'content-type': AMZ_JSON_CONTENT_TYPE, allow: 'POST' },
        JSON.stringify({ __type: 'MethodNotAllowed', message: 'The Timestream API accepts POST / only' }),
      );
      return;
    }
    readBody(request).then(
      (body) => {
        if (body === undefined) {
          send(
            response,
            413,
            { 'content-type': AMZ_JSON_CONTENT_TYPE },
            JSON.stringify({
              __type: 'RequestEntityTooLarge',
              message: `Request body exceeds ${MAX_BODY_BYTES} bytes`,
            }),
          );
          return;
        }
        const target = request.headers['x-amz-target'];
        const result = router.handle({
          target: Array.isArray(target) ? target[0] : target,
          body,
          host: hostName(request.headers.host, host),
        });
        send(response, result.status, result.headers, result.body);
      },
      (error: unknown) => {
        logger.warn('Timestream emulator: request body could not be read', { error });
        if (!response.headersSent) response.destroy();
      },
    );
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    store.close();
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? 'the port is already in use' : (error as Error).message;
    throw new TimestreamListenError(
      host,
      options.port ?? 0,
      `Timestream emulator cannot listen on ${host}:${options.port ?? 0}: ${why}`,
      {
        cause: error,
      },
    );
  }
  server.on('error', (error) => logger.error('Timestream emulator server error', { error }));

  const { port } = server.address() as AddressInfo;
  const endpointHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const endpoint = `http://${endpointHost}:${port}`;
  logger.info(`Timestream emulator listening on ${endpoint}`, { store: store.path });

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

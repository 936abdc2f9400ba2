import { createDatabase } from './actions/createDatabase.ts';
import { createTable } from './actions/createTable.ts';
import { describeDatabase } from './actions/describeDatabase.ts';
import { describeEndpoints } from './actions/describeEndpoints.ts';
import { describeTable } from './actions/describeTable.ts';
import { listTables } from './actions/listTables.ts';
import { writeRecords } from './actions/writeRecords.ts';
import { FaultSwitch, type TimestreamFault } from './FaultSwitch.ts';
import { provisionDatabases, type TimestreamDatabaseConfig, validateDatabases } from './provisionDatabases.ts';
import { type HttpFrontend, serveHttp } from './serveHttp.ts';
import {
  type EmulatorLogger,
  SILENT_LOGGER,
  TimestreamRouter,
  type TimestreamRouterOptions,
} from './TimestreamRouter.ts';
import { TimestreamStore } from './TimestreamStore.ts';

export type { TimestreamDatabaseConfig, TimestreamTableConfig } from './provisionDatabases.ts';

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

  const store = openProvisionedStore(options, region, accountId, now());
  const faults = new FaultSwitch();
  const router = createRouter({ store, faults, region, accountId, logger, now, faultExempt: ['DescribeEndpoints'] });
  let http: HttpFrontend;
  try {
    http = await serveHttp(router, host, options.port ?? 0, logger);
  } catch (error) {
    store.close();
    throw error;
  }
  logger.info(`Timestream emulator listening on ${http.endpoint}`, { store: store.path });

  let stopping: Promise<void> | undefined;
  return {
    endpoint: http.endpoint,
    store,
    setFault: (fault) => faults.set(fault),
    requestCounts: () => router.requestCounts(),
    stop: () => {
      stopping ??= http.close().then(() => store.close());
      return stopping;
    },
  };
}

/** Opens the store in `dataDir` and provisions the configured databases; closes it again if that fails. */
function openProvisionedStore(
  options: TimestreamEmulatorOptions,
  region: string,
  accountId: string,
  nowMs: number,
): TimestreamStore {
  const checkpointIntervalMs = options.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS;
  const store = new TimestreamStore({
    dataDir: options.dataDir,
    ...(checkpointIntervalMs > 0 ? { checkpointIntervalMs } : {}),
    ...(options.readSchema !== undefined ? { readSchema: options.readSchema } : {}),
  });
  try {
    provisionDatabases(store, options.databases ?? [], region, accountId, nowMs);
  } catch (error) {
    store.close();
    throw error;
  }
  return store;
}

/** The router with every operation this emulator implements. */
function createRouter(options: TimestreamRouterOptions): TimestreamRouter {
  return new TimestreamRouter(options)
    .register('DescribeEndpoints', describeEndpoints)
    .register('CreateDatabase', createDatabase)
    .register('DescribeDatabase', describeDatabase)
    .register('CreateTable', createTable)
    .register('DescribeTable', describeTable)
    .register('ListTables', listTables)
    .register('WriteRecords', writeRecords);
}

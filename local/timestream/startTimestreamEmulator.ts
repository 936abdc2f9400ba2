import type { EmulatorLogger, EmulatorOptions, RunningJsonEmulator } from '../awsEmulator/index.ts';
import { endpointHost, JsonProtocolRouter, resolveEmulatorOptions, startJsonEmulator } from '../awsEmulator/index.ts';
import type { ActionContext } from './ActionContext.ts';
import { createDatabase } from './actions/createDatabase.ts';
import { createTable } from './actions/createTable.ts';
import { describeDatabase } from './actions/describeDatabase.ts';
import { describeEndpoints } from './actions/describeEndpoints.ts';
import { describeTable } from './actions/describeTable.ts';
import { listDatabases } from './actions/listDatabases.ts';
import { listTables } from './actions/listTables.ts';
import { writeRecords } from './actions/writeRecords.ts';
import { InternalServerError, TimestreamListenError } from './errors.ts';
import { FaultSwitch, type TimestreamFault } from './FaultSwitch.ts';
import { provisionDatabases, type TimestreamDatabaseConfig, validateDatabases } from './provisionDatabases.ts';
import { TimestreamStore } from './TimestreamStore.ts';

export type { TimestreamDatabaseConfig, TimestreamTableConfig } from './provisionDatabases.ts';

/** `dataDir` holds `timestream.sqlite`; `now` is the clock of the retention windows. */
export interface TimestreamEmulatorOptions extends EmulatorOptions {
  /**
   * Databases and tables to provision at start, idempotently: missing ones are created, and a
   * table's retention/magnetic settings are brought in line with this config (it is the source of
   * truth, like the CDK stack on AWS).
   */
  readonly databases?: readonly TimestreamDatabaseConfig[];
  /**
   * Where clients are told to send Timestream requests (DescribeEndpoints): a URL such as
   * `http://127.0.0.1:4566` (a gateway in front of every emulator) or a host name. Only its host is
   * answered, as AWS does. @default the emulator's own listening address
   */
  readonly advertisedEndpoint?: string;
}

export interface RunningTimestreamEmulator extends RunningJsonEmulator<TimestreamStore> {
  /** Injects a fault into every later request except DescribeEndpoints; `null` clears it. */
  setFault(fault: TimestreamFault | null): void;
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
  validateDatabases(options.databases ?? []);
  const advertisedHost = advertisedHostOf(options);
  const { region, accountId, logger, now, storeOptions } = resolveEmulatorOptions(options);
  const store = new TimestreamStore(storeOptions);
  const faults = new FaultSwitch();
  const running = await startJsonEmulator({
    ...options,
    router: createTimestreamRouter(store, { region, accountId, logger, now, faults, advertisedHost }),
    store,
    logger,
    listenError: TimestreamListenError,
    provision: () => provisionDatabases(store, options.databases ?? [], region, accountId, now()),
  });
  return { ...running, setFault: (fault) => faults.set(fault) };
}

/**
 * The router with every operation this emulator implements. An injected fault fails every action
 * but DescribeEndpoints (endpoint discovery is a separate service path).
 */
export function createTimestreamRouter(
  store: TimestreamStore,
  options: {
    readonly region: string;
    readonly accountId: string;
    readonly faults: FaultSwitch;
    /** @default '127.0.0.1' */
    readonly advertisedHost?: string;
    readonly logger?: EmulatorLogger;
    readonly now?: () => number;
  },
): JsonProtocolRouter<ActionContext> {
  const { region, accountId, faults, advertisedHost = '127.0.0.1' } = options;
  return new JsonProtocolRouter<ActionContext>({
    service: 'Timestream',
    internalError: InternalServerError,
    context: (_request, nowMs) => ({ store, nowMs, advertisedHost, region, accountId }),
    beforeAction: (action, nowMs) => {
      const fault = action === 'DescribeEndpoints' ? undefined : faults.errorFor(nowMs);
      if (fault) throw fault;
    },
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.now ? { now: options.now } : {}),
  })
    .register('DescribeEndpoints', describeEndpoints)
    .register('CreateDatabase', createDatabase)
    .register('DescribeDatabase', describeDatabase)
    .register('ListDatabases', listDatabases)
    .register('CreateTable', createTable)
    .register('DescribeTable', describeTable)
    .register('ListTables', listTables)
    .register('WriteRecords', writeRecords);
}

/** The host name DescribeEndpoints answers; a value that is neither a URL nor a host name fails the start. */
function advertisedHostOf(options: TimestreamEmulatorOptions): string {
  const advertised = options.advertisedEndpoint;
  if (advertised === undefined) return endpointHost(options.host ?? '127.0.0.1');
  const url = URL.parse(advertised.includes('://') ? advertised : `http://${advertised}`);
  if (!url?.hostname) {
    throw new TypeError(`advertisedEndpoint must be a URL or a host name, got ${JSON.stringify(advertised)}`);
  }
  return url.hostname;
}

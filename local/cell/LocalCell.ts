import './xrayManualMode.ts';
import type { HttpBindings } from '@hono/node-server';
import { localCell } from '../../cells/cells.config.ts';
import type { CellDefinition } from '../../cells/definition.ts';
import { type CellTopology, cellTopology } from '../../cells/topology.ts';
import { dashboardRoutes } from '../../dashboards/localDashboardRoutes.ts';
import { LocalReadModel, READ_MODEL_SCHEMA } from '../../dashboards/readModel/index.ts';
import { busesForCell } from '../eventbridge/index.ts';
import {
  localSnsSqsClients,
  type ProvisionedTopology,
  provisionTopology,
  releaseOrphanedMessages,
} from '../sns-sqs/index.ts';
import { type TimestreamFault, TimestreamStore } from '../timestream/index.ts';
import { type EventLoopUtilization, type LocalArchive, startEmulatorWorker } from '../worker/index.ts';
import { ApiKeyGuard, createApiApp, type HealthReport, startApiServer, toInvoiceTimeline } from './api/index.ts';
import { createCellFunctions } from './cellFunctions.ts';
import { cellHealth } from './cellHealth.ts';
import { cellManifestOf, removeCellManifest, writeCellManifest } from './cellManifest.ts';
import { StartupError } from './errors.ts';
import { FaultInjector, type FaultRule } from './faults/index.ts';
import { createLocalLogger } from './LocalLogger.ts';
import { RequestCounter, totalsByService } from './metering/index.ts';
import { type LocalMonitor, startLocalMonitor } from './monitor/index.ts';
import { lockDataDir, prepareDataDir } from './prepareDataDir.ts';
import { SqsJsonClient } from './wire/SqsJsonClient.ts';

export interface LocalCellOptions {
  /** API port; 0 picks a free one. @default 4010 */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Everything durable lives here; a restart on the same directory continues where it stopped. */
  readonly dataDir: string;
  /** @default localCell() */
  readonly cell?: CellDefinition;
  readonly faults?: readonly FaultRule[];
  /** false: batch size 1 and no batching window everywhere, so every event is its own call. @default true */
  readonly batching?: boolean;
  /** Only errors on stderr. @default false */
  readonly quiet?: boolean;
  /** Stuck-event monitor period in ms, as the schedule on AWS; 0 = only `monitor.runOnce()`. @default 60000 */
  readonly monitorIntervalMs?: number;
}

export interface RunningLocalCell {
  readonly apiUrl: string;
  /** The first active API key of the cell (the development key for `localCell()`). */
  readonly apiKey: string;
  readonly dataDir: string;
  readonly cell: CellDefinition;
  readonly topology: CellTopology;
  /** Queue URLs/ARNs and topic ARNs as provisioned. */
  readonly resources: ProvisionedTopology;
  readonly endpoints: {
    readonly sqs: string;
    readonly sns: string;
    readonly eventbridge: string;
    readonly timestream: string;
  };
  readonly store: TimestreamStore;
  /** BEMS's read model over the store: timelines, record counts, the duplicate check. */
  readonly readModel: LocalReadModel;
  /** The bus archive (count, replays); asynchronous: the EventBridge emulator runs on the emulator thread. */
  readonly archive: LocalArchive;
  /** Requests per service: apigateway, lambda (invocations), eventbridge, sns, sqs, timestream. */
  requestCounts(): Promise<Record<string, number>>;
  /** The same per `service:Action` (per function for lambda). */
  requestCountsByAction(): Promise<Record<string, number>>;
  /** Event-loop utilisation of the emulator thread (SNS/SQS, Timestream), as `performance.eventLoopUtilization`. */
  emulatorEventLoopUtilization(since?: EventLoopUtilization): EventLoopUtilization;
  /** CPU profiling of the emulator thread (load-tests/profile.ts). */
  readonly emulatorProfiler: { start(): Promise<void>; stop(): Promise<unknown> };
  health(): Promise<HealthReport>;
  /** Faults to switch on and off while the cell runs (fault-injection tests, demos, game days). */
  readonly faults: LocalCellFaults;
  /** The stuck-event monitor (handlers/monitor.ts) of this cell. */
  readonly monitor: LocalMonitor;
  /**
   * Answers one request in-process, without a socket, exactly as the API server would (same app,
   * API keys, throttling and handlers): for fuzzing at thousands of requests per second. The
   * source address is 127.0.0.1; header names arrive lower-cased, as the Fetch API keeps them.
   */
  fetch(request: Request): Promise<Response>;
  /** Stops accepting requests, lets in-flight batches finish, stops the emulators, closes the databases. */
  stop(): Promise<void>;
}

export interface LocalCellFaults {
  /** Replaces the fault rules of the API and the event source mappings; `[]` clears them. */
  setRules(rules: readonly FaultRule[]): void;
  /** Makes the Timestream emulator answer every data-plane request with an error; `null` clears it. */
  setTimestreamFault(fault: TimestreamFault | null): Promise<void>;
  /** Stops the SNS/SQS emulator and starts it again on the same port and data after `downtimeMs`. */
  restartSnsSqs(options?: { readonly downtimeMs?: number }): Promise<void>;
}

/**
 * Starts a whole cell in this process: API → ingest → EventBridge emulator (durable archive and
 * outbox) → stage inboxes (fauxqs) → forward → SNS FIFO topics → consumer FIFO queues → consume →
 * Timestream emulator. Handlers are the production ones, built from Lambda-style environments.
 */
export async function startLocalCell(options: LocalCellOptions): Promise<RunningLocalCell> {
  const cell = options.cell ?? localCell();
  const topology = cellTopology(cell);
  const guard = new ApiKeyGuard(cell.apiClients);
  const apiKey = guard.activeKeys[0]?.key;
  if (!apiKey) throw new StartupError(`cell ${cell.id} has no active API client with a localKey`);
  const faults = new FaultInjector(options.faults);
  const logger = createLocalLogger({ quiet: options.quiet ?? false });
  // Bind the port before the data directory is created or opened: a taken port changes nothing.
  let app: ReturnType<typeof createApiApp> | undefined;
  const api = await startApiServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 4010,
    fetch: (request, env) =>
      app
        ? app.fetch(request, env)
        : Response.json({ code: 'STARTING', message: 'the cell is starting' }, { status: 503 }),
  });
  // Stop order: the API stops accepting first, then everything else in reverse start order —
  // pollers finish their batches before the emulators they write to go away.
  const cleanup: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    await api.stop();
    for (const step of cleanup.reverse()) await step();
  };
  let state: 'starting' | 'running' | 'stopping' | 'stopped' = 'starting';
  try {
    const dataDir = prepareDataDir(options.dataDir);
    const lock = lockDataDir(dataDir);
    cleanup.push(() => lock.release());
    // API Gateway and Lambda requests are counted here; SNS/SQS and Timestream by their emulators.
    const counter = new RequestCounter();
    const primaryConsumers = Object.fromEntries(topology.stages.map((s) => [s.stage, s.consumers[0]!.consumer]));
    const emulators = await startEmulatorWorker(
      {
        dataDir,
        region: cell.region,
        accountId: cell.account,
        databases: [
          {
            name: topology.timestreamDatabase,
            tables: [{ name: topology.timestreamTable, ...cell.timestream, magneticWrites: true }],
          },
        ],
        quiet: options.quiet ?? false,
      },
      // The cell cannot work without its emulators: say so at once, and /health turns 503.
      (reason) => logger.error('the emulator thread (SNS/SQS, Timestream, EventBridge) failed', { reason }),
    );
    cleanup.push(() => emulators.stop());
    const { sqs, sns } = localSnsSqsClients(emulators.snsSqsEndpoint, cell.region);
    cleanup.push(() => {
      sqs.destroy();
      sns.destroy();
    });
    // The cell's reads (timelines, dashboards, monitor) go through its own connection to the store.
    // It also installs the read model (views and indexes) over the emulator's records.
    const store = new TimestreamStore({ dataDir, readSchema: READ_MODEL_SCHEMA });
    const readModel = new LocalReadModel(store, { primaryConsumers });
    cleanup.push(() => store.close());
    const resources = await provisionTopology(topology, {
      sqs,
      sns,
      endpoint: emulators.snsSqsEndpoint,
      account: cell.account,
    });
    // The pollers' SQS calls (Lambda's, on AWS) skip the SDK; handlers keep theirs.
    const plumbing = new SqsJsonClient({ endpoint: emulators.snsSqsEndpoint, region: cell.region });
    cleanup.push(() => plumbing.destroy());
    const released = await releaseOrphanedMessages(resources.queues, sqs, emulators.queueInspector);
    if (released > 0) logger.info('released messages left in flight by a previous run', { released });
    // On the emulator thread too; it stops there first, before the queues it delivers to.
    const eventBridgeEndpoint = await emulators.startEventBridge(
      cell.account,
      busesForCell({
        topology,
        archiveRetentionDays: cell.archiveRetentionDays,
        queueUrl: (name) => resources.queues.find((queue) => queue.name === name)!.url,
      }),
    );
    const endpoints = {
      sqs: emulators.snsSqsEndpoint,
      sns: emulators.snsSqsEndpoint,
      eventbridge: eventBridgeEndpoint,
      timestream: emulators.timestreamEndpoint,
    };
    const functions = createCellFunctions({
      cell,
      topology,
      provisioned: resources,
      endpoints,
      sqs: plumbing,
      faults,
      counter,
      logger,
      batching: options.batching ?? true,
      quiet: options.quiet ?? false,
    });
    for (const mapping of functions.mappings) mapping.start();
    // The handlers' SDK clients close once no handler can run: the API has stopped, the pollers too.
    cleanup.push(() => Promise.all(functions.mappings.map((m) => m.stop())).then(() => functions.destroy()));
    const startedAt = Date.now();
    const health = () =>
      cellHealth({
        cellId: cell.id,
        startedAt,
        state: () => state,
        endpoints,
        queues: resources.queues,
        sqs,
        queueInspector: emulators.queueInspector,
        emulatorFailure: emulators.failure,
        eventBridgeStatus: emulators.eventBridgeStatus,
        mappings: functions.mappings,
      });
    app = createApiApp({
      cell,
      ingest: functions.ingest,
      ingestFunctionName: functions.ingestFunctionName,
      guard,
      // The store holds this cell's one table only. Naming database and table would make SQLite
      // pick the (database, table, …) identity index over the invoice_id one: a scan of every
      // record of the table per request instead of an index lookup.
      timeline: (invoiceId) => toInvoiceTimeline(invoiceId, readModel.timeline(invoiceId)),
      health,
      faults,
      counter,
      logger,
    });
    app.route('/', dashboardRoutes({ store, health, cell }));
    const monitor = await startLocalMonitor(
      { cell, topology, dataDir, endpoints, store, health },
      { intervalMs: options.monitorIntervalMs ?? 60_000, logger, quiet: options.quiet ?? false },
    );
    cleanup.push(() => monitor.stop());
    // How the `bems` CLI finds this cell (its endpoints change at every start).
    writeCellManifest(dataDir, cellManifestOf({ cell, topology, apiUrl: api.url, endpoints, monitor }));
    cleanup.push(() => removeCellManifest(dataDir));
    state = 'running';
    const countsByAction = async (): Promise<Record<string, number>> => {
      const emulated = await emulators.requestCounts();
      const all = {
        ...counter.byServiceAction(),
        ...emulated.snsSqs,
        ...prefixed('eventbridge', emulated.eventBridge),
        ...prefixed('timestream', emulated.timestream),
      };
      return Object.fromEntries(Object.entries(all).sort(([a], [b]) => a.localeCompare(b)));
    };
    let stopping: Promise<void> | undefined;
    return {
      apiUrl: api.url,
      apiKey,
      dataDir,
      cell,
      topology,
      resources,
      endpoints,
      store,
      readModel,
      archive: emulators.archive,
      requestCounts: async () => totalsByService(Object.entries(await countsByAction())),
      requestCountsByAction: countsByAction,
      emulatorEventLoopUtilization: (since) => emulators.eventLoopUtilization(since),
      emulatorProfiler: { start: () => emulators.startCpuProfile(), stop: () => emulators.stopCpuProfile() },
      health,
      monitor,
      faults: {
        setRules: (rules) => faults.setRules(rules),
        setTimestreamFault: (fault) => emulators.setTimestreamFault(fault),
        restartSnsSqs: (restart) => emulators.restartSnsSqs(restart),
      },
      fetch: async (request) => {
        const running = app;
        if (!running) throw new StartupError('the cell is not running');
        // The routes read only the raw headers and the peer address of node's request object.
        const incoming = { rawHeaders: [...request.headers].flat(), socket: { remoteAddress: '127.0.0.1' } };
        return running.fetch(request, { incoming, outgoing: undefined } as unknown as HttpBindings);
      },
      stop: () => {
        stopping ??= (async () => {
          state = 'stopping';
          await stopAll();
          state = 'stopped';
        })();
        return stopping;
      },
    };
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
}

function prefixed(service: string, counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([action, count]) => [`${service}:${action}`, count]));
}

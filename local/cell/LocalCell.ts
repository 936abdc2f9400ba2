import { localCell } from '../../cells/cells.config.ts';
import type { CellDefinition } from '../../cells/definition.ts';
import { type CellTopology, cellTopology } from '../../cells/topology.ts';
import { dashboardRoutes } from '../../dashboards/localDashboardRoutes.ts';
import type { LocalReadModel } from '../../dashboards/readModel/index.ts';
import type { FirehoseFault } from '../firehose/index.ts';
import { startGateway } from '../gateway/index.ts';
import type { ProvisionedTopology } from '../sns-sqs/index.ts';
import type { TimestreamFault } from '../timestream/index.ts';
import { type EventLoopUtilization, type LocalArchive, retainHeapTrimmer } from '../worker/index.ts';
import { type LocalAnalyticsStore, withAnalyticsStore } from './analyticsStore.ts';
import { archiveCountRoute } from './api/archiveCountRoute.ts';
import { detachedBindings } from './api/front/startApiFront.ts';
import { type AdmissionControl, ApiKeyGuard, createApiApp, type HealthReport, toInvoiceTimeline } from './api/index.ts';
import { type CellFunctions, createCellFunctions, type LocalService } from './cellFunctions.ts';
import { type CellGateway, connectGateway } from './cellGateway.ts';
import { cellHealth } from './cellHealth.ts';
import { cellManifestOf, removeCellManifest, writeCellManifest } from './cellManifest.ts';
import { cellPorts, DEFAULT_BASE_PORT } from './cellPorts.ts';
import { type CellServices, StopSequence, startServices } from './cellServices.ts';
import { describeFunctions, type LocalFunctionDescription } from './describeFunctions.ts';
import { StartupError } from './errors.ts';
import { FaultInjector, type FaultRule, fastRetryTimings } from './faults/index.ts';
import type { LocalCellOptions } from './LocalCellOptions.ts';
import { createLocalLogger, type LocalLogger } from './LocalLogger.ts';
import { RequestCounter, totalsByService } from './metering/index.ts';
import { type LocalMonitor, startLocalMonitor } from './monitor/index.ts';
import { openApi } from './openApi.ts';
import { SqsJsonClient } from './wire/SqsJsonClient.ts';

export type { LocalCellOptions } from './LocalCellOptions.ts';
export type { LocalFunctionDescription };

export interface RunningLocalCell {
  readonly apiUrl: string;
  /** The first active API key of the cell (the development key for `localCell()`). */
  readonly apiKey: string;
  readonly dataDir: string;
  readonly cell: CellDefinition;
  readonly topology: CellTopology;
  /** Queue URLs/ARNs and topic ARNs as provisioned. */
  readonly resources: ProvisionedTopology;
  /** The function plan's functions as this cell runs them: environments and event source mappings. */
  readonly functions: readonly LocalFunctionDescription[];
  /** The plan's Fargate consumers, each task a poller process of its own (fault tests may kill them). */
  readonly services: readonly LocalService[];
  /** Each emulator's own listener (free ports; the cell's own clients call them directly). */
  readonly endpoints: CellServices['endpoints'];
  /** The one endpoint of every emulated AWS service, for AWS's SDKs and CLIs. */
  readonly gateway: CellGateway;
  /**
   * The cell's analytics store (`cell.analytics.store`): the Timestream emulator's file or the
   * Firehose emulator's, with the read model's view `invoice_events` over either.
   */
  readonly store: LocalAnalyticsStore;
  /** BEMS's read model over the store: timelines, record counts, the duplicate check. */
  readonly readModel: LocalReadModel;
  /** The bus archive (count, replays); asynchronous: the EventBridge emulator runs on the emulator thread. */
  readonly archive: LocalArchive;
  /** Requests per service: apigateway, lambda (invocations), eventbridge, sns, sqs, timestream, firehose, dynamodb. */
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
  /**
   * Makes the Firehose emulator fail PutRecord/PutRecordBatch (`throttle`, `internal`) or some of
   * their records (`partial`, every `everyNth`); `null` clears it. A lakehouse cell's consumers write there.
   */
  setFirehoseFault(fault: FirehoseFault | null): Promise<void>;
  /** Stops the SNS/SQS emulator and starts it again on the same port and data after `downtimeMs`. */
  restartSnsSqs(options?: { readonly downtimeMs?: number }): Promise<void>;
}

/**
 * Starts a whole cell in this process: API → ingest → EventBridge emulator (durable archive and
 * outbox) → stage inboxes (fauxqs) → forward → SNS FIFO topics → consumer FIFO queues → consume →
 * the analytics store: the Timestream emulator, or the Firehose emulator's Iceberg table for a
 * lakehouse cell. Handlers are the production ones, grouped and configured by the cell's
 * function plan (`cells/functionPlan.ts`), as on AWS.
 */
export async function startLocalCell(options: LocalCellOptions): Promise<RunningLocalCell> {
  const defined = withAnalyticsStore(options.cell ?? localCell(), options.analyticsStore);
  const cell = options.fast ? fastRetryTimings(defined) : defined;
  const ports = cellPorts(options.port ?? DEFAULT_BASE_PORT);
  const host = options.host ?? '127.0.0.1';
  const topology = cellTopology(cell);
  const guard = new ApiKeyGuard(cell.apiClients);
  const apiKey = guard.activeKeys[0]?.key;
  if (!apiKey) throw new StartupError(`cell ${cell.id} has no active API client with a localKey`);
  const context: StartContext = {
    cell,
    topology,
    options,
    faults: new FaultInjector(options.faults),
    logger: createLocalLogger({ quiet: options.quiet ?? false }),
    // API Gateway and Lambda requests are counted here; SNS/SQS and Timestream by their emulators.
    counter: new RequestCounter(),
  };
  // Bind the ports before the data directory is created or opened: a taken port changes nothing.
  const frontThread = options.apiFrontThread ?? true;
  const { api, admission, serve } = await openApi({
    host,
    port: ports.api,
    admission: options.admission,
    frontThread,
    onFailure: (reason) => context.logger.error('the API front failed', { reason }),
  });
  const gatewayServer = await startGateway({
    host,
    port: options.gatewayPort ?? ports.gateway,
    logger: context.logger,
  }).catch(async (error: unknown) => {
    await api.stop().finally(() => admission.stop());
    throw error;
  });
  // Both front doors close first; the gateway's clients are outsiders, as the API's are.
  const stops = new StopSequence(
    async () => void (await Promise.all([api.stop().finally(() => admission.stop()), gatewayServer.stop()])),
  );
  stops.push(retainHeapTrimmer()); // emptied heap pages back to the OS (workers: startTsWorker)
  const lifecycle = { state: 'starting' as CellState };
  try {
    const services = await startServices(
      {
        cell,
        topology,
        dataDir: options.dataDir,
        quiet: options.quiet ?? false,
        logger: context.logger,
        gatewayEndpoint: gatewayServer.url,
        gatherPortMessages: options.gatherPortMessages ?? false,
      },
      stops,
    );
    const gateway = connectGateway(gatewayServer, services.endpoints, context.faults, cell.region);
    const functions = startFunctions(context, services, stops);
    const startedAt = Date.now();
    const health = () =>
      cellHealth({
        cellId: cell.id,
        startedAt,
        state: () => lifecycle.state,
        endpoints: services.endpoints,
        analyticsStore: topology.analyticsStore,
        queues: services.resources.queues,
        sqs: services.sqs,
        queueInspector: services.emulators.queueInspector,
        emulatorFailure: services.emulators.failure,
        eventBridgeStatus: services.emulators.eventBridgeStatus,
        mappings: functions.mappings,
      });
    const running = createCellApiApp(context, { guard, admission, services, functions, health });
    serve({ admitted: createCellApiApp(context, { guard, services, functions, health }), guarded: running });
    const monitor = await startLocalMonitor(
      { cell, topology, dataDir: services.dataDir, endpoints: services.endpoints, store: services.store, health },
      {
        intervalMs: options.monitorIntervalMs ?? functions.plan.monitor.scheduleMinutes! * 60_000,
        logger: context.logger,
        quiet: options.quiet ?? false,
      },
    );
    stops.push(() => monitor.stop());
    // How the `bems` CLI and scripts find this cell (its emulators' own ports change at every start).
    const { dataDir, endpoints } = services;
    writeCellManifest(dataDir, cellManifestOf({ cell, topology, apiUrl: api.url, endpoints, gateway, monitor }));
    stops.push(() => removeCellManifest(dataDir));
    lifecycle.state = 'running';
    const parts = { context, services, functions, monitor, health, app: running, apiUrl: api.url, apiKey, gateway };
    return runningCell(parts, stopOnce(lifecycle, stops));
  } catch (error) {
    await stops.run().catch(() => undefined);
    throw error;
  }
}

type CellState = 'starting' | 'running' | 'stopping' | 'stopped';

/** What every start-up step reads. */
interface StartContext {
  readonly cell: CellDefinition;
  readonly topology: CellTopology;
  readonly options: LocalCellOptions;
  readonly faults: FaultInjector;
  readonly logger: LocalLogger;
  readonly counter: RequestCounter;
}

function stopOnce(lifecycle: { state: CellState }, stops: StopSequence): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      lifecycle.state = 'stopping';
      await stops.run();
      lifecycle.state = 'stopped';
    })();
    return stopping;
  };
}

/** The API as API Gateway serves it, plus the local dashboards. */
function createCellApiApp(
  { cell, faults, counter, logger }: StartContext,
  parts: {
    readonly guard: ApiKeyGuard;
    readonly admission?: AdmissionControl;
    readonly services: CellServices;
    readonly functions: CellFunctions;
    readonly health: () => Promise<HealthReport>;
  },
): ReturnType<typeof createApiApp> {
  const { services, functions, health } = parts;
  const app = createApiApp({
    cell,
    ingest: functions.ingest,
    ingestFunctionName: functions.ingestFunctionName,
    guard: parts.guard,
    admission: parts.admission,
    // The store holds this cell's one table only. Naming database and table would make SQLite
    // pick the (database, table, …) identity index over the invoice_id one: a scan of every
    // record of the table per request instead of an index lookup.
    timeline: (invoiceId) => toInvoiceTimeline(invoiceId, services.readModel.timeline(invoiceId)),
    health,
    faults,
    counter,
    logger,
  });
  app.route('/', dashboardRoutes({ store: services.store, health, cell }));
  app.route('/', archiveCountRoute(services.emulators.archive));
  return app;
}

/** The plan's functions with their event source mappings polling. */
function startFunctions(context: StartContext, services: CellServices, stops: StopSequence): CellFunctions {
  const port = context.options.transport === 'http' ? undefined : services.emulators.sdkPort;
  // The pollers' SQS client (Lambda's, on AWS): skips the SDK; handlers keep theirs.
  const plumbing = new SqsJsonClient({
    endpoint: services.endpoints.sqs,
    region: context.cell.region,
    ...(port ? { requestHandler: port.handler('sqs') } : {}),
  });
  const functions = createCellFunctions({
    cell: context.cell,
    topology: context.topology,
    provisioned: services.resources,
    endpoints: services.endpoints,
    sqs: plumbing,
    ...(port ? { port } : {}),
    faults: context.faults,
    counter: context.counter,
    logger: context.logger,
    batching: context.options.batching ?? true,
    idempotency: context.options.idempotency ?? true,
    quiet: context.options.quiet ?? false,
  });
  const pollers = [...functions.mappings, ...functions.services.flatMap((service) => service.tasks)];
  for (const poller of pollers) poller.start();
  // The handlers' SDK clients close once no handler can run: the API has stopped, the pollers too.
  stops.push(() =>
    Promise.all(pollers.map((p) => p.stop())).then(() => {
      functions.destroy();
      plumbing.destroy();
    }),
  );
  return functions;
}

interface RunningParts {
  readonly context: StartContext;
  readonly services: CellServices;
  readonly functions: CellFunctions;
  readonly monitor: LocalMonitor;
  readonly health: () => Promise<HealthReport>;
  readonly app: ReturnType<typeof createApiApp>;
  readonly apiUrl: string;
  readonly apiKey: string;
  readonly gateway: CellGateway;
}

/** The handle a caller gets on a started cell. */
function runningCell(parts: RunningParts, stop: () => Promise<void>): RunningLocalCell {
  const { context, services, functions, monitor, app } = parts;
  const { emulators } = services;
  const countsByAction = async (): Promise<Record<string, number>> => {
    const emulated = await emulators.requestCounts();
    const all = {
      ...context.counter.byServiceAction(),
      ...emulated.snsSqs,
      ...prefixed('eventbridge', emulated.eventBridge),
      ...prefixed('timestream', emulated.timestream),
      ...prefixed('firehose', emulated.firehose),
      ...prefixed('dynamodb', emulated.dynamodb),
    };
    return Object.fromEntries(Object.entries(all).sort(([a], [b]) => a.localeCompare(b)));
  };
  return {
    apiUrl: parts.apiUrl,
    apiKey: parts.apiKey,
    dataDir: services.dataDir,
    cell: context.cell,
    topology: context.topology,
    resources: services.resources,
    endpoints: services.endpoints,
    gateway: parts.gateway,
    functions: describeFunctions(functions, monitor),
    services: functions.services,
    store: services.store,
    readModel: services.readModel,
    archive: emulators.archive,
    requestCounts: async () => totalsByService(Object.entries(await countsByAction())),
    requestCountsByAction: countsByAction,
    emulatorEventLoopUtilization: (since) => emulators.eventLoopUtilization(since),
    emulatorProfiler: { start: () => emulators.startCpuProfile(), stop: () => emulators.stopCpuProfile() },
    health: parts.health,
    monitor,
    faults: {
      setRules: (rules) => context.faults.setRules(rules),
      setTimestreamFault: (fault) => emulators.setTimestreamFault(fault),
      setFirehoseFault: (fault) => emulators.setFirehoseFault(fault),
      restartSnsSqs: (restart) => emulators.restartSnsSqs(restart),
    },
    fetch: async (request) => {
      // The routes read only the raw headers and the peer address of node's request object.
      return app.fetch(request, detachedBindings([...request.headers].flat(), '127.0.0.1'));
    },
    stop,
  };
}

function prefixed(service: string, counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([action, count]) => [`${service}:${action}`, count]));
}

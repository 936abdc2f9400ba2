import { MessageChannel, type Transferable, Worker } from 'node:worker_threads';
import { StartupError } from '../cell/errors.ts';
import { EmulatorPort } from '../cell/wire/PortRequestHandler.ts';
import type { ArchiveFilter, BusOptions, ReplayStatus, StartReplayRequest } from '../eventbridge/index.ts';
import type { FirehoseFault } from '../firehose/index.ts';
import type { QueueInspector, QueueSnapshot } from '../sns-sqs/index.ts';
import type { TimestreamFault } from '../timestream/index.ts';
import { WORKER_RESOURCE_LIMITS } from './heapSizing.ts';
import type {
  EmulatorCall,
  EmulatorRequestCounts,
  EmulatorWorkerData,
  EmulatorWorkerReady,
  EventBridgeStatus,
} from './protocol.ts';
import { WorkerChannel } from './WorkerChannel.ts';

/**
 * The EventBridge archive of the local cell, as operators and tests use it: the same operations
 * as `EventBridgeArchiveApi`, asynchronous because the emulator runs on the worker thread.
 */
export interface LocalArchive {
  /** Archived events, optionally filtered. */
  count(filter?: ArchiveFilter): Promise<number>;
  /** Starts a replay of [from, to); it runs in the background (STARTING → RUNNING → COMPLETED). */
  startReplay(request: StartReplayRequest): Promise<ReplayStatus>;
  describeReplay(name: string): Promise<ReplayStatus>;
  listReplays(): Promise<ReplayStatus[]>;
  /** Resolves once the replay is COMPLETED, FAILED or CANCELLED; rejects after `timeoutMs`. */
  waitForReplay(name: string, options?: { timeoutMs?: number }): Promise<ReplayStatus>;
}

export interface RunningEmulators {
  /** SNS and SQS endpoint (fauxqs), for every client. */
  readonly snsSqsEndpoint: string;
  readonly timestreamEndpoint: string;
  /** The Firehose emulator (a lakehouse cell's analytics stream). */
  readonly firehoseEndpoint: string;
  /** The DynamoDB emulator (the ingest API's idempotency store). */
  readonly dynamodbEndpoint: string;
  readonly queueInspector: QueueInspector;
  /**
   * The emulators without sockets, for the cell's own SDK clients (`sdkPort.handler(service)` as
   * their `requestHandler`): the same answers, counts and faults as their HTTP endpoints.
   */
  readonly sdkPort: EmulatorPort;
  /**
   * Starts the EventBridge emulator on the worker, delivering to the queues named in `buses`
   * (which must exist: provision first). Returns its endpoint.
   */
  startEventBridge(account: string, buses: readonly BusOptions[]): Promise<string>;
  readonly archive: LocalArchive;
  /** Outbox depth and delivery counters of the EventBridge emulator. */
  eventBridgeStatus(): Promise<EventBridgeStatus>;
  /** Stops fauxqs and starts it again on the same port and data after `downtimeMs` (fault injection). */
  restartSnsSqs(options?: { readonly downtimeMs?: number }): Promise<void>;
  setTimestreamFault(fault: TimestreamFault | null): Promise<void>;
  setFirehoseFault(fault: FirehoseFault | null): Promise<void>;
  /** Requests the emulators received: SNS/SQS per `service:Action`, the others per action. */
  requestCounts(): Promise<EmulatorRequestCounts>;
  /** Event-loop utilisation of the worker since `since` (as `performance.eventLoopUtilization`). */
  eventLoopUtilization(since?: EventLoopUtilization): EventLoopUtilization;
  /** Starts a V8 CPU profile of the emulator thread. */
  startCpuProfile(): Promise<void>;
  /** Stops it and returns the profile (`.cpuprofile` JSON). */
  stopCpuProfile(): Promise<unknown>;
  /** Why the worker stopped working, if it did; `undefined` while it is fine. */
  failure(): string | undefined;
  /** Stops both emulators (in-flight requests finish, databases close) and ends the thread. */
  stop(): Promise<void>;
}

export interface EventLoopUtilization {
  readonly idle: number;
  readonly active: number;
  readonly utilization: number;
}

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

/**
 * The worker runs TypeScript modules, which plain Node cannot load (they use syntax beyond type
 * stripping), so it first registers tsx's loader — the same one that runs the cell itself. An eval
 * worker with no inherited `execArgv` starts the same way under `tsx`, `vitest` or a plain import.
 * Then it starts the thread's heap trimmer (`heapTrimmer.ts`), for the life of the thread.
 */
const BOOTSTRAP = `
const { workerData } = await import('node:worker_threads');
const { register } = await import(workerData.tsxApi);
register();
const { retainHeapTrimmer } = await import(workerData.heapTrimmer);
retainHeapTrimmer();
await import(workerData.entry);
`;

/**
 * A worker thread running the TypeScript module `entry`, with `data` (and what the bootstrap needs) as
 * its `workerData`; `transferList` moves the ports `data` carries, `name` labels the thread (the
 * soak's memory breakdown reports heaps by thread name). Its young generation is bounded
 * (`heapSizing.ts`) and its emptied heap pages are given back (`heapTrimmer.ts`).
 */
export function startTsWorker(
  entry: URL,
  data: object,
  options: { readonly name: string; readonly transferList?: Transferable[] },
): Worker {
  return new Worker(BOOTSTRAP, {
    eval: true,
    name: options.name,
    execArgv: [],
    resourceLimits: WORKER_RESOURCE_LIMITS,
    workerData: {
      ...data,
      tsxApi: import.meta.resolve('tsx/esm/api'),
      heapTrimmer: new URL('./heapTrimmer.ts', import.meta.url).href,
      entry: entry.href,
    },
    transferList: options.transferList ?? [],
  });
}

/**
 * Starts the SNS/SQS emulator (fauxqs), the Timestream, Firehose and DynamoDB emulators on a worker thread, and the
 * EventBridge emulator there too once the queues exist (`startEventBridge`). Together with their
 * SQLite writes and the server side of every loopback call they were about 40% of the CPU of an
 * event on the local cell's one event loop; on a thread of their own they use the second core.
 * Nothing changes for clients: they are reached over HTTP as before, and the cell reads the
 * Timestream store through its own SQLite connection. The few in-process uses (queue snapshots,
 * the archive, faults, request counts) become messages to the worker.
 */
export async function startEmulatorWorker(
  data: EmulatorWorkerData,
  /** Told once if the worker stops working after start-up (an uncaught error, an unexpected exit). */
  onFailure: (reason: string) => void = () => undefined,
): Promise<RunningEmulators> {
  const sdk = new MessageChannel();
  const worker = startTsWorker(
    new URL('./emulatorWorker.ts', import.meta.url),
    { ...data, sdkPort: sdk.port2 },
    {
      name: 'emulators',
      transferList: [sdk.port2],
    },
  );
  const sdkPort = new EmulatorPort(sdk.port1, { gather: data.gatherPortMessages ?? false });
  const ready = await whenReady(worker).catch((error: unknown) => {
    sdk.port1.close();
    throw error;
  });
  const channel = new WorkerChannel(worker, (reason) => {
    sdkPort.fail(reason);
    onFailure(reason);
  });
  const call = <T>(request: EmulatorCall) => channel.call<T>(request);

  let stopping: Promise<void> | undefined;
  return {
    snsSqsEndpoint: ready.snsSqsEndpoint,
    timestreamEndpoint: ready.timestreamEndpoint,
    firehoseEndpoint: ready.firehoseEndpoint,
    dynamodbEndpoint: ready.dynamodbEndpoint,
    sdkPort,
    queueInspector: {
      inspect: async (queueName) =>
        (await call<QueueSnapshot | null>({ method: 'inspectQueue', queueName })) ?? undefined,
    },
    startEventBridge: (account, buses) => call<string>({ method: 'startEventBridge', account, buses }),
    archive: {
      count: (filter) => call({ method: 'archive', operation: 'count', args: filter ? [filter] : [] }),
      startReplay: (request) => call({ method: 'archive', operation: 'startReplay', args: [request] }),
      describeReplay: (name) => call({ method: 'archive', operation: 'describeReplay', args: [name] }),
      listReplays: () => call({ method: 'archive', operation: 'listReplays', args: [] }),
      waitForReplay: (name, options) =>
        call({ method: 'archive', operation: 'waitForReplay', args: options ? [name, options] : [name] }),
    },
    eventBridgeStatus: () => call<EventBridgeStatus>({ method: 'eventBridgeStatus' }),
    restartSnsSqs: async ({ downtimeMs = 0 } = {}) => {
      await call({ method: 'restartSnsSqs', downtimeMs });
    },
    setTimestreamFault: async (fault) => {
      await call({ method: 'setTimestreamFault', fault });
    },
    setFirehoseFault: async (fault) => {
      await call({ method: 'setFirehoseFault', fault });
    },
    requestCounts: () => call<EmulatorRequestCounts>({ method: 'requestCounts' }),
    eventLoopUtilization: (since) =>
      since ? worker.performance.eventLoopUtilization(since) : worker.performance.eventLoopUtilization(),
    startCpuProfile: async () => {
      await call({ method: 'startCpuProfile' });
    },
    stopCpuProfile: () => call({ method: 'stopCpuProfile' }),
    failure: () => channel.failure,
    stop: () => {
      stopping ??= (async () => {
        if (!channel.failure) {
          const timeout = new Promise<void>((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS).unref());
          await Promise.race([call({ method: 'stop' }).catch(() => undefined), timeout]);
        }
        channel.stopped();
        await worker.terminate();
        sdkPort.fail('it has stopped');
        sdk.port1.close();
      })();
      return stopping;
    },
  };
}

/** Waits for the worker's first message; a worker that fails to start is terminated and reported as one StartupError. */
async function whenReady(worker: Worker): Promise<Extract<EmulatorWorkerReady, { ready: true }>> {
  const ready = await new Promise<EmulatorWorkerReady>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new StartupError('emulator worker did not start within 60 s')),
      START_TIMEOUT_MS,
    );
    const settle = (action: () => void) => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      action();
    };
    const onMessage = (message: EmulatorWorkerReady) => settle(() => resolve(message));
    const onError = (error: Error) =>
      settle(() => reject(new StartupError(`emulator worker failed to start: ${error.message}`, { cause: error })));
    const onExit = (code: number) =>
      settle(() => reject(new StartupError(`emulator worker exited during start-up (code ${code})`)));
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  if (!ready.ready) {
    await worker.terminate();
    throw new StartupError(ready.error);
  }
  return ready;
}

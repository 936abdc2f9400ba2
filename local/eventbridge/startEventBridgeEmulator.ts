import { JsonProtocolRouter, startJsonEmulator } from '../awsEmulator/index.ts';
import type { SocketlessRequest, SocketlessResponse } from '../http/socketless.ts';
import { cancelReplay } from './actions/cancelReplay.ts';
import { describeArchive } from './actions/describeArchive.ts';
import { describeEventBus } from './actions/describeEventBus.ts';
import { describeReplay } from './actions/describeReplay.ts';
import { describeRule } from './actions/describeRule.ts';
import { listArchives } from './actions/listArchives.ts';
import { listEventBuses } from './actions/listEventBuses.ts';
import { listReplays } from './actions/listReplays.ts';
import { listRules } from './actions/listRules.ts';
import { listTargetsByRule } from './actions/listTargetsByRule.ts';
import { putEvents } from './actions/putEvents.ts';
import { startReplay } from './actions/startReplay.ts';
import { testEventPattern } from './actions/testEventPattern.ts';
import { createArchiveApi, type EventBridgeArchiveApi } from './createArchiveApi.ts';
import { EventBridgeStore } from './EventBridgeStore.ts';
import { EventBridgeListenError, InternalError } from './errors.ts';
import { type DeliveryStats, OutboxDeliverer } from './OutboxDeliverer.ts';
import { DEFAULT_DELIVERY_OPTIONS, type EmulatorLogger, type EventBridgeEmulatorOptions } from './options.ts';
import { ReplayRunner } from './ReplayRunner.ts';
import { resolveTopology } from './resolveTopology.ts';

export interface RunningEventBridgeEmulator {
  /** `http://host:port`, for the SDK's `endpoint` / `AWS_ENDPOINT_URL_EVENTBRIDGE`. */
  readonly endpoint: string;
  readonly archive: EventBridgeArchiveApi;
  /** Deliveries waiting in the outbox (new or retrying). */
  outboxDepth(): number;
  /** Requests received per action since start, e.g. `{ PutEvents: 120 }`. */
  requestCounts(): Record<string, number>;
  /** Answers one request without a socket, as the server would (the local cell's own clients). */
  dispatch(request: SocketlessRequest): SocketlessResponse;
  deliveryStats(): DeliveryStats;
  /** Stops accepting requests, lets the deliverer drain what is due, and closes the database. */
  stop(): Promise<void>;
}

const RETENTION_SWEEP_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

const stderrLogger: EmulatorLogger = {
  debug: () => {},
  info: () => {},
  warn: (message, attributes) => console.warn(`[eventbridge] ${message}`, attributes ?? ''),
  error: (message, attributes) => console.error(`[eventbridge] ${message}`, attributes ?? ''),
};

/**
 * Starts the EventBridge emulator: the configured buses, rules and archives behind the EventBridge
 * JSON protocol on `host:port`, with durable delivery to SQS targets and replayable archives.
 * Throws {@link EventBridgeEmulatorError} subclasses (configuration, data directory, port) as one
 * clear error; a failed start leaves nothing running and nothing overwritten.
 */
export async function startEventBridgeEmulator(
  options: EventBridgeEmulatorOptions,
): Promise<RunningEventBridgeEmulator> {
  const logger = neverThrowing(options.logger ?? stderrLogger);
  const delivery = { ...DEFAULT_DELIVERY_OPTIONS, ...options.delivery };
  const topology = resolveTopology(options);
  const store = EventBridgeStore.open(options.dataDir, topology, {
    ...(options.synchronous ? { synchronous: options.synchronous } : {}),
  });

  const purgeExpired = () => {
    for (const archive of topology.archives.values()) {
      if (archive.retentionDays === 0 || store.isClosed) continue;
      const purged = store.archive.purge(archive.name, Date.now() - archive.retentionDays * DAY_MS);
      if (purged) logger.info('EventBridge emulator: purged expired archive events', { archive: archive.name, purged });
    }
  };

  const router = new JsonProtocolRouter<EventBridgeStore>({
    service: 'EventBridge',
    internalError: InternalError,
    context: () => store,
    // The store closes only after the server; a request that raced past it is answered as transient.
    beforeAction: () => {
      if (store.isClosed) throw new InternalError('The emulator is shutting down.');
    },
    logger,
  })
    .register('PutEvents', putEvents)
    .register('DescribeEventBus', describeEventBus)
    .register('ListEventBuses', listEventBuses)
    .register('ListRules', listRules)
    .register('DescribeRule', describeRule)
    .register('ListTargetsByRule', listTargetsByRule)
    .register('TestEventPattern', testEventPattern)
    .register('ListArchives', listArchives)
    .register('DescribeArchive', describeArchive)
    .register('StartReplay', startReplay)
    .register('DescribeReplay', describeReplay)
    .register('ListReplays', listReplays)
    .register('CancelReplay', cancelReplay);

  // The deliverer and the replay runner start once the server listens, and stop before the store closes.
  const deliverer = new OutboxDeliverer(store, options.sendMessageBatch, delivery, logger);
  const replays = new ReplayRunner(store, delivery.replayHighWater, logger);
  const running = await startJsonEmulator({
    ...options,
    router,
    store,
    logger,
    listenError: EventBridgeListenError,
    // Requests in progress get a moment, then their sockets are cut.
    stopGraceMs: 1000,
    provision: purgeExpired,
    beforeStoreClose: async () => {
      clearInterval(retentionTimer);
      await replays.stop();
      await deliverer.stop();
    },
  });
  deliverer.start();
  replays.start();
  const retentionTimer = setInterval(purgeExpired, RETENTION_SWEEP_MS).unref();

  return {
    ...running,
    archive: createArchiveApi(store),
    outboxDepth: () => store.outbox.depth,
    deliveryStats: () => deliverer.stats(),
  };
}

/** A logger that fails must not take the delivery loop or a request down with it. */
function neverThrowing(logger: EmulatorLogger): EmulatorLogger {
  const guard =
    (level: keyof EmulatorLogger) =>
    (message: string, attributes?: Record<string, unknown>): void => {
      try {
        logger[level](message, attributes);
      } catch {
        // Logging is best effort; the state it reports is in the database either way.
      }
    };
  return { debug: guard('debug'), info: guard('info'), warn: guard('warn'), error: guard('error') };
}

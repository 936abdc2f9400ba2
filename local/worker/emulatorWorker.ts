/**
 * Entry point of the emulator worker thread (see `startEmulatorWorker.ts`): runs the SNS/SQS
 * emulator (fauxqs), the Timestream, Firehose and DynamoDB emulators and — once the queues exist — the EventBridge emulator
 * on this thread's event loop, and answers the local cell's requests about them. Everything else
 * reaches them over loopback HTTP, as before.
 */
import { Session } from 'node:inspector/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { createLocalLogger, describeError } from '../cell/LocalLogger.ts';
import { RequestCounter } from '../cell/metering/index.ts';
import { inThreadRequestHandler } from '../cell/wire/inThreadRequestHandler.ts';
import { SqsJsonClient } from '../cell/wire/SqsJsonClient.ts';
import { startDynamoDBEmulator } from '../dynamodb/index.ts';
import {
  type EventBridgeArchiveApi,
  type RunningEventBridgeEmulator,
  sqsMessageBatchSender,
  startEventBridgeEmulator,
} from '../eventbridge/index.ts';
import { startFirehoseEmulator } from '../firehose/index.ts';
import type { SocketlessDispatch } from '../http/socketless.ts';
import { snapshotQueue, startSnsSqs } from '../sns-sqs/index.ts';
import { startTimestreamEmulator } from '../timestream/index.ts';
import type { PortService } from './portProtocol.ts';
import type { EmulatorRequest, EmulatorResponse, EmulatorWorkerData, EmulatorWorkerReady } from './protocol.ts';
import { servePort } from './servePort.ts';

const port = parentPort;
if (!port) throw new Error('emulatorWorker.ts runs only as a worker thread');
const options = workerData as EmulatorWorkerData;

try {
  const counter = new RequestCounter();
  // Emulators started so far, stopped (newest first) if a later one fails to start.
  const started: { stop(): Promise<void> }[] = [];
  const start = async <T extends { stop(): Promise<void> }>(starting: Promise<T>): Promise<T> => {
    try {
      const emulator = await starting;
      started.push(emulator);
      return emulator;
    } catch (error) {
      for (const emulator of started.reverse()) await emulator.stop();
      throw error;
    }
  };
  const where = { dataDir: options.dataDir, region: options.region, accountId: options.accountId };
  const gateway = options.gatewayEndpoint;
  const snsSqs = await start(
    startSnsSqs({
      dataDir: options.dataDir,
      region: options.region,
      account: options.accountId,
      counter,
      ...(gateway ? { publicEndpoint: gateway } : {}),
    }),
  );
  const timestream = await start(
    startTimestreamEmulator({
      ...where,
      databases: options.databases,
      // What the emulator's own DescribeEndpoints answers. Clients outside the cell reach Timestream
      // through the gateway, which answers DescribeEndpoints itself in the form each SDK needs.
      ...(gateway ? { advertisedEndpoint: gateway } : {}),
    }),
  );
  // Both analytics stores run; only the cell's store has a table (or stream) to write to.
  const firehose = await start(startFirehoseEmulator({ ...where, streams: options.firehoseStreams ?? [] }));
  const dynamodb = await start(startDynamoDBEmulator({ ...where, tables: options.dynamoTables ?? [] }));

  let eventBridge: RunningEventBridgeEmulator | undefined;
  let deliveries: SqsJsonClient | undefined;
  const running = () => {
    if (!eventBridge) throw new Error('the EventBridge emulator has not been started');
    return eventBridge;
  };
  const logger = createLocalLogger({ quiet: options.quiet });

  // CPU profiles of this thread, for load-tests/profile.ts (the main thread's profiler cannot see it).
  let profiler: Session | undefined;
  const handle = async (request: EmulatorRequest): Promise<unknown> => {
    switch (request.method) {
      case 'inspectQueue':
        return snapshotQueue(snsSqs.fauxqs, request.queueName) ?? null;
      case 'restartSnsSqs':
        return snsSqs.restart({ downtimeMs: request.downtimeMs });
      case 'setTimestreamFault':
        return timestream.setFault(request.fault);
      case 'setFirehoseFault':
        return firehose.setFault(request.fault);
      case 'startEventBridge':
        if (eventBridge) throw new Error('the EventBridge emulator is already running');
        // Deliveries to the stage inboxes: a lean SQS client straight to fauxqs on this same
        // thread (no loopback socket), counted as fauxqs' HTTP requests are.
        deliveries = new SqsJsonClient({
          endpoint: snsSqs.endpoint,
          region: options.region,
          requestHandler: inThreadRequestHandler(snsSqs.dispatch, 'sqs'),
        });
        eventBridge = await startEventBridgeEmulator({
          dataDir: options.dataDir,
          region: options.region,
          account: request.account,
          buses: request.buses,
          sendMessageBatch: sqsMessageBatchSender(deliveries),
          logger: { ...logger, debug: () => undefined },
        });
        return eventBridge.endpoint;
      case 'archive': {
        const archive = running().archive;
        const operation = archive[request.operation] as (...args: unknown[]) => unknown;
        return operation.apply(archive, [...request.args]) as ReturnType<
          EventBridgeArchiveApi[typeof request.operation]
        >;
      }
      case 'eventBridgeStatus':
        return { outboxDepth: running().outboxDepth(), delivery: running().deliveryStats() };
      case 'requestCounts':
        return {
          snsSqs: counter.byServiceAction(),
          eventBridge: eventBridge?.requestCounts() ?? {},
          timestream: timestream.requestCounts(),
          firehose: firehose.requestCounts(),
          dynamodb: dynamodb.requestCounts(),
        };
      case 'startCpuProfile':
        profiler ??= new Session();
        profiler.connect();
        await profiler.post('Profiler.enable');
        await profiler.post('Profiler.start');
        return undefined;
      case 'stopCpuProfile': {
        if (!profiler) throw new Error('no CPU profile was started');
        const { profile } = await profiler.post('Profiler.stop');
        profiler.disconnect();
        profiler = undefined;
        return profile;
      }
      case 'stop':
        // EventBridge first (it delivers to SQS), then the analytics stores (nothing writes to
        // them once the pollers have stopped), SNS/SQS last.
        await eventBridge?.stop();
        deliveries?.destroy();
        await timestream.stop();
        await firehose.stop();
        await dynamodb.stop();
        await snsSqs.stop();
        return undefined;
    }
  };

  // The cell's own SDK clients, without sockets: each service's emulator answers as over HTTP.
  if (options.sdkPort) {
    const fauxqs = options.fauxqsDispatch ? snsSqs.dispatchVia(options.fauxqsDispatch) : snsSqs.dispatch;
    const routes: Record<PortService, () => SocketlessDispatch | undefined> = {
      sns: () => fauxqs,
      sqs: () => fauxqs,
      events: () => eventBridge?.dispatch,
      timestream: () => timestream.dispatch,
      firehose: () => firehose.dispatch,
      dynamodb: () => dynamodb.dispatch,
    };
    servePort(options.sdkPort, (service) => routes[service](), { gather: options.gatherPortMessages ?? false });
  }
  port.on('message', (request: EmulatorRequest) => {
    handle(request).then(
      (result) => port.postMessage({ id: request.id, ok: true, result } satisfies EmulatorResponse),
      (error: unknown) =>
        port.postMessage({ id: request.id, ok: false, error: describeError(error) } satisfies EmulatorResponse),
    );
  });
  port.postMessage({
    ready: true,
    snsSqsEndpoint: snsSqs.endpoint,
    timestreamEndpoint: timestream.endpoint,
    firehoseEndpoint: firehose.endpoint,
    dynamodbEndpoint: dynamodb.endpoint,
  } satisfies EmulatorWorkerReady);
} catch (error) {
  port.postMessage({ ready: false, error: describeError(error) } satisfies EmulatorWorkerReady);
}

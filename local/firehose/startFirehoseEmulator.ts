import type { EmulatorOptions, RunningJsonEmulator } from '../awsEmulator/index.ts';
import { JsonProtocolRouter, resolveEmulatorOptions, startJsonEmulator } from '../awsEmulator/index.ts';
import type { ActionContext } from './ActionContext.ts';
import { createDeliveryStream } from './actions/createDeliveryStream.ts';
import { describeDeliveryStream } from './actions/describeDeliveryStream.ts';
import { listDeliveryStreams } from './actions/listDeliveryStreams.ts';
import { putRecord } from './actions/putRecord.ts';
import { putRecordBatch } from './actions/putRecordBatch.ts';
import { FirehoseListenError, InternalFailureError } from './errors.ts';
import { FaultSwitch, type FirehoseFault } from './FaultSwitch.ts';
import { FirehoseStore } from './FirehoseStore.ts';
import { type FirehoseStreamConfig, provisionStreams } from './provisionStreams.ts';

/** The data plane: the operations a request-level injected fault fails. */
const DATA_PLANE = new Set(['PutRecord', 'PutRecordBatch']);

/** `dataDir` holds `firehose.sqlite`. */
export interface FirehoseEmulatorOptions extends EmulatorOptions {
  /** Streams to provision at start, idempotently (see {@link provisionStreams}). */
  readonly streams?: readonly FirehoseStreamConfig[];
}

export interface RunningFirehoseEmulator extends RunningJsonEmulator<FirehoseStore> {
  /** Injects a fault into later PutRecord/PutRecordBatch calls; `null` clears it. */
  setFault(fault: FirehoseFault | null): void;
}

/**
 * Starts the Firehose emulator: an HTTP server on loopback speaking the Firehose protocol (AWS
 * JSON 1.1) over a SQLite store in `dataDir`, delivering Direct PUT records into emulated Iceberg
 * tables. Point `@aws-sdk/client-firehose` at it with an explicit `endpoint`.
 */
export async function startFirehoseEmulator(options: FirehoseEmulatorOptions): Promise<RunningFirehoseEmulator> {
  const { region, accountId, logger, now, storeOptions } = resolveEmulatorOptions(options);
  const store = new FirehoseStore(storeOptions);
  const faults = new FaultSwitch();
  const router = new JsonProtocolRouter<ActionContext>({
    service: 'Firehose',
    internalError: InternalFailureError,
    context: (_request, nowMs) => ({ store, faults, nowMs, region, accountId }),
    beforeAction: (operation, nowMs) => {
      const fault = DATA_PLANE.has(operation) ? faults.requestError(nowMs) : undefined;
      if (fault) throw fault;
    },
    logger,
    now,
  })
    .register('CreateDeliveryStream', createDeliveryStream)
    .register('DescribeDeliveryStream', describeDeliveryStream)
    .register('ListDeliveryStreams', listDeliveryStreams)
    .register('PutRecord', putRecord)
    .register('PutRecordBatch', putRecordBatch);
  const running = await startJsonEmulator({
    ...options,
    router,
    store,
    logger,
    listenError: FirehoseListenError,
    provision: () => provisionStreams(options.streams ?? [], { store, faults, nowMs: now(), region, accountId }),
  });
  return { ...running, setFault: (fault) => faults.set(fault) };
}

import type { SQSClient } from '@aws-sdk/client-sqs';
import type { CellDefinition } from '../../cells/definition.ts';
import type { CellTopology } from '../../cells/topology.ts';
import { LocalReadModel } from '../../dashboards/readModel/index.ts';
import { FAILURE_RECORD } from '../../schemas/failureRecord.ts';
import { IDEMPOTENCY_RECORD } from '../../schemas/idempotencyRecord.ts';
import { busesForCell } from '../eventbridge/index.ts';
import {
  localSnsSqsClients,
  type ProvisionedTopology,
  provisionTopology,
  releaseOrphanedMessages,
} from '../sns-sqs/index.ts';
import { type RunningEmulators, startEmulatorWorker } from '../worker/index.ts';
import { analyticsProvisioning, type LocalAnalyticsStore, openAnalyticsStore } from './analyticsStore.ts';
import type { LocalLogger } from './LocalLogger.ts';
import { lockDataDir, prepareDataDir } from './prepareDataDir.ts';

/**
 * Stop order: the API stops accepting first, then everything else in reverse start order — pollers
 * finish their batches before the emulators they write to go away.
 */
export class StopSequence {
  private readonly steps: (() => Promise<void> | void)[] = [];

  constructor(private readonly first: () => Promise<void>) {}

  push(step: () => Promise<void> | void): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    await this.first();
    for (const step of this.steps.reverse()) await step();
  }
}

export interface ServicesOptions {
  readonly cell: CellDefinition;
  readonly topology: CellTopology;
  readonly dataDir: string;
  readonly quiet: boolean;
  readonly logger: LocalLogger;
  /** The cell's AWS gateway: queue URLs and Timestream's discovered endpoint name it. */
  readonly gatewayEndpoint?: string;
  /** `LocalCellOptions.gatherPortMessages`. */
  readonly gatherPortMessages?: boolean;
}

/** The data directory, the emulators, the provisioned queues and topics and the read model. */
export interface CellServices {
  readonly dataDir: string;
  readonly emulators: RunningEmulators;
  readonly sqs: SQSClient;
  /** The analytics store (Timestream's or the lakehouse's), read through the read model's view. */
  readonly store: LocalAnalyticsStore;
  readonly readModel: LocalReadModel;
  readonly resources: ProvisionedTopology;
  readonly endpoints: {
    readonly sqs: string;
    readonly sns: string;
    readonly eventbridge: string;
    readonly timestream: string;
    readonly firehose: string;
    readonly dynamodb: string;
  };
}

export async function startServices(
  { cell, topology, dataDir: requestedDataDir, quiet, logger, gatewayEndpoint, gatherPortMessages }: ServicesOptions,
  stops: StopSequence,
): Promise<CellServices> {
  const dataDir = prepareDataDir(requestedDataDir);
  const lock = lockDataDir(dataDir);
  stops.push(() => lock.release());
  const emulators = await startEmulatorWorker(
    {
      dataDir,
      region: cell.region,
      accountId: cell.account,
      ...analyticsProvisioning(cell, topology),
      dynamoTables: [
        {
          name: topology.idempotencyTable,
          partitionKey: { name: IDEMPOTENCY_RECORD.partitionKey, type: 'S' },
          ttlAttribute: IDEMPOTENCY_RECORD.ttlAttribute,
        },
        {
          name: topology.failureTable,
          partitionKey: { name: FAILURE_RECORD.partitionKey, type: 'S' },
          sortKey: { name: FAILURE_RECORD.sortKey, type: 'S' },
          ttlAttribute: FAILURE_RECORD.ttlAttribute,
        },
      ],
      quiet,
      ...(gatewayEndpoint ? { gatewayEndpoint } : {}),
      ...(gatherPortMessages ? { gatherPortMessages } : {}),
    },
    // The cell cannot work without its emulators: say so at once, and /health turns 503.
    (reason) => logger.error('the emulator thread (SNS/SQS, Timestream, Firehose, EventBridge) failed', { reason }),
  );
  stops.push(() => emulators.stop());
  const { sqs, sns } = localSnsSqsClients(emulators.snsSqsEndpoint, cell.region);
  stops.push(() => {
    sqs.destroy();
    sns.destroy();
  });
  // The cell's reads (timelines, dashboards, monitor) go through its own connection to the store.
  // It also installs the read model (views and indexes) over the emulator's records.
  const { store, source } = openAnalyticsStore(topology, dataDir);
  const primaryConsumers = Object.fromEntries(topology.stages.map((s) => [s.stage, s.consumers[0]!.consumer]));
  const readModel = new LocalReadModel(store, { primaryConsumers, source });
  stops.push(() => store.close());
  const resources = await provisionTopology(topology, {
    sqs,
    sns,
    endpoint: emulators.snsSqsEndpoint,
    account: cell.account,
  });
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
    firehose: emulators.firehoseEndpoint,
    dynamodb: emulators.dynamodbEndpoint,
  };
  return { dataDir, emulators, sqs, store, readModel, resources, endpoints } satisfies CellServices;
}

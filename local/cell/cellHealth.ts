import type { SQSClient } from '@aws-sdk/client-sqs';
import type { AnalyticsStore } from '../../schemas/analyticsRecord.ts';
import type { HealthReport } from '../../schemas/healthReport.ts';
import { describeQueues, type ProvisionedQueue, type QueueInspector } from '../sns-sqs/index.ts';
import type { EventBridgeStatus } from '../worker/index.ts';
import { describeError } from './LocalLogger.ts';
import type { EventSourceMapping } from './pollers/index.ts';

export interface CellHealthSources {
  readonly cellId: string;
  readonly startedAt: number;
  readonly state: () => 'starting' | 'running' | 'stopping' | 'stopped';
  readonly endpoints: {
    readonly sqs: string;
    readonly eventbridge: string;
    readonly timestream: string;
    readonly firehose: string;
  };
  /** The cell's analytics store: reported as the `timestream` or the `firehose` component. */
  readonly analyticsStore: AnalyticsStore;
  readonly queues: readonly ProvisionedQueue[];
  readonly sqs: SQSClient;
  readonly queueInspector: QueueInspector;
  /** Why the emulator thread (SNS/SQS, Timestream, Firehose) stopped working, if it did. */
  readonly emulatorFailure?: () => string | undefined;
  readonly eventBridgeStatus: () => Promise<EventBridgeStatus>;
  readonly mappings: readonly EventSourceMapping[];
}

/**
 * `GET /health`: each component's state, the event source mappings' counters, and every queue's
 * depth and oldest-message age (with its DLQ). Healthy = the cell runs, SQS answers and every
 * mapping polls; messages in a DLQ are reported (operators act on them) but do not make the cell
 * unhealthy, exactly as a DLQ alarm is not an outage.
 */
export async function cellHealth(sources: CellHealthSources): Promise<HealthReport> {
  const cellState = sources.state();
  let queues: Awaited<ReturnType<typeof describeQueues>> | undefined;
  let sqsError: string | undefined;
  try {
    queues = await describeQueues(sources.queues, sources.sqs, sources.queueInspector);
  } catch (error) {
    sqsError = describeError(error);
  }
  const eventBridge = await sources.eventBridgeStatus().catch(() => undefined);
  const emulatorError = sources.emulatorFailure?.();
  if (emulatorError) sqsError ??= emulatorError;
  const mappings = sources.mappings.map((mapping) => ({ function: mapping.functionName, ...mapping.describe() }));
  // A failed emulator thread is reported as an SNS/SQS error too (sqsError), so it counts here.
  const healthy = cellState === 'running' && sqsError === undefined && mappings.every((m) => m.state === 'running');
  const componentState = cellState === 'running' ? 'running' : cellState;
  return {
    healthy,
    body: {
      status: healthy ? 'ok' : 'degraded',
      cell: sources.cellId,
      uptimeSeconds: Math.floor((Date.now() - sources.startedAt) / 1000),
      components: {
        api: { state: componentState },
        snsSqs: {
          state: sqsError ? 'failing' : componentState,
          endpoint: sources.endpoints.sqs,
          ...(sqsError ? { error: sqsError } : {}),
        },
        eventBridge: {
          state: componentState,
          endpoint: sources.endpoints.eventbridge,
          outboxDepth: cellState === 'running' ? (eventBridge?.outboxDepth ?? null) : null,
          delivery: eventBridge?.delivery ?? null,
        },
        [sources.analyticsStore === 'lakehouse' ? 'firehose' : 'timestream']: {
          state: emulatorError ? 'failing' : componentState,
          endpoint: sources.analyticsStore === 'lakehouse' ? sources.endpoints.firehose : sources.endpoints.timestream,
          ...(emulatorError ? { error: emulatorError } : {}),
        },
        eventSourceMappings: mappings,
      },
      queues: queues ?? [],
    },
  };
}

import { detailTypeFor, EVENT_SOURCE } from '../schemas/envelope.ts';
import { STAGES, type Stage } from '../schemas/stages.ts';
import type { CellDefinition, Consumer, QueueSettings } from './definition.ts';

/**
 * The resources of one cell, derived from its definition: names, rule patterns and wiring.
 * Both the local cell (`local/`) and the CDK stack (`cells/`) are built from this, and a test
 * checks that what the CDK synthesizes equals it.
 */
export interface QueueSpec {
  readonly name: string;
  readonly fifo: boolean;
  readonly settings: QueueSettings;
  readonly dlqName: string;
}

export interface ConsumerSpec {
  readonly stage: Stage;
  readonly consumer: string;
  readonly queue: QueueSpec;
  readonly filterPolicy?: Consumer['filterPolicy'];
  /** A Lambda consume function, or a Fargate service running the same handler. */
  readonly kind: Consumer['kind'];
  /** The service of a `fargate` consumer. */
  readonly fargate?: Consumer['fargate'];
}

export interface StageSpec {
  readonly stage: Stage;
  readonly ruleName: string;
  /** EventBridge event pattern of the stage rule. */
  readonly eventPattern: { readonly source: readonly string[]; readonly 'detail-type': readonly string[] };
  readonly inbox: QueueSpec;
  readonly topicName: string;
  readonly consumers: readonly ConsumerSpec[];
  readonly slaSeconds: number;
}

export interface CellTopology {
  readonly cellId: string;
  readonly region: string;
  readonly account: string;
  readonly busName: string;
  readonly archiveName: string;
  /** DynamoDB table of the ingest API's idempotency records (one per eventId, kept for the window). */
  readonly idempotencyTable: string;
  /** DynamoDB table of failure records: why each failed event failed, per queue (`schemas/failureRecord.ts`). */
  readonly failureTable: string;
  readonly timestreamDatabase: string;
  readonly timestreamTable: string;
  /** The analytics store (the definition's `analytics.store`) and, for a lakehouse, its Firehose stream. */
  readonly analyticsStore: CellDefinition['analytics']['store'];
  readonly analyticsStream: string;
  /**
   * Oldest occurredAt the API accepts, in days: the table's magnetic retention minus a day of
   * margin for events that wait in a queue or DLQ. Timestream rejects a record older than the
   * retention for good, so accepting one would promise a record that can never be written.
   */
  readonly maxEventAgeDays: number;
  readonly stages: readonly StageSpec[];
}

/** Every resource name starts with this, so one cell's resources never collide with another's. */
export function resourcePrefix(cellId: string): string {
  return `bems-${cellId}`;
}

export function cellTopology(cell: CellDefinition): CellTopology {
  const prefix = resourcePrefix(cell.id);
  return {
    cellId: cell.id,
    region: cell.region,
    account: cell.account,
    busName: `${prefix}-bus`,
    archiveName: `${prefix}-archive`,
    idempotencyTable: `${prefix}-idempotency`,
    failureTable: `${prefix}-failures`,
    // Timestream names allow [a-zA-Z0-9_.-]; keep them stable so dashboards can find them.
    timestreamDatabase: `${prefix}`,
    timestreamTable: 'invoice_events',
    analyticsStore: cell.analytics.store,
    analyticsStream: `${prefix}-analytics`,
    maxEventAgeDays: Math.max(1, cell.timestream.magneticRetentionDays - 1),
    stages: STAGES.map((stage): StageSpec => {
      const settings = cell.stages[stage];
      return {
        stage,
        ruleName: `${prefix}-${stage}`,
        eventPattern: { source: [EVENT_SOURCE], 'detail-type': [detailTypeFor(stage)] },
        inbox: {
          name: `${prefix}-${stage}-inbox`,
          fifo: false,
          settings: settings.inbox,
          dlqName: `${prefix}-${stage}-inbox-dlq`,
        },
        // FIFO topic and queue names must end in ".fifo".
        topicName: `${prefix}-${stage}.fifo`,
        consumers: settings.consumers.map((consumer) => ({
          stage,
          consumer: consumer.name,
          queue: {
            name: `${prefix}-${stage}-${consumer.name}.fifo`,
            fifo: true,
            settings: consumer.queue,
            dlqName: `${prefix}-${stage}-${consumer.name}-dlq.fifo`,
          },
          ...(consumer.filterPolicy ? { filterPolicy: consumer.filterPolicy } : {}),
          kind: consumer.kind,
          ...(consumer.kind === 'fargate' ? { fargate: consumer.fargate } : {}),
        })),
        slaSeconds: settings.slaSeconds,
      };
    }),
  };
}

/** Every queue of a cell (inboxes and consumer queues), with its DLQ name. */
export function allQueues(topology: CellTopology): QueueSpec[] {
  return topology.stages.flatMap((stage) => [stage.inbox, ...stage.consumers.map((c) => c.queue)]);
}

import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueSpec } from '../topology.ts';
import { CELL_DATA_REMOVAL_POLICY } from './cellData.ts';
import { CELL_DEFAULTS } from './defaults.ts';

export interface QueueWithDlqProps {
  /** Names, FIFO-ness and settings from `cellTopology()`. */
  readonly spec: QueueSpec;
  /** The cell key; both queues are encrypted with it (SSE-KMS). */
  readonly encryptionKey: kms.IKey;
  /**
   * Spread SQS FIFO throughput over message groups (one group per invoice), so the month-end surge
   * is not capped by the per-queue FIFO limit. Ignored for standard queues.
   * @default true
   */
  readonly highThroughputFifo?: boolean;
  /**
   * How long the main queue keeps a message. The DLQ keeps messages for `spec.settings.dlqRetentionDays`.
   * @default CELL_DEFAULTS.queueRetention (14 days) for a FIFO queue; for a standard queue its DLQ's
   * retention less CELL_DEFAULTS.minDlqHold (see `standardQueueRetentionDays`)
   */
  readonly retentionPeriod?: Duration;
  /**
   * A DLQ holds events that could not be processed: losing it loses invoices. The main queue is
   * deleted with the stack (drain it first; the archive can replay what it held).
   * @default CELL_DATA_REMOVAL_POLICY (RetainExceptOnCreate)
   */
  readonly dlqRemovalPolicy?: RemovalPolicy;
}

/**
 * One queue of the cell and its dead-letter queue, as `cellTopology()` names them: encrypted with
 * the cell key, TLS-only, `maxReceiveCount` from the definition, and a DLQ that only this queue may
 * use (redrive allow policy), of the same kind (a FIFO queue needs a FIFO DLQ).
 */
export class QueueWithDlq extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly spec: QueueSpec;

  constructor(scope: Construct, id: string, props: QueueWithDlqProps) {
    super(scope, id);
    const { spec } = props;
    this.spec = spec;
    const highThroughput = spec.fifo && (props.highThroughputFifo ?? true);
    const encryption = {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
    } as const;

    // The source queue's ARN is spelled out rather than referenced: the queue refers to its DLQ,
    // so a reference back from the DLQ would be a circular dependency.
    const dlqRemovalPolicy = props.dlqRemovalPolicy ?? CELL_DATA_REMOVAL_POLICY;
    const sourceArn = Stack.of(this).formatArn({ service: 'sqs', resource: spec.name });
    this.deadLetterQueue = new sqs.Queue(this, 'Dlq', {
      queueName: spec.dlqName,
      fifo: spec.fifo || undefined,
      retentionPeriod: Duration.days(spec.settings.dlqRetentionDays),
      redriveAllowPolicy: {
        redrivePermission: sqs.RedrivePermission.BY_QUEUE,
        sourceQueues: [sqs.Queue.fromQueueArn(this, 'SourceQueue', sourceArn)],
      },
      removalPolicy: dlqRemovalPolicy,
      ...encryption,
    });
    // The TLS-only policy (enforceSSL) stays with a kept DLQ; the queue keeps it private.
    (this.deadLetterQueue.node.findChild('Policy') as sqs.QueuePolicy).applyRemovalPolicy(dlqRemovalPolicy);

    this.queue = new sqs.Queue(this, 'Queue', {
      queueName: spec.name,
      fifo: spec.fifo || undefined,
      visibilityTimeout: Duration.seconds(spec.settings.visibilityTimeoutSeconds),
      retentionPeriod:
        props.retentionPeriod ??
        (spec.fifo
          ? CELL_DEFAULTS.queueRetention
          : Duration.days(standardQueueRetentionDays(spec.settings.dlqRetentionDays))),
      // Long polling is what Lambda's pollers do anyway; it also keeps any other reader cheap.
      receiveMessageWaitTime: Duration.seconds(20),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: spec.settings.maxReceiveCount },
      ...(highThroughput
        ? {
            deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
            fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
          }
        : {}),
      ...encryption,
    });
  }
}

/**
 * SQS keeps a standard message's original enqueue time when it moves the message to a DLQ, and
 * the DLQ's retention counts from that time: with equal retentions, a message that spent 13 days
 * failing in its queue would expire a day after it reached the DLQ. So a standard queue keeps
 * messages `CELL_DEFAULTS.minDlqHold` less than its DLQ, and every message that reaches the DLQ
 * stays there at least that long. (A FIFO DLQ resets the enqueue time; its queues keep 14 days.)
 */
export function standardQueueRetentionDays(dlqRetentionDays: number): number {
  const days = dlqRetentionDays - CELL_DEFAULTS.minDlqHold.toDays();
  if (days < 1)
    throw new Error(
      `a standard queue's DLQ must keep messages at least ${CELL_DEFAULTS.minDlqHold.toDays() + 1} days (dlqRetentionDays ${dlqRetentionDays})`,
    );
  return days;
}

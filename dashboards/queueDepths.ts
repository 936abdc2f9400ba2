import { HealthQueuesSchema, type HealthReport } from '../schemas/healthReport.ts';

/**
 * One queue as the operations view shows it: messages waiting, in flight, and parked in its DLQ.
 * The local cell reports these from its SQS emulator (`GET /health`); on AWS the same numbers are
 * CloudWatch's `ApproximateNumberOfMessages*` metrics.
 */
export interface QueueDepth {
  /** Short name for the table, e.g. "posting inbox" or "posting → recorder". */
  readonly label: string;
  readonly queueName: string;
  readonly stage: string | null;
  /** Ready or delayed: not yet picked up. */
  readonly waiting: number;
  readonly inFlight: number;
  /** Messages in this queue's dead-letter queue (all states). */
  readonly dlq: number;
  /** Age of the oldest message in the queue, seconds; null when empty. */
  readonly oldestAgeSeconds: number | null;
}

/** Queue depths from the local cell's health report; throws (with the field path) if its shape changed. */
export function queueDepthsFromHealth(report: HealthReport): QueueDepth[] {
  const parsed = HealthQueuesSchema.safeParse(report.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TypeError(`health report: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data.queues.map((queue) => ({
    label: queue.role === 'inbox' ? `${queue.stage} inbox` : `${queue.stage} → ${queue.consumer ?? 'consumer'}`,
    queueName: queue.name,
    stage: queue.stage,
    waiting: queue.visible + queue.delayed,
    inFlight: queue.inFlight,
    dlq: queue.dlq.visible + queue.dlq.inFlight + queue.dlq.delayed,
    oldestAgeSeconds: queue.oldestMessageAgeSeconds,
  }));
}

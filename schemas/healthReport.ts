import * as z from 'zod';

/**
 * The local cell's `GET /health` answer: the contract between the cell that writes it
 * (local/cell/cellHealth.ts, local/sns-sqs/describeQueues.ts), the local API that serves it, and
 * its readers (the dashboards' operations view, the stuck-event monitor, the `bems` CLI, tests).
 */
export interface HealthReport {
  /** false → 503, so a load balancer or script can poll `GET /health`. */
  readonly healthy: boolean;
  /** JSON body; readers validate the part they use with {@link HealthQueuesSchema}. */
  readonly body: object;
}

/** One queue (or DLQ) in the health body. */
export interface QueueState {
  readonly name: string;
  /** ApproximateNumberOfMessages: ready to receive. */
  readonly visible: number;
  /** ApproximateNumberOfMessagesNotVisible: received, not yet deleted. */
  readonly inFlight: number;
  readonly delayed: number;
  /** Age of the oldest message in any state, like CloudWatch's ApproximateAgeOfOldestMessage; null when empty. */
  readonly oldestMessageAgeSeconds: number | null;
}

/** An inbox or consumer queue with its dead-letter queue, as listed under `queues`. */
export interface QueueHealth extends QueueState {
  readonly stage: string;
  readonly role: 'inbox' | 'consumer';
  readonly consumer?: string;
  readonly dlq: QueueState;
}

const QueueStateSchema = z.object({
  name: z.string(),
  visible: z.number(),
  inFlight: z.number(),
  // Tolerant of bodies without these two fields (the reader may be newer than the cell it asks).
  delayed: z.number().default(0),
  oldestMessageAgeSeconds: z.number().nullable().default(null),
});

const QueueHealthSchema = QueueStateSchema.extend({
  stage: z.string(),
  role: z.enum(['inbox', 'consumer']),
  consumer: z.string().optional(),
  dlq: QueueStateSchema,
});

/** The queue list of the health body (the rest of the body is each component's own business). */
export const HealthQueuesSchema = z.object({ queues: z.array(QueueHealthSchema) });

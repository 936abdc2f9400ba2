import * as z from 'zod';
import { STAGES } from './stages.ts';

/**
 * The contract between a cell (which builds it: `cells/monitorTopology.ts`, the local cell) and the
 * stuck-event monitor and the `bems` CLI (which read it).
 *
 * What the stuck-event monitor needs to know about its cell: every queue and DLQ per stage and
 * consumer, the stage SLA, and the receive budget after which a message lands in its DLQ.
 *
 * It travels in the monitor's `CELL_TOPOLOGY` environment variable. Lambda caps the whole
 * environment at 4 KB, so queue URLs are not spelled out: every SQS queue URL of a cell is
 * `queueUrlPrefix + queue name` (`https://sqs.<region>.amazonaws.com/<account>/` on AWS,
 * `http://127.0.0.1:<port>/<account>/` under fauxqs), and `queueUrl()` rebuilds it.
 *
 * @example
 * { "cellId": "euw1-a", "queueUrlPrefix": "https://sqs.eu-west-1.amazonaws.com/111111111111/",
 *   "stages": [ { "stage": "ingestion", "slaSeconds": 900,
 *     "inbox": { "name": "bems-euw1-a-ingestion-inbox", "dlqName": "bems-euw1-a-ingestion-inbox-dlq", "fifo": false, "maxReceiveCount": 5 },
 *     "consumers": [ { "consumer": "recorder", "queue": { "name": "bems-euw1-a-ingestion-recorder.fifo", … } } ] } ] }
 */
export const MonitoredQueueSchema = z.strictObject({
  name: z.string().min(1),
  dlqName: z.string().min(1),
  fifo: z.boolean(),
  maxReceiveCount: z.int().min(1),
});
export type MonitoredQueue = z.infer<typeof MonitoredQueueSchema>;

export const MonitorTopologySchema = z.strictObject({
  cellId: z.string().min(1),
  queueUrlPrefix: z.string().endsWith('/'),
  stages: z.array(
    z.strictObject({
      stage: z.enum(STAGES),
      slaSeconds: z.int().positive(),
      inbox: MonitoredQueueSchema,
      consumers: z.array(z.strictObject({ consumer: z.string().min(1), queue: MonitoredQueueSchema })).min(1),
    }),
  ),
});
export type MonitorTopology = z.infer<typeof MonitorTopologySchema>;

/** The URL of a queue (or DLQ) of the cell, by name. */
export function queueUrl(topology: Pick<MonitorTopology, 'queueUrlPrefix'>, queueName: string): string {
  return `${topology.queueUrlPrefix}${queueName}`;
}

/**
 * How the stuck-event monitor may redrive DLQs on its own: part of the cell definition (`redrive`)
 * and the monitor's `REDRIVE_POLICY` environment variable.
 *
 * @example
 * { "automatic": true, "ratePerSecond": 10, "budgetPerMessage": 3 }
 */
export const RedrivePolicySchema = z.strictObject({
  /** Let the stuck-event monitor redrive DLQs on its own. @default false */
  automatic: z.boolean().default(false),
  /** Messages per second the monitor may move back. @default 10 */
  ratePerSecond: z.number().positive().default(10),
  /** Automatic redrives per message before it is parked for a human. @default 3 */
  budgetPerMessage: z.int().min(1).max(20).default(3),
});
export type RedrivePolicy = z.output<typeof RedrivePolicySchema>;

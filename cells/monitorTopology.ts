import { z } from 'zod';
import { STAGES } from '../schemas/stages.ts';
import type { CellTopology } from './topology.ts';

/**
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

/** The monitor's view of a cell, from the same topology the CDK and the local cell are built from. */
export function monitorTopologyOf(topology: CellTopology, queueUrlPrefix: string): MonitorTopology {
  const monitored = (queue: CellTopology['stages'][number]['inbox']): MonitoredQueue => ({
    name: queue.name,
    dlqName: queue.dlqName,
    fifo: queue.fifo,
    maxReceiveCount: queue.settings.maxReceiveCount,
  });
  return {
    cellId: topology.cellId,
    queueUrlPrefix,
    stages: topology.stages.map((stage) => ({
      stage: stage.stage,
      slaSeconds: stage.slaSeconds,
      inbox: monitored(stage.inbox),
      consumers: stage.consumers.map((c) => ({ consumer: c.consumer, queue: monitored(c.queue) })),
    })),
  };
}

/** The URL of a queue (or DLQ) of the cell, by name. */
export function queueUrl(topology: Pick<MonitorTopology, 'queueUrlPrefix'>, queueName: string): string {
  return `${topology.queueUrlPrefix}${queueName}`;
}

import type { MonitoredQueue, MonitorTopology } from '../schemas/monitorTopology.ts';
import type { CellTopology } from './topology.ts';

// The schema is the monitor's contract and lives in schemas/; re-exported for the cell's own users.
export {
  type MonitoredQueue,
  type MonitorTopology,
  MonitorTopologySchema,
  queueUrl,
} from '../schemas/monitorTopology.ts';

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

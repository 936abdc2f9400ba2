import { SQSClient } from '@aws-sdk/client-sqs';
import { monitorTopologyOf } from '../../../cells/monitorTopology.ts';
import type { CellTopology } from '../../../cells/topology.ts';
import { type DlqRoute, dlqRoutes } from '../../../handlers/shared/dlq/DlqRoute.ts';
import type { RunningLocalCell } from '../../../local/cell/index.ts';
import { localClientConfig } from '../../../local/sns-sqs/awsClientDefaults.ts';
import { readArchivedEventIds } from './cellRecords.ts';

/** The part of `GET /health` the invariant checks read (see local/cell/cellHealth.ts). */
export interface CellHealthBody {
  readonly components: {
    readonly eventBridge: {
      readonly outboxDepth: number | null;
      readonly delivery?: { readonly deadLettered?: number };
    };
  };
  readonly queues: readonly {
    readonly name: string;
    readonly visible: number;
    readonly inFlight: number;
    readonly delayed: number;
    readonly dlq: {
      readonly name: string;
      readonly visible: number;
      readonly inFlight: number;
      readonly delayed: number;
    };
  }[];
}

/**
 * What a scenario needs to see of a running cell, whether it runs in this process or in a child
 * process that gets killed: its data directory (read-only access to the stores), its health (queue
 * depths, outbox), and an SQS client with the DLQ routes for redrive.
 */
export interface CellProbe {
  readonly dataDir: string;
  readonly topology: CellTopology;
  health(): Promise<CellHealthBody>;
  /** Every queue with its DLQ, as `bems redrive` and the monitor see them. */
  routes(): readonly DlqRoute[];
  sqs(): SQSClient;
  /**
   * Stops the cell and returns the eventIds in its EventBridge archive. The emulator holds its
   * database exclusively while it runs, so the archive can only be read once it has stopped.
   */
  stopAndReadArchive(): Promise<string[]>;
}

/** The queue URL prefix of a provisioned queue: `http://127.0.0.1:<port>/<account>/`. */
export function queueUrlPrefix(queueUrl: string, queueName: string): string {
  if (!queueUrl.endsWith(queueName)) throw new Error(`queue URL ${queueUrl} does not end with ${queueName}`);
  return queueUrl.slice(0, -queueName.length);
}

export function inProcessProbe(cell: RunningLocalCell): CellProbe & { close(): void } {
  const first = cell.resources.queues[0]!;
  const routes = dlqRoutes(monitorTopologyOf(cell.topology, queueUrlPrefix(first.url, first.name)));
  const sqs = new SQSClient(localClientConfig(cell.endpoints.sqs, cell.cell.region));
  return {
    dataDir: cell.dataDir,
    topology: cell.topology,
    health: async () => (await cell.health()).body as CellHealthBody,
    routes: () => routes,
    sqs: () => sqs,
    stopAndReadArchive: async () => {
      await cell.stop();
      return readArchivedEventIds(cell.dataDir);
    },
    close: () => sqs.destroy(),
  };
}

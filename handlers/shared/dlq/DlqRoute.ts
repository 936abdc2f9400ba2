import { type MonitorTopology, queueUrl } from '../../../schemas/monitorTopology.ts';
import type { Stage } from '../../../schemas/stages.ts';

/**
 * One dead-letter queue and the queue it serves: where a redrive takes messages from and puts
 * them back. The inbox of a stage is a standard queue (EventBridge event bodies); each consumer
 * queue is FIFO (event detail bodies, group = invoiceId).
 */
export interface DlqRoute {
  readonly stage: Stage;
  /** Consumer name; absent for the stage inbox. */
  readonly consumer?: string;
  readonly role: 'inbox' | 'consumer';
  readonly slaSeconds: number;
  readonly source: {
    readonly name: string;
    readonly url: string;
    readonly fifo: boolean;
    readonly maxReceiveCount: number;
  };
  readonly dlq: { readonly name: string; readonly url: string };
}

/** A short label for people: `posting/recorder` or `posting/inbox`. */
export function routeLabel(route: Pick<DlqRoute, 'stage' | 'consumer'>): string {
  return `${route.stage}/${route.consumer ?? 'inbox'}`;
}

/** Every queue of the cell with its DLQ, stage by stage (inbox first, then consumers in definition order). */
export function dlqRoutes(topology: MonitorTopology): DlqRoute[] {
  return topology.stages.flatMap((stage) => [
    {
      stage: stage.stage,
      role: 'inbox' as const,
      slaSeconds: stage.slaSeconds,
      source: {
        name: stage.inbox.name,
        url: queueUrl(topology, stage.inbox.name),
        fifo: stage.inbox.fifo,
        maxReceiveCount: stage.inbox.maxReceiveCount,
      },
      dlq: { name: stage.inbox.dlqName, url: queueUrl(topology, stage.inbox.dlqName) },
    },
    ...stage.consumers.map((c) => ({
      stage: stage.stage,
      consumer: c.consumer,
      role: 'consumer' as const,
      slaSeconds: stage.slaSeconds,
      source: {
        name: c.queue.name,
        url: queueUrl(topology, c.queue.name),
        fifo: c.queue.fifo,
        maxReceiveCount: c.queue.maxReceiveCount,
      },
      dlq: { name: c.queue.dlqName, url: queueUrl(topology, c.queue.dlqName) },
    })),
  ]);
}

export interface RouteSelector {
  readonly stage?: Stage;
  /** Only this consumer's queue. */
  readonly consumer?: string;
  /** Only the stage inbox. */
  readonly inbox?: boolean;
}

/**
 * The routes a selector names. No consumer and no `inbox` means every queue of the stage (or of the
 * cell without a stage): "recover everything stuck in posting" is one command.
 */
export function selectRoutes(routes: readonly DlqRoute[], selector: RouteSelector): DlqRoute[] {
  return routes.filter(
    (route) =>
      (selector.stage === undefined || route.stage === selector.stage) &&
      (selector.consumer === undefined || route.consumer === selector.consumer) &&
      (!selector.inbox || route.role === 'inbox'),
  );
}

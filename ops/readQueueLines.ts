import type { QueueStats } from '../handlers/monitor/index.ts';
import type { DlqRoute } from '../handlers/shared/dlq/index.ts';
import type { Stage } from '../schemas/stages.ts';
import type { CellTarget } from './target/index.ts';

/** One queue of the cell and its DLQ, as `bems status` and `bems dlq list` show them. */
export interface QueueLine {
  readonly stage: Stage;
  readonly consumer?: string;
  readonly queue: string;
  readonly dlq: string;
  readonly source: QueueStats | null;
  readonly dlqStats: QueueStats | null;
}

/** Depth and age of the selected routes' queues and DLQs (null where they could not be read). */
export async function readQueueLines(
  target: CellTarget,
  routes: readonly DlqRoute[],
  nowMs: number,
): Promise<{ lines: QueueLine[]; problems: readonly string[] }> {
  const refs = routes.flatMap((r) => [
    { name: r.source.name, url: r.source.url },
    { name: r.dlq.name, url: r.dlq.url },
  ]);
  const { stats, problems } = await target.queueStats.queueStats(refs, nowMs);
  return {
    lines: routes.map((route) => ({
      stage: route.stage,
      ...(route.consumer !== undefined ? { consumer: route.consumer } : {}),
      queue: route.source.name,
      dlq: route.dlq.name,
      source: stats.get(route.source.name) ?? null,
      dlqStats: stats.get(route.dlq.name) ?? null,
    })),
    problems,
  };
}

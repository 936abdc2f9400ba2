import type { QueueRef, QueueStats, QueueStatsResult, QueueStatsSource } from '../../../handlers/monitor/index.ts';
import { HealthQueuesSchema } from '../../../schemas/healthReport.ts';

/**
 * Queue statistics of the local cell, from its health report: depth from SQS GetQueueAttributes and
 * oldest-message age from fauxqs (the stand-in for CloudWatch's ApproximateAgeOfOldestMessage).
 * In-process the monitor passes `cell.health()`; the CLI fetches `GET /health`.
 */
export class HealthQueueStats implements QueueStatsSource {
  constructor(private readonly readHealth: () => Promise<unknown>) {}

  async queueStats(queues: readonly QueueRef[]): Promise<QueueStatsResult> {
    const parsed = HealthQueuesSchema.safeParse(await this.readHealth());
    if (!parsed.success) {
      return {
        stats: new Map(),
        problems: [`the local cell's health report has no queue list (${parsed.error.issues[0]?.message})`],
      };
    }
    const all = new Map<string, QueueStats>();
    for (const queue of parsed.data.queues) {
      for (const state of [queue, queue.dlq]) {
        all.set(state.name, {
          name: state.name,
          visible: state.visible,
          inFlight: state.inFlight,
          oldestAgeSeconds: state.oldestMessageAgeSeconds,
        });
      }
    }
    const stats = new Map<string, QueueStats>();
    const problems: string[] = [];
    for (const queue of queues) {
      const state = all.get(queue.name);
      if (state) stats.set(queue.name, state);
      else problems.push(`the local cell reports no queue ${queue.name}`);
    }
    return { stats, problems };
  }
}

/** Depth and age of one queue, as the monitor and `bems status` read it. */
export interface QueueStats {
  readonly name: string;
  /** Ready to be received (ApproximateNumberOfMessages). */
  readonly visible: number;
  /** Received and not yet deleted (ApproximateNumberOfMessagesNotVisible). */
  readonly inFlight: number;
  /** Age of the oldest message in seconds (CloudWatch ApproximateAgeOfOldestMessage); null when empty or unknown. */
  readonly oldestAgeSeconds: number | null;
}

/** Messages a queue holds in any state. */
export function totalMessages(stats: Pick<QueueStats, 'visible' | 'inFlight'>): number {
  return stats.visible + stats.inFlight;
}

export interface QueueRef {
  readonly name: string;
  readonly url: string;
}

/**
 * Where queue statistics come from. On AWS depth is SQS GetQueueAttributes and age is the
 * CloudWatch metric (SQS has no API for the oldest message); the local cell reads both from its
 * health report. A queue missing from the answer could not be read.
 */
export interface QueueStatsSource {
  queueStats(queues: readonly QueueRef[], nowMs: number): Promise<QueueStatsResult>;
}

export interface QueueStatsResult {
  readonly stats: ReadonlyMap<string, QueueStats>;
  /** What could not be read, for the monitor's report (e.g. the age metric was unavailable). */
  readonly problems: readonly string[];
}

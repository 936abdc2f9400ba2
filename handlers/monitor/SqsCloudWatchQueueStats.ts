import { type CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { queueDepth } from '../shared/dlq/sqsCalls.ts';
import { describeError } from '../shared/errors.ts';
import type { QueueRef, QueueStats, QueueStatsResult, QueueStatsSource } from './QueueStatsSource.ts';

/** GetMetricData takes at most 500 queries per call. */
const METRIC_QUERIES_PER_CALL = 500;
/** SQS publishes its metrics once a minute, a few minutes late; look back far enough to find the last one. */
const LOOKBACK_MS = 10 * 60_000;

/**
 * Queue statistics on AWS: depth from SQS GetQueueAttributes (current), oldest-message age from
 * CloudWatch `AWS/SQS ApproximateAgeOfOldestMessage` (Maximum over the last minute published).
 * A queue with messages but no recent age datapoint reports `null` age rather than a guess.
 */
export class SqsCloudWatchQueueStats implements QueueStatsSource {
  constructor(
    private readonly sqs: SQSClient,
    private readonly cloudwatch: CloudWatchClient,
  ) {}

  async queueStats(queues: readonly QueueRef[], nowMs: number): Promise<QueueStatsResult> {
    const problems: string[] = [];
    const [depths, ages] = await Promise.all([
      Promise.allSettled(queues.map((queue) => queueDepth(this.sqs, queue.url))),
      this.oldestAges(queues, nowMs).catch((error: unknown) => {
        problems.push(`CloudWatch GetMetricData (queue ages) failed: ${describeError(error)}`);
        return new Map<string, number>();
      }),
    ]);
    const stats = new Map<string, QueueStats>();
    queues.forEach((queue, index) => {
      const depth = depths[index]!;
      if (depth.status === 'rejected') {
        problems.push(`SQS GetQueueAttributes ${queue.name} failed: ${describeError(depth.reason)}`);
        return;
      }
      const { visible, inFlight } = depth.value;
      const age = ages.get(queue.name);
      stats.set(queue.name, {
        name: queue.name,
        visible,
        inFlight,
        oldestAgeSeconds: visible + inFlight === 0 ? null : (age ?? null),
      });
    });
    return { stats, problems };
  }

  private async oldestAges(queues: readonly QueueRef[], nowMs: number): Promise<Map<string, number>> {
    const ages = new Map<string, number>();
    for (let start = 0; start < queues.length; start += METRIC_QUERIES_PER_CALL) {
      const chunk = queues.slice(start, start + METRIC_QUERIES_PER_CALL);
      const queries: MetricDataQuery[] = chunk.map((queue, index) => ({
        // Ids must start with a lower-case letter.
        Id: `q${index}`,
        MetricStat: {
          Metric: {
            Namespace: 'AWS/SQS',
            MetricName: 'ApproximateAgeOfOldestMessage',
            Dimensions: [{ Name: 'QueueName', Value: queue.name }],
          },
          Period: 60,
          Stat: 'Maximum',
        },
        ReturnData: true,
      }));
      let nextToken: string | undefined;
      do {
        const page = await this.cloudwatch.send(
          new GetMetricDataCommand({
            MetricDataQueries: queries,
            StartTime: new Date(nowMs - LOOKBACK_MS),
            EndTime: new Date(nowMs),
            ScanBy: 'TimestampDescending',
            NextToken: nextToken,
          }),
        );
        for (const result of page.MetricDataResults ?? []) {
          const index = Number(result.Id?.slice(1));
          const queue = chunk[index];
          const latest = result.Values?.[0];
          if (queue && latest !== undefined && !ages.has(queue.name)) ages.set(queue.name, Math.round(latest));
        }
        nextToken = page.NextToken;
      } while (nextToken);
    }
    return ages;
  }
}

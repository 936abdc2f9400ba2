import { type CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { QueryCommand, type TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import { describeError } from '../../handlers/shared/errors.ts';
import type { Count, ReplayCounter, ReplayWindow } from './ReplayCounter.ts';

const DAY_MS = 86_400_000;

/**
 * CloudWatch keeps 1-minute data points for 15 days, 5-minute ones for 63 days and hourly ones for
 * 455 days: the finest period that still exists for the window's start.
 */
export function metricPeriodSeconds(fromMs: number, nowMs: number): number | null {
  const age = nowMs - fromMs;
  if (age <= 15 * DAY_MS) return 60;
  if (age <= 63 * DAY_MS) return 300;
  if (age <= 455 * DAY_MS) return 3600;
  return null;
}

/**
 * An AWS cell's counts: the sum of each stage rule's `MatchedEvents` over the window (an archive
 * cannot be listed), and the distinct eventIds in the Timestream table (lakehouse cells: not counted).
 */
export function awsReplayCounter(options: {
  readonly cloudWatch: CloudWatchClient;
  readonly busName: string;
  readonly ruleName: (stage: string) => string;
  /** A timestream cell's table; absent for a lakehouse cell. */
  readonly timestream?: { readonly client: TimestreamQueryClient; readonly database: string; readonly table: string };
  readonly primaryConsumers: Readonly<Record<string, string>>;
  readonly now?: () => number;
}): ReplayCounter {
  return {
    async archived(window: ReplayWindow): Promise<Count> {
      const period = metricPeriodSeconds(window.fromMs, (options.now ?? Date.now)());
      if (period === null) return { count: null, method: 'older than CloudWatch keeps MatchedEvents (455 days)' };
      try {
        const result = await options.cloudWatch.send(
          new GetMetricDataCommand({
            // Whole periods: the window is widened to them, which the method says.
            StartTime: new Date(Math.floor(window.fromMs / (period * 1000)) * period * 1000),
            EndTime: new Date(Math.ceil(window.toMs / (period * 1000)) * period * 1000),
            MetricDataQueries: window.stages.map((stage, i) => ({
              Id: `m${i}`,
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/Events',
                  MetricName: 'MatchedEvents',
                  Dimensions: [
                    { Name: 'EventBusName', Value: options.busName },
                    { Name: 'RuleName', Value: options.ruleName(stage) },
                  ],
                },
                Period: period,
                Stat: 'Sum',
              },
            })),
          }),
        );
        const count = (result.MetricDataResults ?? []).reduce(
          (sum, r) => sum + (r.Values ?? []).reduce((a, b) => a + b, 0),
          0,
        );
        return { count, method: `sum of the stage rules' MatchedEvents (CloudWatch, ${period} s periods)` };
      } catch (error) {
        return { count: null, method: `MatchedEvents unavailable: ${describeError(error)}` };
      }
    },
    async recordedOf(stage: string, eventIds: readonly string[]): Promise<Count> {
      const ts = options.timestream;
      if (!ts) return { count: null, method: 'not counted for a lakehouse cell (no Athena query wired)' };
      let count = 0;
      // eventIds are UUIDs the API validated; anything else would not be one of ours.
      const ids = eventIds.filter((id) => /^[0-9a-fA-F-]{36}$/.test(id));
      for (let i = 0; i < ids.length; i += 100) {
        const list = ids
          .slice(i, i + 100)
          .map((id) => `'${id}'`)
          .join(', ');
        const sql =
          `SELECT count(DISTINCT event_id) AS n FROM "${ts.database}"."${ts.table}" ` +
          `WHERE stage = '${stage}' AND consumer = '${options.primaryConsumers[stage] ?? ''}' AND event_id IN (${list})`;
        try {
          const result = await ts.client.send(new QueryCommand({ QueryString: sql }));
          count += Number(result.Rows?.[0]?.Data?.[0]?.ScalarValue ?? 0);
        } catch (error) {
          return { count: null, method: `Timestream query failed: ${describeError(error)}` };
        }
      }
      return { count, method: 'the Timestream table' };
    },
    async recorded(window: ReplayWindow): Promise<Count> {
      const ts = options.timestream;
      if (!ts) return { count: null, method: 'not counted for a lakehouse cell (no Athena query wired)' };
      const pairs = window.stages
        .map((s) => `(stage = '${s}' AND consumer = '${options.primaryConsumers[s] ?? ''}')`)
        .join(' OR ');
      const sql =
        `SELECT count(DISTINCT event_id) AS n FROM "${ts.database}"."${ts.table}" ` +
        `WHERE received_at >= from_milliseconds(${window.fromMs}) AND received_at < from_milliseconds(${window.toMs}) AND (${pairs})`;
      try {
        const result = await ts.client.send(new QueryCommand({ QueryString: sql }));
        const value = result.Rows?.[0]?.Data?.[0]?.ScalarValue;
        return { count: value === undefined ? 0 : Number(value), method: 'the Timestream table' };
      } catch (error) {
        return { count: null, method: `Timestream query failed: ${describeError(error)}` };
      }
    },
  };
}

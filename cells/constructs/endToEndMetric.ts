import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { END_TO_END_VISIBILITY, METRICS_NAMESPACE, metricServiceName } from '../../schemas/metrics.ts';
import { STAGES, type Stage } from '../../schemas/stages.ts';
import type { FunctionPlan } from '../functionPlan.ts';

/** One line of the end-to-end figure: a stage's records of one consumer. */
export interface EndToEndSeries {
  readonly stage: Stage;
  readonly consumer: string;
}

/** Where a metric lives when it is not in the stack's own account and Region (the global view). */
export interface MetricLocation {
  readonly account: string;
  readonly region: string;
}

/** Every stage and consumer a consume function of the plan records for, in stage order. */
export function endToEndSeries(plans: readonly FunctionPlan[]): EndToEndSeries[] {
  return plans
    .filter((plan) => plan.handler === 'consume')
    .flatMap((plan) => plan.eventSources.map((source) => ({ stage: source.stage, consumer: source.consumer! })))
    .sort((a, b) => STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage));
}

/**
 * One percentile of END_TO_END_VISIBILITY for one stage and consumer of a cell, per minute. A
 * percentile cannot be summed over dimensions as Metrics Insights sums counts, so the metric names
 * every dimension the consumer publishes it with (`service`, `cell`, `stage`, `consumer`).
 */
export function endToEndMetric(
  cellId: string,
  series: EndToEndSeries,
  percentile: number,
  location?: MetricLocation,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: END_TO_END_VISIBILITY.metric.name,
    dimensionsMap: {
      service: metricServiceName(END_TO_END_VISIBILITY.metric.source),
      cell: cellId,
      stage: series.stage,
      consumer: series.consumer,
    },
    statistic: cloudwatch.Stats.p(percentile),
    period: Duration.minutes(1),
    label: `${series.stage}/${series.consumer} p${percentile}`,
    ...(location ? { account: location.account, region: location.region } : {}),
  });
}

/** The percentile the alarms watch: the last of END_TO_END_VISIBILITY's. */
export const ALARMED_PERCENTILE = END_TO_END_VISIBILITY.percentiles.at(-1)!;

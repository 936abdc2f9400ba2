import { Duration } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { cellMetricQuery, type MetricDefinition } from '../../schemas/metrics.ts';
import type { CellFunction } from './CellFunction.ts';

/** What the cell's alarms and its operations dashboard both watch. */
export interface WatchedCellProps {
  readonly cellId: string;
  readonly prefix: string;
  readonly api: apigateway.RestApi;
  /** The functions whose errors (alarms) or invocations, errors and duration (dashboard) are watched. */
  readonly functions: readonly CellFunction[];
}

/**
 * One BEMS metric (`schemas/metrics.ts`) of one cell, per minute. A Metrics Insights query: the
 * handlers publish a `cell` dimension next to others (service, stage, consumer), and the query sums
 * over all of them for this cell, whatever they are.
 */
export function cellMetric(
  metric: MetricDefinition,
  cellId: string,
  label: string,
  statistic = 'SUM',
): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    label,
    expression: cellMetricQuery(metric, cellId, statistic),
    period: Duration.minutes(1),
    usingMetrics: {},
  });
}

import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { METRICS, METRICS_NAMESPACE, type MetricDefinition, metricServiceName } from '../../schemas/metrics.ts';
import {
  type EndToEndSeries,
  endToEndMetric,
  endToEndSeries,
  type MetricLocation,
} from '../constructs/endToEndMetric.ts';
import type { CellDefinition } from '../definition.ts';
import { functionPlan, planFunctions } from '../functionPlan.ts';
import { allQueues, cellTopology, resourcePrefix } from '../topology.ts';

const minute = Duration.minutes(1);

/**
 * The metrics of one cell as the global view reads them: from the cell's account and Region
 * (`account`/`region` on every metric: cross-account observability in the dashboard, `AccountId`
 * in the alarms), derived from the cell definition alone — its topology and function plan — so a
 * new cell in `cells.config.ts` brings its own.
 */
export class GlobalCellMetrics {
  readonly location: MetricLocation;
  /** Stage and consumer of every consume event source. */
  readonly series: readonly EndToEndSeries[];
  readonly apiName: string;

  constructor(readonly cell: CellDefinition) {
    this.location = { account: cell.account, region: cell.region };
    this.series = endToEndSeries(planFunctions(functionPlan(cell)));
    this.apiName = `${resourcePrefix(cell.id)}-api`;
  }

  /** Events the API put on the bus per second, over every stage. */
  acceptedPerSecond(): cloudwatch.MathExpression {
    // Ids unique per cell: the comparison graph holds one such expression per cell.
    const id = (i: number) => `accepted_${this.cell.id.replaceAll('-', '_')}_${i}`;
    const usingMetrics = Object.fromEntries(
      Object.keys(this.cell.stages).map((stage, i) => [id(i), this.bems(METRICS.eventsAccepted, { stage }, 'Sum')]),
    );
    return new cloudwatch.MathExpression({
      expression: `(${Object.keys(usingMetrics).join(' + ')}) / PERIOD(${id(0)})`,
      usingMetrics,
      label: `${this.cell.id} accepted/s`,
      period: minute,
      searchAccount: this.location.account,
      searchRegion: this.location.region,
    });
  }

  /** API Gateway 4XXError or 5XXError as a fraction of requests (its Average). */
  errorRate(code: '4XXError' | '5XXError'): cloudwatch.Metric {
    return this.aws(
      'AWS/ApiGateway',
      code,
      { ApiName: this.apiName },
      'Average',
      `${this.cell.id} ${code.slice(0, 3)}`,
    );
  }

  /** END_TO_END_VISIBILITY p99 of each stage and consumer. */
  endToEndP99(): cloudwatch.Metric[] {
    return this.series.map((s) =>
      endToEndMetric(this.cell.id, s, 99, this.location).with({
        label: `${this.cell.id} ${s.stage}/${s.consumer} p99`,
      }),
    );
  }

  /** ApproximateAgeOfOldestMessage (maximum) of every inbox and consumer queue. */
  oldestMessageAges(): cloudwatch.Metric[] {
    return allQueues(cellTopology(this.cell)).map((q) =>
      this.aws('AWS/SQS', 'ApproximateAgeOfOldestMessage', { QueueName: q.name }, 'Maximum', q.name),
    );
  }

  /** Messages visible in every DLQ (maximum). */
  dlqDepths(): cloudwatch.Metric[] {
    return allQueues(cellTopology(this.cell)).map((q) =>
      this.aws('AWS/SQS', 'ApproximateNumberOfMessagesVisible', { QueueName: q.dlqName }, 'Maximum', q.dlqName),
    );
  }

  /** Store write errors of one kind (`recordsRejected`: permanent; `recordsFailed`: every failed attempt), per stage and consumer. */
  storeErrors(metric: typeof METRICS.recordsRejected | typeof METRICS.recordsFailed): cloudwatch.Metric[] {
    return this.series.map((s) =>
      this.bems(metric, { stage: s.stage, consumer: s.consumer }, 'Sum').with({
        label: `${this.cell.id} ${s.stage}/${s.consumer} ${metric.name}`,
      }),
    );
  }

  /** A BEMS metric of this cell with every dimension it is published with. */
  private bems(metric: MetricDefinition, dimensions: Record<string, string>, statistic: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: metric.name,
      dimensionsMap: { service: metricServiceName(metric.source), cell: this.cell.id, ...dimensions },
      statistic,
      period: minute,
      account: this.location.account,
      region: this.location.region,
    });
  }

  private aws(
    namespace: string,
    metricName: string,
    dimensionsMap: Record<string, string>,
    statistic: string,
    label: string,
  ): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace,
      metricName,
      dimensionsMap,
      statistic,
      period: minute,
      label,
      account: this.location.account,
      region: this.location.region,
    });
  }
}

import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { type Detection, QUERY_FIELDS } from './detections.ts';
import { type InsightsQuery, renderInsightsQuery } from './filterPattern/insightsQuery.ts';
import { renderFilterPattern } from './filterPattern/render.ts';

/** Where the detection metrics go. */
export const DETECTION_NAMESPACE = 'BEMS/Governance';

export interface TrailDetectionsProps {
  readonly logGroup: logs.ILogGroup;
  readonly detections: readonly Detection[];
  /**
   * The topics a detection's alarm notifies: alarm actions must be in the alarm's Region, so these
   * are the alert topics of the cells in the trail's home Region.
   */
  readonly topicsFor: (detection: Detection) => readonly sns.ITopic[];
}

/**
 * Each detection as a metric filter on the trail's log group, an alarm on its metric (any match in
 * five minutes) to the critical topics, and a saved Logs Insights query under `bems/` that lists
 * the matching records with who, what and from where.
 */
export class TrailDetections extends Construct {
  public readonly alarms: ReadonlyMap<string, cloudwatch.Alarm>;
  public readonly filters: ReadonlyMap<string, logs.MetricFilter>;
  public readonly queries: ReadonlyMap<string, logs.CfnQueryDefinition>;

  constructor(scope: Construct, id: string, props: TrailDetectionsProps) {
    super(scope, id);
    const alarms = new Map<string, cloudwatch.Alarm>();
    const filters = new Map<string, logs.MetricFilter>();
    const queries = new Map<string, logs.CfnQueryDefinition>();
    for (const detection of props.detections) {
      const filter = new logs.MetricFilter(this, `Filter-${detection.id}`, {
        logGroup: props.logGroup,
        filterName: `bems-${detection.id}`,
        filterPattern: logs.FilterPattern.literal(renderFilterPattern(detection.condition)),
        metricNamespace: DETECTION_NAMESPACE,
        metricName: detection.id,
        metricValue: '1',
      });
      const alarm = new cloudwatch.Alarm(this, `Alarm-${detection.id}`, {
        alarmName: `bems-detection-${detection.id}`,
        alarmDescription: `${detection.title}. ${detection.catches} Runbook: docs/OPERATIONS.md, "Security detections"; saved query bems/${detection.id}.`,
        metric: filter.metric({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No matching record is the normal state, not missing data.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      const topics = props.topicsFor(detection);
      if (topics.length > 5) throw new Error(`${detection.id}: ${topics.length} alarm actions; CloudWatch allows 5`);
      for (const topic of topics) alarm.addAlarmAction(new actions.SnsAction(topic));
      // The L1 resource: the query is rendered from the detection's condition, not built from clauses.
      const query = new logs.CfnQueryDefinition(this, `Query-${detection.id}`, {
        name: `bems/${detection.id}`,
        queryString: renderInsightsQuery(detectionQuery(detection)),
        logGroupNames: [props.logGroup.logGroupName],
      });
      alarms.set(detection.id, alarm);
      filters.set(detection.id, filter);
      queries.set(detection.id, query);
    }
    this.alarms = alarms;
    this.filters = filters;
    this.queries = queries;
  }
}

/** The saved query of a detection, rendered from its condition (`insightsQuery.ts`). */
export function detectionQuery(detection: Detection): InsightsQuery {
  return { fields: QUERY_FIELDS, filter: detection.condition };
}

/**
 * The custom CloudWatch metrics of BEMS: what the handlers publish (Powertools EMF) and what the
 * cell's alarms and operations dashboard query. Renaming a metric here renames it on both sides;
 * `test/infra/metricsContract.test.ts` fails when an alarm or a dashboard widget refers to a metric
 * that no handler emits.
 *
 * Every point carries the `cell` and `service` dimensions next to the ones listed per metric, so
 * Metrics Insights queries filter on `cell` only and sum over the rest.
 *
 * @example
 * // One EMF document as the consumer prints it:
 * { "_aws": { "Timestamp": 1795860000000, "CloudWatchMetrics": [{ "Namespace": "BEMS",
 *     "Dimensions": [["service", "cell", "stage", "consumer"]], "Metrics": [{ "Name": "EventsRecorded", "Unit": "Count" }] }] },
 *   "service": "bems-consume", "cell": "euw1-a", "stage": "posting", "consumer": "recorder", "EventsRecorded": 3 }
 */

/** `POWERTOOLS_METRICS_NAMESPACE` of every function of a cell. */
export const METRICS_NAMESPACE = 'BEMS';

/** The CloudWatch units BEMS metrics use (the names are CloudWatch's). */
export const METRIC_UNITS = { count: 'Count', milliseconds: 'Milliseconds' } as const;
export type MetricUnit = (typeof METRIC_UNITS)[keyof typeof METRIC_UNITS];

/** Dimensions a metric may carry besides `cell` and `service`. */
export const METRIC_DIMENSIONS = { stage: 'stage', consumer: 'consumer', code: 'code' } as const;
export type MetricDimension = (typeof METRIC_DIMENSIONS)[keyof typeof METRIC_DIMENSIONS];

/** The handler that publishes a metric. */
export type MetricSource = 'ingest' | 'forward' | 'consume' | 'monitor';

export interface MetricDefinition {
  readonly name: string;
  readonly unit: MetricUnit;
  readonly dimensions: readonly MetricDimension[];
  readonly source: MetricSource;
}

const { count, milliseconds } = METRIC_UNITS;
const { stage, consumer, code } = METRIC_DIMENSIONS;

export const METRICS = {
  /** Ingest: events put on the bus. */
  eventsAccepted: { name: 'EventsAccepted', unit: count, dimensions: [stage], source: 'ingest' },
  /** Ingest: events the bus did not accept (the client is told to resend them). */
  eventsRejected: { name: 'EventsRejected', unit: count, dimensions: [stage], source: 'ingest' },
  /** Ingest: requests refused with a 4xx, by error code. */
  invalidRequests: { name: 'InvalidRequests', unit: count, dimensions: [code], source: 'ingest' },
  /** Forward: inbox messages that are not a bus event (they reach the inbox DLQ). */
  messagesMalformed: { name: 'MessagesMalformed', unit: count, dimensions: [], source: 'forward' },
  /** Forward: events published to the stage topic. */
  eventsForwarded: { name: 'EventsForwarded', unit: count, dimensions: [stage], source: 'forward' },
  /** Forward: events the stage topic did not take (the message is retried). */
  forwardFailures: { name: 'ForwardFailures', unit: count, dimensions: [stage], source: 'forward' },
  /** Consume: records written. */
  eventsRecorded: { name: 'EventsRecorded', unit: count, dimensions: [stage, consumer], source: 'consume' },
  /** Consume: re-deliveries absorbed by eventId idempotency (Timestream "already recorded"). */
  duplicateSuppressed: { name: 'DuplicateSuppressed', unit: count, dimensions: [stage, consumer], source: 'consume' },
  /** Consume: messages held back because an earlier event of the same invoice failed in the batch. */
  recordsDeferred: { name: 'RecordsDeferred', unit: count, dimensions: [stage, consumer], source: 'consume' },
  /**
   * Consume: records not written in this attempt, for any reason: rejected, malformed, or still
   * failing after the in-call retries (transient: the message comes back and usually succeeds).
   */
  recordsFailed: { name: 'RecordsFailed', unit: count, dimensions: [stage, consumer], source: 'consume' },
  /**
   * Consume: the permanent part of `recordsFailed` that came from the analytics store — records
   * Timestream rejected (invalid value, outside retention) or Firehose could never take (a row over
   * its 1,000 KiB record quota, a non-transient per-record error), and permanent errors of a whole
   * WriteRecords / PutRecordBatch call (validation, access denied, missing table or stream). These
   * messages reach the DLQ after maxReceiveCount.
   */
  recordsRejected: { name: 'RecordsRejected', unit: count, dimensions: [stage, consumer], source: 'consume' },
  /** Consume: from the API's receipt of an event to the store accepting its record, per record written (not replays). */
  endToEndLatency: { name: 'EndToEndLatency', unit: milliseconds, dimensions: [stage, consumer], source: 'consume' },
  /** Monitor: DLQ messages the automatic redrive moved back. */
  messagesRedriven: { name: 'MessagesRedriven', unit: count, dimensions: [stage], source: 'monitor' },
  /** Monitor: DLQ messages past their redrive budget, left for a person. */
  messagesParked: { name: 'MessagesParked', unit: count, dimensions: [stage], source: 'monitor' },
  /** Monitor: invoices past their stage SLA. */
  stuckInvoices: { name: 'StuckInvoices', unit: count, dimensions: [stage], source: 'monitor' },
  /** Monitor: alerts open after the run. */
  alertsOpen: { name: 'AlertsOpen', unit: count, dimensions: [], source: 'monitor' },
} as const satisfies Record<string, MetricDefinition>;

export type MetricKey = keyof typeof METRICS;
export type BemsMetric = (typeof METRICS)[MetricKey];

/** The dimension values a point of `metric` is published with (besides `cell` and `service`). */
export type DimensionsOf<M extends MetricDefinition> = { readonly [D in M['dimensions'][number]]: string };

/**
 * A CloudWatch Metrics Insights query over one BEMS metric of one cell, summed (or `statistic`)
 * over every other dimension: what the alarms and the operations dashboard graph.
 */
export function cellMetricQuery(metric: MetricDefinition, cellId: string, statistic = 'SUM'): string {
  return `SELECT ${statistic}(${metric.name}) FROM ${METRICS_NAMESPACE} WHERE cell = '${cellId}'`;
}

/**
 * `POWERTOOLS_SERVICE_NAME` of a handler's functions, and so the `service` dimension of its metrics: a
 * graph or alarm that names every dimension of a point (percentiles cannot be summed over dimensions
 * the way Metrics Insights sums counts) must name this one too.
 */
export function metricServiceName(source: MetricSource): string {
  return `bems-${source}`;
}

/**
 * End-to-end visibility, defined once for every dashboard that shows it: per stage (and consumer),
 * the time from the API accepting an event (`server.receivedAt`, stamped by ingest) to the analytics
 * store accepting its record, as percentiles against the cell's `visibilityTargetSeconds`.
 *
 * - CloudWatch (cell and global dashboards, the alarm): percentiles of {@link METRICS.endToEndLatency},
 *   which the consumer publishes once per record the store accepted in this attempt.
 * - The local dashboard: the same two instants as the read model keeps them, `written_at_ms`
 *   (when the store accepted the row) minus `received_at_ms`, per record of each stage's first consumer.
 *
 * Replayed events are left out of both: they were visible once already, and an archive replay of last
 * month would otherwise read as a month of latency.
 */
export const END_TO_END_VISIBILITY = {
  metric: METRICS.endToEndLatency,
  title: 'End-to-end visibility: API accepted → store accepted',
  /** The percentiles shown; the alarm watches the last. */
  percentiles: [50, 99],
  countsReplayed: false,
} as const;

/**
 * The outcomes a consumer reports for every record it is handed, exactly one each: their sum is the
 * records processed, and `recordsFailed` over that sum is a stage's error rate (the per-stage alarm).
 */
export const CONSUME_OUTCOME_METRICS = [
  METRICS.eventsRecorded,
  METRICS.duplicateSuppressed,
  METRICS.recordsDeferred,
  METRICS.recordsFailed,
] as const;

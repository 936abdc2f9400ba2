import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishBatchCommand, type PublishBatchRequestEntry, SNSClient } from '@aws-sdk/client-sns';
import { TimestreamWriteClient, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import type { Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCells } from '../../cells/cells.config.ts';
import { consumeConfigFromEnv, createConsumeHandler } from '../../handlers/consume.ts';
import { createForwardHandler, forwardConfigFromEnv } from '../../handlers/forward.ts';
import { createIngestHandler, ingestConfigFromEnv } from '../../handlers/ingest.ts';
import { METRICS, METRICS_NAMESPACE, type MetricSource } from '../../schemas/metrics.ts';
import { buildApiGatewayEvent } from '../helpers/apiGatewayEvents.ts';
import { captureEmf, type EmfDocument } from '../helpers/captureEmf.ts';
import { handlerTestEnv, instantRetryClock } from '../helpers/handlerTestEnv.ts';
import { buildInvoiceEvent } from '../helpers/invoiceEvents.ts';
import { buildBusEvent, buildEventDetail, buildSqsEvent, buildSqsRecord } from '../helpers/sqsEvents.ts';
import { type SynthesizedCells, synthCells } from './support/synthCells.ts';
import { joinedJson, resourcesOf } from './support/templateQueries.ts';

/**
 * The metrics contract (`schemas/metrics.ts`) ties the handlers to the cell's alarms and dashboard:
 * every metric an alarm or a dashboard widget refers to must be one the handlers really print in
 * their EMF output, under the contract's namespace, name, unit and dimensions. Renaming a metric on
 * one side only (a literal in a handler, a query in a construct) fails here.
 */

/** A metric as CloudWatch names it. */
type MetricRef = `${string}/${string}`;
/** A metric named with all its dimensions (a percentile cannot be summed over the ones left out). */
interface ExplicitRef {
  readonly metric: MetricRef;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly where: string;
}
const ref = (namespace: string, name: string): MetricRef => `${namespace}/${name}`;
const INSIGHTS_QUERY = /^SELECT\s+\w+\((\w+)\)\s+FROM\s+(\w+)\b/;
/** Arithmetic over query ids and FILL(): no metric of its own. */
const METRIC_MATH = /^(?:[a-z]\w*|FILL|\d+|[\s+\-*/(),])+$/;

/** Custom (non-AWS) metrics one alarm or dashboard expression refers to; an expression of another form fails. */
function metricsOfExpression(expression: string): MetricRef[] {
  const query = INSIGHTS_QUERY.exec(expression);
  if (query) return [ref(query[2]!, query[1]!)];
  // Metric math over the other queries of the alarm (`100 * FILL(failed, 0) / …`): they name the metrics.
  if (METRIC_MATH.test(expression)) return [];
  throw new Error(`cannot tell which metric this expression reads: ${expression}`);
}

/** Metrics of alarms and dashboard lines that name their dimensions, with those dimensions. */
function explicitRefs(template: Template): ExplicitRef[] {
  const refs: ExplicitRef[] = [];
  const dims = (list: { Name: string; Value: string }[] = []) => Object.fromEntries(list.map((d) => [d.Name, d.Value]));
  for (const [id, alarm] of resourcesOf(template, 'AWS::CloudWatch::Alarm')) {
    const p = alarm.Properties;
    if (p.MetricName)
      refs.push({ metric: ref(p.Namespace, p.MetricName), dimensions: dims(p.Dimensions), where: `alarm ${id}` });
    for (const query of p.Metrics ?? []) {
      const metric = query.MetricStat?.Metric;
      if (metric)
        refs.push({
          metric: ref(metric.Namespace, metric.MetricName),
          dimensions: dims(metric.Dimensions),
          where: `alarm ${id}`,
        });
    }
  }
  for (const [id, dashboard] of resourcesOf(template, 'AWS::CloudWatch::Dashboard')) {
    for (const widget of joinedJson(dashboard.Properties.DashboardBody).widgets) {
      for (const line of widget.properties?.metrics ?? []) {
        if (typeof line[0] !== 'string') continue;
        // [namespace, name, dim1, value1, …, {options}] (a "." repeats the previous line's entry).
        const pairs = line.slice(2).filter((x: unknown) => typeof x === 'string');
        const dimensions: Record<string, string> = {};
        for (let i = 0; i + 1 < pairs.length; i += 2) dimensions[pairs[i]] = pairs[i + 1];
        refs.push({
          metric: ref(line[0], line[1]),
          dimensions,
          where: `dashboard ${id}, widget "${widget.properties?.title}"`,
        });
      }
    }
  }
  return refs.filter((r) => !r.metric.startsWith('AWS/'));
}

function referencedByAlarms(template: Template): Map<MetricRef, string> {
  const refs = new Map<MetricRef, string>();
  for (const [id, alarm] of resourcesOf(template, 'AWS::CloudWatch::Alarm')) {
    const p = alarm.Properties;
    if (p.MetricName) refs.set(ref(p.Namespace, p.MetricName), `alarm ${id}`);
    for (const query of p.Metrics ?? []) {
      if (query.Expression) for (const m of metricsOfExpression(query.Expression)) refs.set(m, `alarm ${id}`);
      const metric = query.MetricStat?.Metric;
      if (metric) refs.set(ref(metric.Namespace, metric.MetricName), `alarm ${id}`);
    }
  }
  return refs;
}

function referencedByDashboards(template: Template): Map<MetricRef, string> {
  const refs = new Map<MetricRef, string>();
  for (const [id, dashboard] of resourcesOf(template, 'AWS::CloudWatch::Dashboard')) {
    for (const widget of joinedJson(dashboard.Properties.DashboardBody).widgets) {
      const where = `dashboard ${id}, widget "${widget.properties?.title}"`;
      for (const line of widget.properties?.metrics ?? []) {
        // A line is [namespace, name, dimension, value, …, {options}] or [{expression, …}].
        if (typeof line[0] === 'string') refs.set(ref(line[0], line[1]), where);
        else if (line[0]?.expression) for (const m of metricsOfExpression(line[0].expression)) refs.set(m, where);
      }
    }
  }
  return refs;
}

const custom = (refs: Map<MetricRef, string>) => [...refs].filter(([metric]) => !metric.startsWith('AWS/'));

/**
 * The EMF documents each handler prints, from invocations that between them take every path the
 * alarms and the dashboard watch: accepted and refused requests, a forwarded event, and records
 * written, deduplicated and rejected.
 */
async function emittedByHandlers(): Promise<Record<Exclude<MetricSource, 'monitor'>, EmfDocument[]>> {
  // Metrics on, as in Lambda: the EMF documents go to stdout, where the capture reads them.
  const env = (extra: Record<string, string>) => handlerTestEnv({ POWERTOOLS_METRICS_DISABLED: 'false', ...extra });
  const retryClock = instantRetryClock();

  const eventBridge = mockClient(EventBridgeClient);
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_, i) => ({ EventId: `bus-${i}` })),
  }));
  const ingest = createIngestHandler(ingestConfigFromEnv(env({ EVENT_BUS_NAME: 'bems-test-bus' })), { retryClock });
  const ingestDocs = await captureEmf(async () => {
    await ingest(buildApiGatewayEvent({ stage: 'posting', body: buildInvoiceEvent('posting', { status: 'posted' }) }));
    await ingest(buildApiGatewayEvent({ stage: 'posting', body: '{not json' }));
  });
  eventBridge.restore();

  const sns = mockClient(SNSClient);
  sns.on(PublishBatchCommand).callsFake((input: { PublishBatchRequestEntries: PublishBatchRequestEntry[] }) => ({
    Successful: input.PublishBatchRequestEntries.map((e) => ({ Id: e.Id, MessageId: `sns-${e.Id}` })),
  }));
  const topics = { posting: 'arn:aws:sns:eu-west-1:000000000000:bems-test-posting.fifo' };
  const forward = createForwardHandler(forwardConfigFromEnv(env({ STAGE_TOPIC_ARNS: JSON.stringify(topics) })), {
    retryClock,
  });
  const detail = () => buildEventDetail(buildInvoiceEvent('posting', { status: 'posted' }));
  const forwardDocs = await captureEmf(() =>
    forward(buildSqsEvent([buildSqsRecord({ body: buildBusEvent(detail()) })])),
  );
  sns.restore();

  const timestream = mockClient(TimestreamWriteClient);
  timestream.on(WriteRecordsCommand).rejects(
    Object.assign(new Error('One or more records have been rejected.'), {
      name: 'RejectedRecordsException',
      $fault: 'client',
      RejectedRecords: [
        { RecordIndex: 1, Reason: 'already exists', ExistingVersion: 1 },
        { RecordIndex: 2, Reason: "Measure 'amount' value 'NaN' is not a valid DOUBLE." },
      ],
    }),
  );
  const consume = createConsumeHandler(
    consumeConfigFromEnv(
      env({
        TIMESTREAM_DATABASE_NAME: 'bems-test',
        TIMESTREAM_TABLE_NAME: 'invoice_events',
        CONSUMER_NAME: 'recorder',
      }),
    ),
    { retryClock },
  );
  const fifo = (i: number) => buildSqsRecord({ body: detail(), messageGroupId: `INV-${i}` });
  // The fourth message follows the rejected one in its group: deferred (the error rate counts every outcome).
  const consumeDocs = await captureEmf(() => consume(buildSqsEvent([fifo(0), fifo(1), fifo(2), fifo(2)])));
  timestream.restore();

  return { ingest: ingestDocs, forward: forwardDocs, consume: consumeDocs };
}

/** Namespace/name → the units and dimension sets it was printed with, per handler. */
function printedMetrics(documents: readonly EmfDocument[]) {
  const printed = new Map<MetricRef, { units: Set<string>; dimensions: Set<string> }>();
  for (const document of documents) {
    for (const directive of document._aws.CloudWatchMetrics) {
      for (const metric of directive.Metrics) {
        const entry = printed.get(ref(directive.Namespace, metric.Name)) ?? { units: new Set(), dimensions: new Set() };
        entry.units.add(metric.Unit);
        for (const set of directive.Dimensions) entry.dimensions.add([...set].sort().join(','));
        printed.set(ref(directive.Namespace, metric.Name), entry);
      }
    }
  }
  return printed;
}

let synth: SynthesizedCells;
let template: Template;
let printed: Record<string, ReturnType<typeof printedMetrics>>;

beforeAll(async () => {
  const cell = awsCells()[0]!;
  synth = synthCells([cell]);
  template = synth.templates.get(cell.id)!;
  const documents = await emittedByHandlers();
  printed = Object.fromEntries(Object.entries(documents).map(([source, docs]) => [source, printedMetrics(docs)]));
});
afterAll(() => synth?.cleanUp());

describe('metrics contract', () => {
  it('has alarms and dashboard widgets on BEMS metrics to check', () => {
    expect(custom(referencedByAlarms(template)).length).toBeGreaterThan(0);
    expect(custom(referencedByDashboards(template)).length).toBeGreaterThan(0);
  });

  it('lets alarms and dashboard widgets refer only to metrics the handlers emit', () => {
    const contract = new Map(Object.values(METRICS).map((m) => [ref(METRICS_NAMESPACE, m.name), m]));
    for (const [metric, where] of [
      ...custom(referencedByAlarms(template)),
      ...custom(referencedByDashboards(template)),
    ]) {
      const definition = contract.get(metric);
      expect(definition, `${where} refers to ${metric}, which is not in schemas/metrics.ts`).toBeDefined();
      expect(
        printed[definition!.source]?.has(metric),
        `${where} refers to ${metric}, but the ${definition!.source} handler printed no such metric`,
      ).toBe(true);
    }
  });

  it('has the handlers print each metric with the unit and dimensions of the contract', () => {
    for (const definition of Object.values(METRICS)) {
      const seen = printed[definition.source]?.get(ref(METRICS_NAMESPACE, definition.name));
      if (!seen) continue; // not on a path these invocations take (the monitor's metrics)
      expect([...seen.units], definition.name).toEqual([definition.unit]);
      expect([...seen.dimensions], definition.name).toEqual([
        ['cell', 'service', ...definition.dimensions].sort().join(','),
      ]);
    }
  });

  it('names, where a graph or alarm lists dimensions, exactly the dimension set and service the handler prints', () => {
    // Prepare: the end-to-end latency is graphed and alarmed per stage and consumer by name.
    const refs = explicitRefs(template);
    const endToEnd = refs.filter((r) => r.metric === ref(METRICS_NAMESPACE, METRICS.endToEndLatency.name));
    expect(endToEnd.map((r) => r.where.split(',')[0])).toEqual(
      expect.arrayContaining([expect.stringMatching(/^alarm /), expect.stringMatching(/^dashboard /)]),
    );
    const services = new Map(
      [...resourcesOf(template, 'AWS::Lambda::Function')].map(([, fn]) => [
        fn.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME,
        fn.Properties.Environment?.Variables?.CONSUMER_NAME,
      ]),
    );

    for (const { metric, dimensions, where } of refs) {
      const definition = Object.values(METRICS).find((m) => ref(METRICS_NAMESPACE, m.name) === metric)!;
      const printedSets = [...(printed[definition.source]?.get(metric)?.dimensions ?? [])];
      // Assess: CloudWatch matches a metric only with its exact dimension set.
      expect(printedSets, `${where}: ${metric} with ${Object.keys(dimensions)}`).toEqual([
        Object.keys(dimensions).sort().join(','),
      ]);
      expect(services.has(dimensions.service), `${where}: no function publishes as ${dimensions.service}`).toBe(true);
      expect(dimensions.cell, where).toBe(awsCells()[0]!.id);
    }
  });

  it('configures every function to publish in the namespace the alarms and the dashboard query', () => {
    const functions = [...resourcesOf(template, 'AWS::Lambda::Function')].filter(
      ([, fn]) => fn.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME,
    );
    expect(functions.length).toBeGreaterThan(0);
    for (const [, fn] of functions) {
      expect(fn.Properties.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE).toBe(METRICS_NAMESPACE);
    }
  });
});

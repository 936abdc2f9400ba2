import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCells } from '../../cells/cells.config.ts';
import { ALARM_THRESHOLDS, SEVERITIES } from '../../cells/constructs/defaults.ts';
import type { CellDefinition } from '../../cells/definition.ts';
import { MonitorTopologySchema, monitorTopologyOf } from '../../cells/monitorTopology.ts';
import { allQueues, cellTopology } from '../../cells/topology.ts';
import { DLQ_SEVERITY_LADDER } from '../../schemas/alerts.ts';
import { CONSUME_OUTCOME_METRICS } from '../../schemas/metrics.ts';
import { STAGES } from '../../schemas/stages.ts';
import { isTimestreamCell, type SynthesizedCells, synthCells, variantCell } from './support/synthCells.ts';
import {
  byName,
  type CfnResource,
  joinedJson,
  logicalIdOf,
  nameOf,
  resourcesOf,
  statementsOfRole,
} from './support/templateQueries.ts';

/** Operating a cell: the stuck-event monitor's wiring, alert topics, alarms, dashboard, outputs, DNS. */
let synth: SynthesizedCells;
const cells: CellDefinition[] = [...awsCells(), variantCell()];
const template = (cellId: string): Template => synth.templates.get(cellId)!;

beforeAll(() => {
  synth = synthCells(cells);
});
afterAll(() => synth?.cleanUp());

/**
 * Evaluates the error-rate expression the way CloudWatch would for one minute: `FILL(id, 0)` is the
 * value or 0 when the metric has none, and the rest is arithmetic over those values.
 */
function evaluateRate(expression: string, values: Record<string, number | undefined>): number {
  const arithmetic = expression.replace(/FILL\((\w+), 0\)/g, (_, id: string) => String(values[id] ?? 0));
  if (!/^[\d\s+*/().]+$/.test(arithmetic)) throw new Error(`not plain arithmetic: ${arithmetic}`);
  return Function(`return (${arithmetic});`)() as number;
}

function alarmNamed(t: Template, name: string): CfnResource {
  return byName(t, 'AWS::CloudWatch::Alarm', 'AlarmName', name)[1];
}

describe.each(cells.map((cell) => [cell.id, cell] as const))('cell %s operations', (cellId, cell) => {
  const topology = cellTopology(cell);
  const queueCount = allQueues(topology).length;

  it('runs the monitor every minute, one run at a time, with the environment handlers/monitor.ts reads', () => {
    const t = template(cellId);
    const [monitorId, monitor] = byName(t, 'AWS::Lambda::Function', 'FunctionName', `bems-${cellId}-monitor`);
    expect(monitor.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      ReservedConcurrentExecutions: 1,
      Timeout: 55,
    });
    t.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 minute)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { 'Fn::GetAtt': [monitorId, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
      },
    });
    const env = monitor.Properties.Environment.Variables;
    expect(env).toMatchObject({
      CELL_ID: cellId,
      // The SLA query and write probe of a Timestream cell (a lakehouse cell's monitor has none: lakehouse.test.ts).
      ...(isTimestreamCell(cell)
        ? { TIMESTREAM_DATABASE_NAME: topology.timestreamDatabase, TIMESTREAM_TABLE_NAME: topology.timestreamTable }
        : {}),
      POWERTOOLS_SERVICE_NAME: 'bems-monitor',
    });
    expect(env.MONITOR_STATE_KEY).toBe('monitor/alert-state.json');
    expect(JSON.parse(env.REDRIVE_POLICY)).toEqual(cell.redrive);
    const monitorTopology = MonitorTopologySchema.parse(joinedJson(env.CELL_TOPOLOGY));
    expect(monitorTopology).toEqual(
      monitorTopologyOf(topology, `https://sqs.${cell.region}.<AWS::URLSuffix>/${cell.account}/`),
    );
    const alertArns = joinedJson(env.ALERT_TOPIC_ARNS);
    for (const severity of SEVERITIES) {
      expect(nameOf(t, { Ref: /^<(.+)>$/.exec(alertArns[severity])![1] }, 'TopicName')).toBe(
        `bems-${cellId}-alerts-${severity}`,
      );
    }
  });

  it('keeps the monitor alert state in one object of the parked bucket, which only the monitor writes', () => {
    const t = template(cellId);
    // No SSM parameter: the monitor's state is in the bucket whose S3 client it already has (ADR 0025).
    expect(
      t.findResources('AWS::SSM::Parameter', { Properties: { Name: `/bems/${cellId}/monitor/alert-state` } }),
    ).toEqual({});
    const [, monitor] = byName(t, 'AWS::Lambda::Function', 'FunctionName', `bems-${cellId}-monitor`);
    const bucket = monitor.Properties.Environment.Variables.MONITOR_STATE_BUCKET;
    const [bucketId] = Object.keys(
      t.findResources('AWS::S3::Bucket', { Properties: { VersioningConfiguration: {} } }),
    ).filter((id) => JSON.stringify(bucket) === JSON.stringify({ Ref: id }));
    expect(bucketId).toBeDefined();
    const state = statementsOfRole(t, logicalIdOf(monitor.Properties.Role)).find((s) =>
      JSON.stringify(s.Resource).includes('/monitor/alert-state.json'),
    )!;
    expect([state.Action].flat().sort()).toEqual(['s3:GetObject', 's3:PutObject']);
    // Its old versions do not pile up (written every minute).
    const rules = t.toJSON().Resources[bucketId!].Properties.LifecycleConfiguration.Rules;
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Prefix: 'monitor/alert-state.json',
          NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        }),
      ]),
    );
  });

  // Timestream only: a lakehouse cell has no Timestream resource (test/infra/lakehouse.test.ts asserts that).
  if (isTimestreamCell(cell))
    it('lets the monitor read queue ages from CloudWatch and write its Timestream probe record', () => {
      const t = template(cellId);
      const [, monitor] = byName(t, 'AWS::Lambda::Function', 'FunctionName', `bems-${cellId}-monitor`);
      const statements = statementsOfRole(t, logicalIdOf(monitor.Properties.Role));
      const unscoped = statements.filter((s) => s.Resource === '*').flatMap((s) => [s.Action].flat());
      expect(unscoped).toContain('cloudwatch:GetMetricData');
      const write = statements.find((s) => [s.Action].flat().includes('timestream:WriteRecords'))!;
      expect(JSON.stringify(write.Resource)).toContain(
        `database/${topology.timestreamDatabase}/table/${topology.timestreamTable}`,
      );
    });

  // Timestream only: a lakehouse cell has no Timestream resource (test/infra/lakehouse.test.ts asserts that).
  if (isTimestreamCell(cell))
    it('lets the monitor run its SLA query on its own table only, with endpoint discovery as the one unscoped Timestream action', () => {
      const t = template(cellId);
      const [, monitor] = byName(t, 'AWS::Lambda::Function', 'FunctionName', `bems-${cellId}-monitor`);
      const statements = statementsOfRole(t, logicalIdOf(monitor.Properties.Role));
      // The CDK merges statements on the same resource: Select shares the table statement with the probe's WriteRecords.
      const select = statements.filter((s) => [s.Action].flat().includes('timestream:Select'));
      expect(select).toHaveLength(1);
      expect([select[0]!.Action].flat().sort()).toEqual(['timestream:Select', 'timestream:WriteRecords']);
      expect([select[0]!.Resource].flat()).toHaveLength(1);
      expect(JSON.stringify(select[0]!.Resource)).toContain(
        `database/${topology.timestreamDatabase}/table/${topology.timestreamTable}`,
      );
      const unscopedTimestream = statements
        .filter((s) => s.Resource === '*')
        .flatMap((s) => [s.Action].flat())
        .filter((a: string) => a.startsWith('timestream:'));
      expect([...new Set(unscopedTimestream)]).toEqual(['timestream:DescribeEndpoints']);
    });

  it('lets the monitor read every queue and DLQ, and send to source queues only when automatic redrive is on', () => {
    const t = template(cellId);
    const [, monitor] = byName(t, 'AWS::Lambda::Function', 'FunctionName', `bems-${cellId}-monitor`);
    const statements = statementsOfRole(t, logicalIdOf(monitor.Properties.Role));
    const queueIdsWith = (action: string) =>
      new Set(
        statements
          .filter((s) => [s.Action].flat().includes(action))
          .flatMap((s) => [s.Resource].flat().map((r) => logicalIdOf(r))),
      );
    const queueIds = (names: string[]) => names.map((n) => byName(t, 'AWS::SQS::Queue', 'QueueName', n)[0]);
    const sources = queueIds(allQueues(topology).map((q) => q.name));
    const dlqs = queueIds(allQueues(topology).map((q) => q.dlqName));
    expect([...queueIdsWith('sqs:GetQueueAttributes')].sort()).toEqual([...sources, ...dlqs].sort());
    expect([...queueIdsWith('sqs:ReceiveMessage')].sort()).toEqual([...dlqs].sort());
    expect([...queueIdsWith('sqs:SendMessage')].sort()).toEqual(cell.redrive.automatic ? [...sources].sort() : []);
    expect([...queueIdsWith('sqs:StartMessageMoveTask')].sort()).toEqual(
      cell.redrive.automatic ? [...dlqs].sort() : [],
    );
  });

  it('has one SNS topic per alert severity with the configured e-mail subscriptions', () => {
    const t = template(cellId);
    for (const severity of SEVERITIES) {
      const [topicId] = byName(t, 'AWS::SNS::Topic', 'TopicName', `bems-${cellId}-alerts-${severity}`);
      const emails = [...resourcesOf(t, 'AWS::SNS::Subscription')]
        .filter(([, s]) => s.Properties.Protocol === 'email' && logicalIdOf(s.Properties.TopicArn) === topicId)
        .map(([, s]) => s.Properties.Endpoint);
      expect(emails.sort()).toEqual([...cell.alerts[severity]].sort());
    }
  });

  it('alarms on the oldest message of every queue at the 2-minute SLA', () => {
    const t = template(cellId);
    for (const queue of allQueues(topology)) {
      const alarm = alarmNamed(t, `${queue.name}-oldest-message-age`);
      expect(alarm.Properties).toMatchObject({
        MetricName: 'ApproximateAgeOfOldestMessage',
        Namespace: 'AWS/SQS',
        Statistic: 'Maximum',
        Period: 60,
        Threshold: 120,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
      expect(nameOf(t, alarm.Properties.Dimensions[0].Value, 'QueueName')).toBe(queue.name);
    }
  });

  it('alarms on every DLQ at the severities of the DLQ ladder: warning on one message, critical on depth or age', () => {
    const t = template(cellId);
    const topicOf = (alarm: CfnResource) => nameOf(t, alarm.Properties.AlarmActions[0], 'TopicName');
    for (const queue of allQueues(topology)) {
      const notEmpty = alarmNamed(t, `${queue.dlqName}-not-empty`);
      const depth = alarmNamed(t, `${queue.dlqName}-critical-depth`);
      const age = alarmNamed(t, `${queue.dlqName}-critical-age`);
      expect(notEmpty.Properties).toMatchObject({ Threshold: DLQ_SEVERITY_LADDER.warningDepth, EvaluationPeriods: 1 });
      expect(depth.Properties).toMatchObject({ Threshold: DLQ_SEVERITY_LADDER.criticalDepth, EvaluationPeriods: 1 });
      expect(age.Properties).toMatchObject({
        MetricName: 'ApproximateAgeOfOldestMessage',
        Threshold: DLQ_SEVERITY_LADDER.criticalAgeSeconds,
      });
      expect(nameOf(t, age.Properties.Dimensions[0].Value, 'QueueName')).toBe(queue.dlqName);
      expect([topicOf(notEmpty), topicOf(depth), topicOf(age)]).toEqual(
        ['warning', 'critical', 'critical'].map((s) => `bems-${cellId}-alerts-${s}`),
      );
      for (const alarm of [notEmpty, depth, age])
        expect(nameOf(t, alarm.Properties.OKActions[0], 'TopicName')).toBe(topicOf(alarm));
    }
  });

  it('alarms on the depth of every main queue at the configured threshold, beside its age alarm', () => {
    const t = template(cellId);
    for (const queue of allQueues(topology)) {
      const alarm = alarmNamed(t, `${queue.name}-depth`);
      expect(alarm.Properties).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Statistic: 'Maximum',
        Threshold: cell.stageAlarms.queueDepthMessages,
        EvaluationPeriods: 3,
      });
      expect(nameOf(t, alarm.Properties.Dimensions[0].Value, 'QueueName')).toBe(queue.name);
      expect(nameOf(t, alarm.Properties.AlarmActions[0], 'TopicName')).toBe(`bems-${cellId}-alerts-warning`);
    }
  });

  it('alarms on the error rate of every stage and consumer: failed over processed records, at the configured percentage', () => {
    const t = template(cellId);
    for (const { stage, consumer } of topology.stages.flatMap((s) => s.consumers)) {
      const alarm = alarmNamed(t, `bems-${cellId}-${stage}-${consumer}-error-rate`);
      expect(alarm.Properties).toMatchObject({
        Threshold: cell.stageAlarms.errorRatePercent,
        EvaluationPeriods: 5,
        DatapointsToAlarm: 3,
      });
      const queries = alarm.Properties.Metrics as {
        Id: string;
        Expression?: string;
        MetricStat?: { Metric: { MetricName: string; Dimensions: { Name: string; Value: string }[] }; Stat: string };
      }[];
      const metrics = queries.filter((q) => q.MetricStat);
      expect(metrics.map((q) => q.MetricStat!.Metric.MetricName).sort()).toEqual(
        CONSUME_OUTCOME_METRICS.map((m) => m.name).sort(),
      );
      for (const q of metrics) {
        expect(q.MetricStat!.Stat).toBe('Sum');
        expect(Object.fromEntries(q.MetricStat!.Metric.Dimensions.map((d) => [d.Name, d.Value]))).toEqual({
          service: 'bems-consume',
          cell: cellId,
          stage,
          consumer,
        });
      }
      // The expression is evaluated on sample minutes: 3 failed of 60 processed is 5 %.
      const [expression] = queries.filter((q) => q.Expression);
      const ids = Object.fromEntries(metrics.map((q) => [q.MetricStat!.Metric.MetricName, q.Id]));
      const sample = { EventsRecorded: 50, DuplicateSuppressed: 5, RecordsDeferred: 2, RecordsFailed: 3 };
      const values = Object.fromEntries(Object.entries(sample).map(([name, value]) => [ids[name]!, value]));
      expect(evaluateRate(expression!.Expression!, values)).toBeCloseTo(5);
      expect(evaluateRate(expression!.Expression!, { ...values, [ids.RecordsFailed!]: undefined })).toBe(0);
    }
  });

  it('alarms on the API 5xx rate and p99 latency', () => {
    const t = template(cellId);
    expect(alarmNamed(t, `bems-${cellId}-api-5xx-rate`).Properties).toMatchObject({
      MetricName: '5XXError',
      Namespace: 'AWS/ApiGateway',
      Statistic: 'Average',
      Threshold: ALARM_THRESHOLDS.api5xxRate,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      Dimensions: [{ Name: 'ApiName', Value: `bems-${cellId}-api` }],
    });
    expect(alarmNamed(t, `bems-${cellId}-api-latency-p99`).Properties).toMatchObject({
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
      Threshold: ALARM_THRESHOLDS.apiLatencyP99Ms,
    });
  });

  it('alarms on consumer, forwarder and monitor errors', () => {
    const t = template(cellId);
    const partitions = topology.stages.flatMap((s) =>
      s.consumers.filter((c) => c.kind === 'lambda').map((c) => `${s.stage}-${c.consumer}`),
    );
    for (const name of ['forward', 'monitor', ...partitions.map((p) => `consume-${p}`)]) {
      const [fnId] = byName(t, 'AWS::Lambda::Function', 'FunctionName', `bems-${cellId}-${name}`);
      const alarm = alarmNamed(t, `bems-${cellId}-${name}-errors`);
      expect(alarm.Properties).toMatchObject({
        MetricName: 'Errors',
        Namespace: 'AWS/Lambda',
        Statistic: 'Sum',
        Period: 300,
        Threshold: ALARM_THRESHOLDS.functionErrors,
      });
      expect(logicalIdOf(alarm.Properties.Dimensions[0].Value)).toBe(fnId);
    }
  });

  it('alarms on records Timestream rejected for good (not on retried throttling), from the consumer metric of this cell', () => {
    const alarm = alarmNamed(template(cellId), `bems-${cellId}-timestream-rejected-records`);
    expect(alarm.Properties.Metrics).toEqual([
      expect.objectContaining({
        Expression: `SELECT SUM(RecordsRejected) FROM BEMS WHERE cell = '${cellId}'`,
        Period: 60,
        ReturnData: true,
      }),
    ]);
    expect(alarm.Properties).toMatchObject({ Threshold: 1, EvaluationPeriods: 3, DatapointsToAlarm: 2 });
  });

  it('has exactly these alarms, each notifying and resolving on a severity topic', () => {
    const t = template(cellId);
    const partitions = topology.stages.flatMap((s) => s.consumers).length;
    const functions = 2 + topology.stages.flatMap((s) => s.consumers.filter((c) => c.kind === 'lambda')).length;
    // An end-to-end p99 alarm per stage and Lambda consumer (END_TO_END_VISIBILITY; a Fargate
    // consumer's latency is published but not yet alarmed: docs/ARCHITECTURE.md says so).
    const endToEnd = topology.stages.reduce((n, s) => n + s.consumers.filter((c) => c.kind === 'lambda').length, 0);
    const alarms = [...resourcesOf(t, 'AWS::CloudWatch::Alarm')];
    // API 5xx and latency; per queue: age, depth and three DLQ alarms; per partition: error rate; functions; rejected records; end-to-end p99.
    expect(alarms).toHaveLength(2 + 5 * queueCount + partitions + functions + 1 + endToEnd);
    const severityTopics = new Set(
      SEVERITIES.map((s) => byName(t, 'AWS::SNS::Topic', 'TopicName', `bems-${cellId}-alerts-${s}`)[0]),
    );
    for (const [, alarm] of alarms) {
      expect(alarm.Properties.TreatMissingData).toBe('notBreaching');
      expect(severityTopics.has(logicalIdOf(alarm.Properties.AlarmActions[0]))).toBe(true);
      expect(alarm.Properties.OKActions).toEqual(alarm.Properties.AlarmActions);
    }
  });

  it('lets only this account alarms publish to the alert topics', () => {
    const t = template(cellId);
    for (const severity of SEVERITIES) {
      const [topicId] = byName(t, 'AWS::SNS::Topic', 'TopicName', `bems-${cellId}-alerts-${severity}`);
      const [, policy] = [...resourcesOf(t, 'AWS::SNS::TopicPolicy')].find(([, p]) =>
        p.Properties.Topics.some((r: unknown) => logicalIdOf(r) === topicId),
      )!;
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Condition: {
            StringEquals: { 'aws:SourceAccount': cell.account },
            ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:${cell.region}:${cell.account}:alarm:*` },
          },
        }),
      );
    }
  });

  it('has an operations dashboard with the alarms, the API, every stage queue and the functions', () => {
    const t = template(cellId);
    const [, dashboard] = byName(t, 'AWS::CloudWatch::Dashboard', 'DashboardName', `bems-${cellId}-operations`);
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const stage of STAGES) expect(body).toContain(`${stage}: oldest message (s), SLA 120 s`);
    expect(body).toContain('Alarms');
    expect(body).toContain('API latency (ms)');
    for (const metric of ['EventsAccepted', 'EventsForwarded', 'EventsRecorded', 'RecordsFailed', 'RecordsRejected']) {
      expect(body).toContain(`SELECT SUM(${metric}) FROM BEMS WHERE cell = '${cellId}'`);
    }
  });

  it('publishes the API, bus, archive, topics, queues and DLQs as outputs and as /bems/<cell>/ parameters', () => {
    const t = template(cellId);
    const expected = [
      'api/url',
      'api/id',
      'bus/name',
      'bus/arn',
      'archive/name',
      'archive/arn',
      ...(isTimestreamCell(cell)
        ? ['timestream/database', 'timestream/table']
        : ['lakehouse/table-bucket', 'lakehouse/table', 'lakehouse/delivery-stream', 'lakehouse/athena-workgroup']),
      'topology',
      ...cell.apiClients.map((c) => `api/keys/${c.name}`),
      ...SEVERITIES.map((s) => `alerts/${s}`),
      ...topology.stages.flatMap((s) => [
        `stages/${s.stage}/topic-arn`,
        `stages/${s.stage}/inbox-url`,
        `stages/${s.stage}/inbox-dlq-url`,
        ...s.consumers.flatMap((c) => [
          `stages/${s.stage}/consumers/${c.consumer}/queue-url`,
          `stages/${s.stage}/consumers/${c.consumer}/dlq-url`,
        ]),
      ]),
    ];
    const parameters = new Map(
      [...resourcesOf(t, 'AWS::SSM::Parameter')].map(([, p]) => [p.Properties.Name, p.Properties.Value]),
    );
    const outputs = t.toJSON().Outputs as Record<string, { Value: unknown }>;
    const outputValues = Object.values(outputs).map((o) => JSON.stringify(o.Value));
    for (const path of expected) {
      const value = parameters.get(`/bems/${cellId}/${path}`);
      expect(value, path).toBeDefined();
      expect(outputValues, path).toContain(JSON.stringify(value));
    }
    for (const stage of topology.stages) {
      const [inboxId] = byName(t, 'AWS::SQS::Queue', 'QueueName', stage.inbox.name);
      expect(logicalIdOf(parameters.get(`/bems/${cellId}/stages/${stage.stage}/inbox-url`))).toBe(inboxId);
    }
  });

  it('routes the shared domain by latency with a health check over the endpoint and the 5xx alarm, when configured', () => {
    const t = template(cellId);
    if (!cell.domain) {
      t.resourceCountIs('AWS::Route53::RecordSet', 0);
      t.resourceCountIs('AWS::Route53::HealthCheck', 0);
      t.resourceCountIs('AWS::ApiGateway::DomainName', 0);
      return;
    }
    t.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: cell.domain.name,
      RegionalCertificateArn: cell.domain.certificateArn,
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: 'TLS_1_2',
    });
    // The shared name and the cell's own name (the health check's; governanceSafeDefaults.test.ts).
    t.resourceCountIs('AWS::ApiGateway::BasePathMapping', 2);
    const record = [...resourcesOf(t, 'AWS::Route53::RecordSet').values()].find((r) => r.Properties.SetIdentifier)!;
    expect(record.Properties).toMatchObject({
      Name: `${cell.domain.name}.`,
      Type: 'A',
      HostedZoneId: cell.domain.hostedZoneId,
      Region: cell.region,
      SetIdentifier: cellId,
    });
    const checks = resourcesOf(t, 'AWS::Route53::HealthCheck');
    const calculated = checks.get(logicalIdOf(record.Properties.HealthCheckId))!;
    expect(calculated.Properties.HealthCheckConfig).toMatchObject({ Type: 'CALCULATED', HealthThreshold: 2 });
    const children = calculated.Properties.HealthCheckConfig.ChildHealthChecks.map(
      (c: unknown) => checks.get(logicalIdOf(c))!.Properties.HealthCheckConfig,
    );
    expect(children).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Type: 'HTTPS', ResourcePath: '/health', Port: 443 }),
        expect.objectContaining({
          Type: 'CLOUDWATCH_METRIC',
          AlarmIdentifier: { Name: expect.anything(), Region: cell.region },
        }),
      ]),
    );
    const alarmCheck = children.find((c: { Type: string }) => c.Type === 'CLOUDWATCH_METRIC');
    expect(t.toJSON().Resources[logicalIdOf(alarmCheck.AlarmIdentifier.Name)].Properties.AlarmName).toBe(
      `bems-${cellId}-api-5xx-rate`,
    );
  });
});

describe('latency routing across the example cells', () => {
  it('gives every cell with the shared domain its own latency record in its own Region', () => {
    const records = awsCells()
      .filter((c) => c.domain)
      .map(
        (c) =>
          [...resourcesOf(template(c.id), 'AWS::Route53::RecordSet').values()].find((r) => r.Properties.SetIdentifier)!
            .Properties,
      );
    expect(records.length).toBeGreaterThanOrEqual(2);
    expect(new Set(records.map((r) => r.Name)).size).toBe(1);
    expect(new Set(records.map((r) => r.Region)).size).toBe(records.length);
    expect(new Set(records.map((r) => r.SetIdentifier)).size).toBe(records.length);
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { QueryCommand, type QueryCommandInput, TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { awsCells } from '../../../cells/cells.config.ts';
import { monitorTopologyOf } from '../../../cells/monitorTopology.ts';
import { cellTopology } from '../../../cells/topology.ts';
import { FileMonitorStateStore } from '../../../handlers/monitor/FileMonitorStateStore.ts';
import { createMonitorHandler, monitorConfigFromEnv } from '../../../handlers/monitor.ts';
import { ConfigError } from '../../../handlers/shared/errors.ts';
import { handlerTestEnv } from '../../helpers/handlerTestEnv.ts';
import { TimestreamTableOverSqlite } from '../../helpers/TimestreamTableOverSqlite.ts';

const CELL = awsCells()[0]!;
const PREFIX = `https://sqs.${CELL.region}.amazonaws.com/${CELL.account}/`;
const TOPOLOGY = monitorTopologyOf(cellTopology(CELL), PREFIX);
const TOPICS = {
  critical: `arn:aws:sns:${CELL.region}:${CELL.account}:bems-${CELL.id}-alerts-critical`,
  warning: `arn:aws:sns:${CELL.region}:${CELL.account}:bems-${CELL.id}-alerts-warning`,
  info: `arn:aws:sns:${CELL.region}:${CELL.account}:bems-${CELL.id}-alerts-info`,
};
const DLQ = `bems-${CELL.id}-posting-recorder-dlq.fifo`;

/** The environment the CDK stack gives the function (cells/constructs/StuckEventMonitor.ts). */
function awsEnv(extra: Record<string, string> = {}) {
  return handlerTestEnv({
    CELL_ID: CELL.id,
    AWS_REGION: CELL.region,
    CELL_TOPOLOGY: JSON.stringify(TOPOLOGY),
    ALERT_TOPIC_ARNS: JSON.stringify(TOPICS),
    TIMESTREAM_DATABASE_NAME: `bems-${CELL.id}`,
    TIMESTREAM_TABLE_NAME: 'invoice_events',
    REDRIVE_POLICY: JSON.stringify(CELL.redrive),
    MONITOR_STATE_BUCKET: `bems-${CELL.id}-parked`,
    MONITOR_STATE_KEY: 'monitor/alert-state.json',
    ...extra,
  });
}

const sqs = mockClient(SQSClient);
const sns = mockClient(SNSClient);
const cloudwatch = mockClient(CloudWatchClient);
const s3 = mockClient(S3Client);
const timestream = mockClient(TimestreamQueryClient);
const table = new TimestreamTableOverSqlite(`bems-${CELL.id}`, 'invoice_events');

beforeEach(() => {
  for (const mock of [sqs, sns, cloudwatch, s3, timestream]) mock.reset();
  table.clear();
  table.queryStrings.length = 0;
  timestream.on(QueryCommand).callsFake((input: QueryCommandInput) => table.query(input));
  sqs.on(GetQueueAttributesCommand).callsFake((input: { QueueUrl: string }) => ({
    Attributes: {
      ApproximateNumberOfMessages: input.QueueUrl.endsWith(DLQ) ? '3' : '0',
      ApproximateNumberOfMessagesNotVisible: '0',
      ApproximateNumberOfMessagesDelayed: '0',
    },
  }));
  sqs.on(ReceiveMessageCommand).resolves({ Messages: [] });
  cloudwatch
    .on(GetMetricDataCommand)
    .callsFake(
      (input: {
        MetricDataQueries: { Id: string; MetricStat: { Metric: { Dimensions: { Value: string }[] } } }[];
      }) => ({
        MetricDataResults: input.MetricDataQueries.filter((q) => q.MetricStat.Metric.Dimensions[0]!.Value === DLQ).map(
          (q) => ({
            Id: q.Id,
            Values: [95, 60],
            Timestamps: [new Date(), new Date()],
          }),
        ),
      }),
    );
  sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
  // No state object yet: the first run of a cell.
  s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }));
  s3.on(PutObjectCommand).resolves({});
});
afterEach(() => {
  for (const mock of [sqs, sns, cloudwatch, s3, timestream]) mock.reset();
});
afterAll(() => table.close());

describe('monitor handler environment', () => {
  it('reads the environment the CDK stack sets', () => {
    const config = monitorConfigFromEnv(awsEnv());
    expect(config.topology.cellId).toBe(CELL.id);
    expect(config.alertTopicArns).toEqual(TOPICS);
    expect(config.state).toEqual({ kind: 's3', bucket: `bems-${CELL.id}-parked`, key: 'monitor/alert-state.json' });
    expect(config.redrive).toEqual(CELL.redrive);
    expect(config.timestream).toEqual({ databaseName: `bems-${CELL.id}`, tableName: 'invoice_events' });
  });

  it('names every problem of a wrong environment at once', () => {
    const env = awsEnv({
      CELL_TOPOLOGY: '{"cellId":"x"}',
      ALERT_TOPIC_ARNS: '{"critical":"nope"}',
      MONITOR_STATE_BUCKET: '',
      MONITOR_STATE_KEY: '',
      REDRIVE_POLICY: '{"automatic":"yes"}',
    });
    let error: unknown;
    try {
      monitorConfigFromEnv(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variables).toEqual(
      expect.arrayContaining(['CELL_TOPOLOGY', 'ALERT_TOPIC_ARNS', 'MONITOR_STATE_BUCKET', 'REDRIVE_POLICY']),
    );
  });

  it('refuses a topology of another cell', () => {
    expect(() => monitorConfigFromEnv(awsEnv({ CELL_ID: 'other-cell' }))).toThrow(/describes cell "euw1-a"/);
  });
});

describe('monitor handler on AWS (mocked clients)', () => {
  it('reads depth from SQS and age from CloudWatch, alerts on the warning topic and stores the state in S3', async () => {
    // Prepare
    const handler = createMonitorHandler(monitorConfigFromEnv(awsEnv()), { waitTimeSeconds: 0 });

    // Act
    const report = await handler();

    // Assess
    const dlq = report.queues.find((q) => q.dlq === DLQ)!;
    expect(dlq.dlqStats).toEqual({ name: DLQ, visible: 3, inFlight: 0, oldestAgeSeconds: 95 });
    const [publish] = sns.commandCalls(PublishCommand);
    expect(publish!.args[0].input).toMatchObject({
      TopicArn: TOPICS.warning,
      Subject: `[BEMS warning] FIRING ${CELL.id}: 3 messages in the DLQ of posting/recorder`,
    });
    expect(publish!.args[0].input.Message).toContain(`npx bems redrive posting --consumer recorder --cell ${CELL.id}`);
    expect(publish!.args[0].input.MessageAttributes!['bems.transition']!.StringValue).toBe('firing');
    const [put] = s3.commandCalls(PutObjectCommand);
    expect(put!.args[0].input).toMatchObject({ Bucket: `bems-${CELL.id}-parked`, Key: 'monitor/alert-state.json' });
    const saved = JSON.parse(String(put!.args[0].input.Body));
    expect(saved.alerts[`dlq:${DLQ}`]).toMatchObject({ severity: 'warning', count: 3 });
    expect(report.sla).toMatchObject({ available: true });
    expect(report.sla.stages.every((s) => s.count === 0)).toBe(true);
  });

  it('queries the Timestream table for invoices past their stage SLA and alerts on them', async () => {
    // Prepare
    const now = Date.parse('2026-11-28T12:00:00Z');
    const posting = TOPOLOGY.stages.find((s) => s.stage === 'posting')!;
    table.insert([
      {
        invoiceId: 'INV-LATE',
        stage: 'posting',
        consumer: posting.consumers[0]!.consumer,
        eventId: 'e-1',
        status: 'failed',
        timeMs: now - (posting.slaSeconds + 60) * 1000,
      },
    ]);
    const handler = createMonitorHandler(monitorConfigFromEnv(awsEnv()), { waitTimeSeconds: 0, now: () => now });

    // Act
    const report = await handler();

    // Assess
    expect(table.queryStrings[0]).toContain(`FROM "bems-${CELL.id}"."invoice_events"`);
    expect(report.sla.available).toBe(true);
    expect(report.sla.stages.find((s) => s.stage === 'posting')).toMatchObject({
      count: 1,
      oldestAgeSeconds: posting.slaSeconds + 60,
      sampleInvoiceIds: ['INV-LATE'],
    });
    const subjects = sns.commandCalls(PublishCommand).map((c) => c.args[0].input.Subject);
    expect(subjects).toContain(`[BEMS warning] FIRING ${CELL.id}: 1 invoice stuck in posting past the SLA`);
  });

  it('reports a failing SLA query as a monitor problem and still alerts on the DLQ', async () => {
    // Prepare
    timestream.on(QueryCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: timestream:Select'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const handler = createMonitorHandler(monitorConfigFromEnv(awsEnv()), { waitTimeSeconds: 0 });

    // Act
    const report = await handler();

    // Assess
    expect(report.sla).toMatchObject({ available: false, reason: expect.stringMatching(/AccessDeniedException/) });
    expect(report.problems.join('\n')).toMatch(/SLA query failed: .*timestream:Select/);
    const subjects = sns.commandCalls(PublishCommand).map((c) => c.args[0].input.Subject);
    expect(subjects).toContain(`[BEMS warning] FIRING ${CELL.id}: 3 messages in the DLQ of posting/recorder`);
  });

  it('says the SLA check is unavailable when no Timestream table is configured', async () => {
    const env = awsEnv();
    delete env.TIMESTREAM_DATABASE_NAME;
    delete env.TIMESTREAM_TABLE_NAME;
    const handler = createMonitorHandler(monitorConfigFromEnv(env), { waitTimeSeconds: 0 });

    const report = await handler();

    expect(report.sla).toMatchObject({ available: false, reason: expect.stringMatching(/TIMESTREAM_DATABASE_NAME/) });
    expect(timestream.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('does not alert again when the stored state already has the alert', async () => {
    const handler = createMonitorHandler(monitorConfigFromEnv(awsEnv()), { waitTimeSeconds: 0 });
    await handler();
    const stored = String(s3.commandCalls(PutObjectCommand)[0]!.args[0].input.Body);
    s3.on(GetObjectCommand).resolves({ Body: { transformToString: async () => stored } } as never);

    await handler();

    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });
});

describe('monitor state file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bems-monitor-state-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips the state and starts over from a corrupt file, saying so', async () => {
    const store = new FileMonitorStateStore(join(dir, 'state.json'));
    expect((await store.load()).state.alerts).toEqual({});

    await store.save({ version: 1, updatedAtMs: 5, alerts: {}, dlqDepths: { d: 3 }, parked: {} });
    expect((await store.load()).state.dlqDepths).toEqual({ d: 3 });
    expect(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).version).toBe(1);

    writeFileSync(join(dir, 'state.json'), '{"version": 1, "alerts": ');
    const corrupt = await store.load();
    expect(corrupt.state.dlqDepths).toEqual({});
    expect(corrupt.problem).toMatch(/not JSON/);
  });
});

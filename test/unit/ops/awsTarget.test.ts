import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { GetParameterCommand, GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { QueryCommand, TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { awsCells } from '../../../cells/cells.config.ts';
import { monitorTopologyOf } from '../../../cells/monitorTopology.ts';
import { cellTopology } from '../../../cells/topology.ts';
import { main } from '../../../ops/cli.ts';
import { awsTarget, outputKeyOf, REQUIRED_OUTPUTS } from '../../../ops/target/index.ts';

const CELL = awsCells()[0]!;
const PREFIX = `https://sqs.${CELL.region}.amazonaws.com/${CELL.account}/`;
const TOPOLOGY = JSON.stringify(monitorTopologyOf(cellTopology(CELL), PREFIX));
const BUS_ARN = `arn:aws:events:${CELL.region}:${CELL.account}:event-bus/bems-${CELL.id}-bus`;
const OUTPUTS: Record<string, string> = {
  topology: TOPOLOGY,
  'bus/name': `bems-${CELL.id}-bus`,
  'bus/arn': BUS_ARN,
  'archive/name': `bems-${CELL.id}-archive`,
  'archive/arn': `arn:aws:events:${CELL.region}:${CELL.account}:archive/bems-${CELL.id}-archive`,
  'monitor/state-key': 'monitor/alert-state.json',
  'dlq/parked-bucket': `bems-${CELL.id}-parked`,
};
const DLQ = `bems-${CELL.id}-posting-recorder-dlq.fifo`;

const ssm = mockClient(SSMClient);
const cloudFormation = mockClient(CloudFormationClient);
const sqs = mockClient(SQSClient);
const cloudWatch = mockClient(CloudWatchClient);
const timestream = mockClient(TimestreamQueryClient);

function clients() {
  return {
    ssm: new SSMClient({ region: CELL.region }),
    cloudFormation: new CloudFormationClient({ region: CELL.region }),
    sqs: new SQSClient({ region: CELL.region }),
    eventBridge: new EventBridgeClient({ region: CELL.region }),
    cloudWatch: new CloudWatchClient({ region: CELL.region }),
    timestreamQuery: new TimestreamQueryClient({ region: CELL.region }),
  };
}

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t), env: {}, awsClients: clients() });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeEach(() => {
  for (const mock of [ssm, cloudFormation, sqs, cloudWatch, timestream]) mock.reset();
  // Two pages, as GetParametersByPath returns at most 10 parameters per call.
  const parameters = Object.entries(OUTPUTS).map(([path, Value]) => ({ Name: `/bems/${CELL.id}/${path}`, Value }));
  ssm
    .on(GetParametersByPathCommand)
    .callsFake((input: { NextToken?: string }) =>
      input.NextToken
        ? { Parameters: parameters.slice(3) }
        : { Parameters: parameters.slice(0, 3), NextToken: 'page-2' },
    );
  ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '{}' } });
  sqs.on(GetQueueAttributesCommand).callsFake((input: { QueueUrl: string; AttributeNames?: string[] }) => ({
    Attributes: {
      QueueArn: `arn:aws:sqs:${CELL.region}:${CELL.account}:${input.QueueUrl.split('/').pop()}`,
      ApproximateNumberOfMessages: input.QueueUrl.endsWith(DLQ) ? '42' : '0',
      ApproximateNumberOfMessagesNotVisible: '0',
      ApproximateNumberOfMessagesDelayed: '0',
    },
  }));
  cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
});
afterEach(() => {
  for (const mock of [ssm, cloudFormation, sqs, cloudWatch, timestream]) mock.reset();
});

describe('finding a deployed cell', () => {
  it('reads the cell from its SSM parameters, all pages', async () => {
    const target = await awsTarget(CELL, clients());

    expect(target).toMatchObject({ kind: 'aws', cellId: CELL.id, region: CELL.region, supportsMoveTask: true });
    expect(target.bus).toEqual({ name: `bems-${CELL.id}-bus`, arn: BUS_ARN });
    expect(target.ruleArn('posting')).toBe(
      `arn:aws:events:${CELL.region}:${CELL.account}:rule/bems-${CELL.id}-bus/bems-${CELL.id}-posting`,
    );
    expect(target.topology.stages).toHaveLength(4);
    expect(target.monitorState?.location).toBe(`s3://bems-${CELL.id}-parked/monitor/alert-state.json`);
    target.close();
  });

  it('falls back to the stack outputs when the parameters cannot be read', async () => {
    // Prepare
    ssm.on(GetParametersByPathCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: `bems-${CELL.id}`,
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: Object.entries(OUTPUTS).map(([path, OutputValue]) => ({
            OutputKey: outputKeyOf(path),
            OutputValue,
          })),
        },
      ],
    });

    // Act
    const target = await awsTarget(CELL, clients());

    // Assess
    expect(cloudFormation.commandCalls(DescribeStacksCommand)[0]!.args[0].input.StackName).toBe(`bems-${CELL.id}`);
    expect(target.archive.name).toBe(`bems-${CELL.id}-archive`);
    target.close();
  });

  it('says what is missing when neither source has the cell', async () => {
    ssm.on(GetParametersByPathCommand).resolves({ Parameters: [] });
    cloudFormation.on(DescribeStacksCommand).rejects(new Error(`Stack with id bems-${CELL.id} does not exist`));

    await expect(awsTarget(CELL, clients())).rejects.toThrow(
      /cannot find cell euw1-a: SSM \/bems\/euw1-a\/\* is incomplete/,
    );
  });

  it('derives output keys exactly as the stack names its outputs', () => {
    expect(REQUIRED_OUTPUTS.map(outputKeyOf)).toEqual(['Topology', 'BusName', 'BusArn', 'ArchiveName', 'ArchiveArn']);
    expect(outputKeyOf('monitor/state-key')).toBe('MonitorStateKey');
  });
});

describe('bems against a deployed cell (mocked AWS)', () => {
  it('lists DLQs with --cell and exits 4 when one holds messages', async () => {
    const { code, out } = await run('dlq', 'list', '--cell', CELL.id, '--json');

    expect(code).toBe(4);
    const listed = JSON.parse(out);
    expect(listed.total).toBe(42);
    expect(listed.dlqs.find((d: { dlq: string }) => d.dlq === DLQ)).toMatchObject({ messages: 42, stage: 'posting' });
  });

  it('lists invoices past their stage SLA in bems status from the cell Timestream table', async () => {
    // Prepare
    timestream.on(QueryCommand).resolves({
      QueryId: 'q-1',
      ColumnInfo: ['stage', 'invoice_id', 'time_ms', 'total'].map((Name) => ({
        Name,
        Type: { ScalarType: 'VARCHAR' },
      })),
      Rows: [
        { Data: ['posting', 'INV-LATE', String(Date.now() - 3_600_000), '1'].map((ScalarValue) => ({ ScalarValue })) },
      ],
    });

    // Act
    const { code, out } = await run('status', '--cell', CELL.id);

    // Assess
    expect(code).toBe(4);
    expect(timestream.commandCalls(QueryCommand)[0]!.args[0].input.QueryString).toContain(
      `FROM "${cellTopology(CELL).timestreamDatabase}"."${cellTopology(CELL).timestreamTable}"`,
    );
    expect(out).toContain('SLA breaches (latest event older than the stage SLA, status not final)');
    expect(out).toMatch(/posting .* 1 .*INV-LATE/);
    expect(out).toContain(`AWS cell "${CELL.id}"`);
  });

  it('says in bems status why the SLA check failed on AWS', async () => {
    timestream
      .on(QueryCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', $metadata: {} }));

    const { out } = await run('status', '--cell', CELL.id);

    expect(out).toMatch(
      /SLA breaches: not checked \(SLA query failed: Timestream Query failed \(AccessDeniedException/,
    );
  });

  it('empties a whole DLQ with an SQS message move task when asked to', async () => {
    // Prepare
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
    sqs.on(ListMessageMoveTasksCommand).resolves({
      Results: [{ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 42, ApproximateNumberOfMessagesToMove: 42 }],
    });

    // Act
    const { code, out } = await run(
      'redrive',
      'posting',
      '--consumer',
      'recorder',
      '--move-task',
      '--rate',
      '20',
      '--cell',
      CELL.id,
    );

    // Assess
    expect(code).toBe(0);
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0]!.args[0].input).toEqual({
      SourceArn: `arn:aws:sqs:${CELL.region}:${CELL.account}:${DLQ}`,
      DestinationArn: `arn:aws:sqs:${CELL.region}:${CELL.account}:bems-${CELL.id}-posting-recorder.fifo`,
      MaxNumberOfMessagesPerSecond: 20,
    });
    expect(out).toContain('message move task COMPLETED: 42 moved');
  });

  it('refuses --move-task with a filter', async () => {
    const { code, err } = await run('redrive', 'posting', '--move-task', '--invoice', 'INV-1', '--cell', CELL.id);
    expect(code).toBe(2);
    expect(err).toMatch(/--move-task moves a whole DLQ/);
  });
});

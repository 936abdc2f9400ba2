import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { QueryCommand, TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { awsCells } from '../../../cells/cells.config.ts';
import type { CellDefinition } from '../../../cells/definition.ts';
import { monitorTopologyOf } from '../../../cells/monitorTopology.ts';
import { cellTopology } from '../../../cells/topology.ts';
import { main } from '../../../ops/cli.ts';
import { EXIT_CODES } from '../../../ops/exitCodes.ts';
import { sessionNameOf } from '../../../ops/target/index.ts';
import { CliStatusAllCellsOutputSchema, CliStatusOutputSchema } from '../../../schemas/cliOutput.ts';

/**
 * Cross-account operations (issue 16): the CLI assumes a cell's role with STS under a session name
 * that names the operator, and every client of that cell uses the role's credentials in the cell's
 * Region. STS and the per-cell clients are aws-sdk-client-mock stubs; the CLI runs for real.
 */
const CELLS = awsCells();
const cellById = (id: string) => CELLS.find((c) => c.id === id)!;
const OPERATOR_ARN = 'arn:aws:sts::444444444444:assumed-role/OpsAdmin/alice@example.com';
const noLocalCell = mkdtempSync(join(tmpdir(), 'bems-xacct-'));
afterAll(() => rmSync(noLocalCell, { recursive: true, force: true }));

const sts = mockClient(STSClient);
const ssm = mockClient(SSMClient);
const sqs = mockClient(SQSClient);
const cloudWatch = mockClient(CloudWatchClient);
const timestream = mockClient(TimestreamQueryClient);
mockClient(CloudFormationClient).rejects(new Error('not used: the SSM outputs are complete'));

/** The outputs `cell` publishes under /bems/<id>/ (CellOutputs), as SSM parameters. */
function parametersOf(cell: CellDefinition) {
  const prefix = `https://sqs.${cell.region}.amazonaws.com/${cell.account}/`;
  const events = `arn:aws:events:${cell.region}:${cell.account}`;
  const outputs = {
    topology: JSON.stringify(monitorTopologyOf(cellTopology(cell), prefix)),
    'bus/name': `bems-${cell.id}-bus`,
    'bus/arn': `${events}:event-bus/bems-${cell.id}-bus`,
    'archive/name': `bems-${cell.id}-archive`,
    'archive/arn': `${events}:archive/bems-${cell.id}-archive`,
  };
  return Object.entries(outputs).map(([path, Value]) => ({ Name: `/bems/${cell.id}/${path}`, Value }));
}

/** What each cell's clients were configured with when they called: Region and access key. */
const seen: { cell: string; region: string; accessKeyId: string }[] = [];

beforeEach(() => {
  for (const mock of [sts, ssm, sqs, cloudWatch, timestream]) mock.reset();
  seen.length = 0;
  sts.on(GetCallerIdentityCommand).resolves({ Account: '444444444444', Arn: OPERATOR_ARN });
  sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => ({
    Credentials: {
      AccessKeyId: `ASIA-${input.RoleArn.split('/').pop()}`,
      SecretAccessKey: 'secret',
      SessionToken: 'token',
      Expiration: new Date(Date.now() + 3_600_000),
    },
  }));
  ssm.on(GetParametersByPathCommand).callsFake(async (input: { Path: string }, getClient) => {
    const cell = cellById(input.Path.split('/')[2]!);
    const config = getClient().config;
    seen.push({ cell: cell.id, region: await config.region(), accessKeyId: (await config.credentials()).accessKeyId });
    return { Parameters: parametersOf(cell) };
  });
  ssm.on(GetParameterCommand).rejects(Object.assign(new Error('no state'), { name: 'ParameterNotFound' }));
  sqs.on(GetQueueAttributesCommand).callsFake((input: { QueueUrl: string }) => ({
    Attributes: {
      ApproximateNumberOfMessages: input.QueueUrl.includes('use1-a-posting-recorder-dlq') ? '3' : '0',
      ApproximateNumberOfMessagesNotVisible: '0',
      ApproximateNumberOfMessagesDelayed: '0',
    },
  }));
  cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
  timestream.on(QueryCommand).resolves({ QueryId: 'q', ColumnInfo: [], Rows: [] });
});

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env: { BEMS_DATA_DIR: noLocalCell },
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('bems against a cell in another account', () => {
  it("assumes the cell's read-only role for status, as the operator, and reads the cell with it", async () => {
    // Act
    const { code, out } = await run('status', '--cell', 'euw1-a', '--output', 'json');

    // Assess
    expect(code).toBe(EXIT_CODES.ok);
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input)).toEqual([
      {
        RoleArn: 'arn:aws:iam::111111111111:role/bems-euw1-a-readonly',
        RoleSessionName: 'bems-alice@example.com',
        DurationSeconds: 3600,
      },
    ]);
    expect(seen).toEqual([{ cell: 'euw1-a', region: 'eu-west-1', accessKeyId: 'ASIA-bems-euw1-a-readonly' }]);
    const status = CliStatusOutputSchema.parse(JSON.parse(out));
    expect(status.description).toContain('as bems-euw1-a-readonly/bems-alice@example.com');
  });

  it("assumes the operator role for the DLQ commands, with the cell's ExternalId", async () => {
    const { code } = await run('dlq', 'list', '--cell', 'use1-a');

    expect(code).toBe(EXIT_CODES.attention);
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input).toMatchObject({
      RoleArn: 'arn:aws:iam::111111111111:role/bems-use1-a-operator',
      ExternalId: 'bems-use1-a-operations',
    });
    expect(seen[0]).toMatchObject({ region: 'us-east-1', accessKeyId: 'ASIA-bems-use1-a-operator' });
  });

  it("uses the caller's own credentials in the cell's account, and --role-arn when given", async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111111111111', Arn: 'arn:aws:iam::111111111111:user/bob' });
    process.env.AWS_ACCESS_KEY_ID = 'AKIA-BOB';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    try {
      await run('status', '--cell', 'euw1-a');
      expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
      expect(seen[0]!.accessKeyId).toBe('AKIA-BOB');

      await run('status', '--cell', 'euw1-a', '--role-arn', 'arn:aws:iam::111111111111:role/break-glass');
      expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input).toMatchObject({
        RoleArn: 'arn:aws:iam::111111111111:role/break-glass',
        RoleSessionName: 'bems-bob',
      });
    } finally {
      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
    }
  });

  it('says in one line why a denied AssumeRole failed and what to check', async () => {
    sts
      .on(AssumeRoleCommand)
      .rejects(
        Object.assign(
          new Error(
            `User: ${OPERATOR_ARN} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111111111111:role/bems-euw1-a-readonly`,
          ),
          { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } },
        ),
      );

    const { code, out, err } = await run('status', '--cell', 'euw1-a');

    expect(code).toBe(EXIT_CODES.unreachable);
    expect(out).toBe('');
    expect(err).not.toContain('\n');
    expect(err).toMatch(
      /^bems status: cannot assume arn:aws:iam::111111111111:role\/bems-euw1-a-readonly as arn:aws:sts::444444444444:assumed-role\/OpsAdmin\/alice@example.com \(AccessDenied: User: .* is not authorized .*\): the role must trust your account with organization o-a1b2c3d4e5 and your policy must allow sts:AssumeRole on it/,
    );
    expect(ssm.commandCalls(GetParametersByPathCommand)).toHaveLength(0);
  });

  it('tells which variables or --profile to use when there are no credentials', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .rejects(
        Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      );

    const plain = await run('status', '--cell', 'euw1-a');
    const withProfile = await run('status', '--cell', 'euw1-a', '--profile', 'ops');

    expect(plain.code).toBe(EXIT_CODES.unreachable);
    expect(plain.err).toBe(
      'bems status: no AWS credentials: pass --profile NAME (or set AWS_PROFILE) after `aws sso login` / `aws configure`, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN)',
    );
    expect(withProfile.err).toMatch(
      /^bems status: no AWS credentials for profile "ops": run `aws sso login --profile ops`/,
    );
  });
});

describe('bems status --all-cells', () => {
  it('reports every cell of the config in its own account and Region, and the local cell', async () => {
    // Prepare: the lakehouse cell's account refuses the operator.
    sts
      .on(AssumeRoleCommand, { RoleArn: 'arn:aws:iam::333333333333:role/bems-euc1-a-readonly' })
      .rejects(Object.assign(new Error('not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied' }));

    // Act
    const { code, out } = await run('status', '--all-cells', '--output', 'json');

    // Assess
    const report = CliStatusAllCellsOutputSchema.parse(JSON.parse(out));
    expect(report.cells.map((c) => [c.cell, c.account, c.region, c.state])).toEqual([
      ['local', '000000000000', 'eu-west-1', 'not-running'],
      ['euw1-a', '111111111111', 'eu-west-1', 'ok'],
      ['use1-a', '111111111111', 'us-east-1', 'attention'],
      ['euc1-a', '333333333333', 'eu-central-1', 'unreachable'],
    ]);
    expect(report.cells[2]!.summary).toEqual({ dlqMessages: 3, stuckInvoices: 0, openAlerts: 0 });
    expect(report.cells[3]!.error).toMatch(/^cannot assume arn:aws:iam::333333333333:role\/bems-euc1-a-readonly/);
    expect(seen.sort((a, b) => a.cell.localeCompare(b.cell))).toEqual([
      { cell: 'euw1-a', region: 'eu-west-1', accessKeyId: 'ASIA-bems-euw1-a-readonly' },
      { cell: 'use1-a', region: 'us-east-1', accessKeyId: 'ASIA-bems-use1-a-readonly' },
    ]);
    expect(code).toBe(EXIT_CODES.attention);
  });

  it('narrows to one Region with --region, exits 0 when all is clear, and prints a table', async () => {
    const { code, out } = await run('status', '--all-cells', '--region', 'eu-west-1');

    expect(code).toBe(EXIT_CODES.ok);
    expect(out).toMatch(/^euw1-a +111111111111 +eu-west-1 +ok +0 +0 +0 +as bems-euw1-a-readonly$/m);
    expect(out).not.toContain('use1-a');
    expect(out).toContain('All clear in every cell.');
  });
});

describe('role session names', () => {
  it.each([
    [OPERATOR_ARN, 'bems-alice@example.com'],
    ['arn:aws:iam::111111111111:user/ops/bob', 'bems-bob'],
    ['arn:aws:iam::111111111111:root', 'bems-root'],
    [undefined, 'bems-carol'],
    [`arn:aws:sts::1:assumed-role/R/${'x'.repeat(80)}`, `bems-${'x'.repeat(59)}`],
  ])('names %s as %s', (arn, name) => {
    expect(sessionNameOf(arn, 'carol')).toBe(name);
  });
});

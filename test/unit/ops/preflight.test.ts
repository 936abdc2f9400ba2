import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { FirehoseClient, ListDeliveryStreamsCommand } from '@aws-sdk/client-firehose';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { DescribeAccountSubscriptionCommand, QuickSightClient } from '@aws-sdk/client-quicksight';
import { ListTableBucketsCommand, S3TablesClient } from '@aws-sdk/client-s3tables';
import {
  GetAWSDefaultServiceQuotaCommand,
  GetServiceQuotaCommand,
  ListServiceQuotasCommand,
  ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  DescribeEndpointsCommand,
  ListDatabasesCommand,
  TimestreamWriteClient,
} from '@aws-sdk/client-timestream-write';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { awsCells } from '../../../cells/cells.config.ts';
import { type CellDefinitionInput, parseCellDefinition } from '../../../cells/definition.ts';
import { main } from '../../../ops/cli.ts';
import { checkArithmetic } from '../../../ops/preflight/arithmeticChecks.ts';
import {
  type CheckResult,
  cellNeeds,
  createPreflightClients,
  type PreflightReport,
  runPreflight,
} from '../../../ops/preflight/index.ts';

/** euw1-a: a timestream cell with QuickSight dashboards, sharing its account (not its Region) with use1-a. */
const CELL = awsCells()[0]!;
const ACCOUNT = CELL.account;

const sts = mockClient(STSClient);
const cloudFormation = mockClient(CloudFormationClient);
const serviceQuotas = mockClient(ServiceQuotasClient);
const timestream = mockClient(TimestreamWriteClient);
const s3Tables = mockClient(S3TablesClient);
const firehose = mockClient(FirehoseClient);
const quickSight = mockClient(QuickSightClient);
const iam = mockClient(IAMClient);
const MOCKS = [sts, cloudFormation, serviceQuotas, timestream, s3Tables, firehose, quickSight, iam];

const SNS_FIFO_CODE = 'L-FIFO0001';
/** A well-provisioned account: every applied quota above what euw1-a needs. */
let quotas: Record<string, number>;

function awsError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, $metadata: {}, ...extra });
}

beforeEach(() => {
  for (const mock of MOCKS) mock.reset();
  quotas = { 'L-8A5B8E43': 10_000, 'L-B99A9384': 1_000, 'L-9B653E91': 10_000, [SNS_FIFO_CODE]: 3_000 };
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/deployer` });
  cloudFormation.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: 'CDKToolkit',
        CreationTime: new Date(),
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: [{ OutputKey: 'BootstrapVersion', OutputValue: '33' }],
      },
    ],
  });
  timestream.on(DescribeEndpointsCommand).resolves({ Endpoints: [{ Address: 'ingest', CachePeriodInMinutes: 1 }] });
  timestream.on(ListDatabasesCommand).resolves({ Databases: [] });
  s3Tables.on(ListTableBucketsCommand).resolves({ tableBuckets: [] });
  firehose.on(ListDeliveryStreamsCommand).resolves({ DeliveryStreamNames: [], HasMoreDeliveryStreams: false });
  quickSight.on(DescribeAccountSubscriptionCommand).resolves({
    AccountInfo: { AccountSubscriptionStatus: 'ACCOUNT_CREATED', Edition: 'ENTERPRISE' },
  });
  iam.on(GetRoleCommand).resolves({
    Role: {
      RoleName: 'aws-quicksight-service-role-v0',
      Arn: `arn:aws:iam::${ACCOUNT}:role/service-role/aws-quicksight-service-role-v0`,
      Path: '/service-role/',
      RoleId: 'AROAEXAMPLE',
      CreateDate: new Date(),
    },
  });
  serviceQuotas.on(GetServiceQuotaCommand).callsFake((input: { QuotaCode: string }) => {
    const value = quotas[input.QuotaCode];
    if (value === undefined) throw awsError('NoSuchResourceException', 'no applied value');
    return { Quota: { QuotaCode: input.QuotaCode, Value: value } };
  });
  serviceQuotas.on(ListServiceQuotasCommand).resolves({
    Quotas: [
      { QuotaCode: 'L-TOPICS01', QuotaName: 'Topics per account' },
      { QuotaCode: SNS_FIFO_CODE, QuotaName: 'Publish API throttling for FIFO topics' },
    ],
  });
});
afterEach(() => {
  for (const mock of MOCKS) mock.reset();
});

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['preflight', ...argv], { out: (t) => out.push(t), err: (t) => err.push(t), env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function report(...argv: string[]): Promise<{ code: number; report: PreflightReport }> {
  const { code, out } = await run('--cell', CELL.id, '--output', 'json', ...argv);
  return { code, report: JSON.parse(out) as PreflightReport };
}

function check(r: PreflightReport, id: string): CheckResult {
  const found = r.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id} in ${r.checks.map((c) => c.id).join(', ')}`);
  return found;
}

/** Runs preflight on a cell that is not in the config (a lakehouse cell, peers in one Region). */
async function preflightOf(input: Partial<CellDefinitionInput>, peers: Partial<CellDefinitionInput>[] = []) {
  const base: CellDefinitionInput = {
    id: 'lake-a',
    account: ACCOUNT,
    region: 'eu-west-1',
    apiClients: [{ name: 'erp' }],
  };
  const cell = parseCellDefinition({ ...base, ...input } as CellDefinitionInput);
  const others = peers.map((peer, i) =>
    parseCellDefinition({ ...base, id: `peer-${i}`, ...peer } as CellDefinitionInput),
  );
  const clients = createPreflightClients(cell.region);
  try {
    return await runPreflight({ cell, allCells: [cell, ...others], clients });
  } finally {
    for (const client of Object.values(clients)) client.destroy();
  }
}

describe('bems preflight on an account that is ready', () => {
  it('passes every check, exits 0 and prints the table', async () => {
    const { code, out, err } = await run('--cell', CELL.id);

    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain(`bems preflight — cell ${CELL.id} (timestream), account ${ACCOUNT}, eu-west-1`);
    expect(out).toMatch(/✓ +credentials' account is the cell's account/);
    expect(out).toMatch(/✓ +CDK bootstrap \(CDKToolkit, version ≥ 8\) +version 33/);
    expect(out).toMatch(
      /✓ +Lambda concurrent executions .*needs \d+ executions; account has 1,000 \(applied L-B99A9384\)/,
    );
    expect(out).not.toContain('✗');
    expect(out).toMatch(/Ready to deploy: nothing blocks/);
  });

  it('derives the needs from the definition: 86 M/day under 20 M requests is 4.3 events per request', async () => {
    const { report: r } = await report();

    expect(r.ok).toBe(true);
    expect(check(r, 'client.sap-fi').detail).toContain('quota 20,000,000/day: ≥ 4.3 events per request');
    // coupa (2 M/day) could not carry 86 M alone even in batches of 10: a warning, not a blocker.
    expect(check(r, 'client.coupa')).toMatchObject({ status: 'warn' });
    expect(check(r, 'clients.daily-quota').status).toBe('pass');
    // 4 stages × (inbox 10 + recorder 10) + escalations 10 = 90; ingest 2,500/s × 60 ms = 150; monitor 1.
    expect(check(r, 'quota.lambda-concurrency')).toMatchObject({ status: 'pass', required: 241, available: 1000 });
    expect(check(r, 'quota.api-rate')).toMatchObject({ required: 2500, available: 10_000 });
    expect(check(r, 'quota.sns-fifo-publish')).toMatchObject({ status: 'pass', required: 1000, available: 3000 });
    expect(check(r, 'quota.firehose-throughput').status).toBe('skip');
  });

  it('reads no more than it needs: only read calls, on the cell Region and account', async () => {
    await run('--cell', CELL.id);

    expect(quickSight.commandCalls(DescribeAccountSubscriptionCommand)[0]!.args[0].input.AwsAccountId).toBe(ACCOUNT);
    expect(cloudFormation.commandCalls(DescribeStacksCommand)[0]!.args[0].input.StackName).toBe('CDKToolkit');
    expect(
      serviceQuotas
        .commandCalls(GetServiceQuotaCommand)
        .map((c) => c.args[0].input.QuotaCode)
        .sort(),
    ).toEqual(['L-8A5B8E43', 'L-9B653E91', 'L-B99A9384', SNS_FIFO_CODE].sort());
  });
});

describe('bems preflight finds what blocks a deploy', () => {
  it('fails when the credentials are of another account, and checks nothing else of that account', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '222222222222', Arn: 'arn:aws:iam::222222222222:user/x' });

    const { code, report: r } = await report();

    expect(code).toBe(4);
    expect(check(r, 'account')).toMatchObject({ status: 'fail' });
    expect(check(r, 'account').detail).toBe(`credentials are for account 222222222222, the cell is in ${ACCOUNT}`);
    expect(cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(0);
    expect(r.checks.some((c) => c.id === 'clients.daily-quota')).toBe(true);
  });

  it('fails an account without Timestream access and advises the lakehouse', async () => {
    timestream.on(DescribeEndpointsCommand).rejects(
      awsError('AccessDeniedException', 'Timestream for LiveAnalytics is not available to new customers', {
        $metadata: { httpStatusCode: 403 },
      }),
    );

    const { code, out } = await run('--cell', CELL.id);

    expect(code).toBe(4);
    expect(out).toMatch(/✗ +Timestream for LiveAnalytics usable by this account +Timestream refuses this account/);
    expect(out).toContain('closed to new customers since 2025-06-20');
    expect(out).toContain(`fix:   set analytics: { store: 'lakehouse' } on cell ${CELL.id}`);
    expect(out).toMatch(/Not ready: 1 check blocks the deploy/);
  });

  it('only warns when the credentials themselves may not call Timestream', async () => {
    timestream
      .on(DescribeEndpointsCommand)
      .rejects(
        awsError(
          'AccessDeniedException',
          `User: arn:aws:iam::${ACCOUNT}:user/x is not authorized to perform: timestream:DescribeEndpoints`,
        ),
      );

    const { code, report: r } = await report();

    expect(code).toBe(0);
    expect(check(r, 'store.timestream').status).toBe('warn');
  });

  it('fails a missing bootstrap with the command that creates it', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(awsError('ValidationError', 'Stack with id CDKToolkit does not exist'));

    const { code, report: r } = await report();

    expect(code).toBe(4);
    expect(check(r, 'bootstrap')).toMatchObject({
      status: 'fail',
      detail: 'no CDKToolkit stack in eu-west-1',
      fix: `npx cdk bootstrap aws://${ACCOUNT}/eu-west-1`,
    });
  });

  it('fails a bootstrap older than the CDK app needs', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'CDKToolkit',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [{ OutputKey: 'BootstrapVersion', OutputValue: '6' }],
        },
      ],
    });

    const { code, report: r } = await report();

    expect(code).toBe(4);
    expect(check(r, 'bootstrap')).toMatchObject({ status: 'fail', required: 8, available: 6 });
    expect(check(r, 'bootstrap').fix).toContain('cdk bootstrap');
  });

  it.each([
    ['quota.api-rate', 'L-8A5B8E43', 2_000, 'L-8A5B8E43'],
    ['quota.lambda-concurrency', 'L-B99A9384', 10, 'new accounts start at 10'],
    ['quota.eventbridge-putevents', 'L-9B653E91', 400, 'L-9B653E91'],
    ['quota.sns-fifo-publish', SNS_FIFO_CODE, 300, 'FifoThroughputScope'],
  ])('fails the shortfall of %s', async (id, code, value, fixHint) => {
    quotas[code] = value;

    const { code: exit, report: r } = await report();

    expect(exit).toBe(4);
    expect(check(r, id)).toMatchObject({ status: 'fail', available: value });
    expect(check(r, id).fix).toContain(fixHint);
    expect(r.blocking).toBe(1);
  });

  it('uses the AWS default when the account never changed a quota', async () => {
    delete quotas['L-B99A9384'];
    serviceQuotas.on(GetAWSDefaultServiceQuotaCommand).resolves({ Quota: { QuotaCode: 'L-B99A9384', Value: 10 } });

    const { report: r } = await report();

    expect(check(r, 'quota.lambda-concurrency')).toMatchObject({ status: 'fail', available: 10 });
    expect(check(r, 'quota.lambda-concurrency').detail).toContain('AWS default L-B99A9384');
  });

  it('only warns when quotas cannot be read', async () => {
    serviceQuotas.on(GetServiceQuotaCommand).rejects(awsError('AccessDeniedException', 'not authorized'));

    const { code, report: r } = await report();

    expect(code).toBe(0);
    expect(check(r, 'quota.lambda-concurrency').status).toBe('warn');
    // The SNS FIFO quota falls back to its documented default, 3,000 messages/s per topic.
    expect(check(r, 'quota.sns-fifo-publish')).toMatchObject({ status: 'pass', available: 3000 });
  });

  it('fails dashboards without a QuickSight subscription or its service role', async () => {
    quickSight
      .on(DescribeAccountSubscriptionCommand)
      .rejects(awsError('ResourceNotFoundException', 'account is not subscribed'));
    iam.on(GetRoleCommand).rejects(awsError('NoSuchEntityException', 'role not found'));

    const { code, report: r } = await report();

    expect(code).toBe(4);
    expect(check(r, 'quicksight.subscription').status).toBe('fail');
    expect(check(r, 'quicksight.service-role').status).toBe('fail');
    expect(r.blocking).toBe(2);
  });

  it('skips QuickSight for a cell without dashboards', async () => {
    const { report: r } = await report('--cell', 'use1-a');

    expect(r.cell).toBe('use1-a');
    expect(check(r, 'quicksight.subscription').status).toBe('skip');
    expect(quickSight.commandCalls(DescribeAccountSubscriptionCommand)).toHaveLength(0);
  });
});

describe('bems preflight of a lakehouse cell', () => {
  it('checks S3 Tables and Firehose instead of Timestream', async () => {
    const r = await preflightOf({ analytics: { store: 'lakehouse' } });

    expect(r.ok).toBe(true);
    expect(r.store).toBe('lakehouse');
    expect(check(r, 'store.s3-tables').status).toBe('pass');
    expect(check(r, 'store.firehose').status).toBe('pass');
    expect(r.checks.some((c) => c.id === 'store.timestream')).toBe(false);
    expect(timestream.commandCalls(DescribeEndpointsCommand)).toHaveLength(0);
  });

  it('fails a Region without S3 Tables', async () => {
    s3Tables.on(ListTableBucketsCommand).rejects(
      Object.assign(awsError('Error', 'getaddrinfo ENOTFOUND s3tables.xx-west-9.amazonaws.com'), {
        code: 'ENOTFOUND',
      }),
    );

    const r = await preflightOf({ analytics: { store: 'lakehouse' } });

    expect(r.ok).toBe(false);
    expect(check(r, 'store.s3-tables').status).toBe('fail');
  });

  it('warns when the peak exceeds the documented Firehose throughput of a smaller Region', async () => {
    const twoConsumers = { authorization: { consumers: [{ name: 'recorder' }, { name: 'audit' }] } };
    const r = await preflightOf({ region: 'eu-central-1', analytics: { store: 'lakehouse' }, stages: twoConsumers });

    // 1,000 events/s × 2 consumers × 1,000 bytes ≈ 1.9 MiB/s over the 1 MiB/s default.
    expect(check(r, 'quota.firehose-throughput')).toMatchObject({ status: 'warn', required: 2000 });
    expect(check(r, 'quota.firehose-throughput').detail).toContain('short on MiB/s');
    expect(r.ok).toBe(true);
  });

  it('adds up the stage bursts of cells sharing the account and Region', async () => {
    const r = await preflightOf({ api: { burstLimit: 4000 } }, [{ api: { burstLimit: 3000 } }]);

    expect(check(r, 'quota.api-burst')).toMatchObject({ status: 'warn', required: 7000, available: 5000 });
    expect(check(r, 'quota.api-rate')).toMatchObject({ required: 5000 });
    expect(check(r, 'quota.api-rate').detail).toContain('cells lake-a, peer-0 share');
  });
});

describe("the cell's own arithmetic", () => {
  const cellWith = (apiClients: CellDefinitionInput['apiClients'], api?: CellDefinitionInput['api']) =>
    parseCellDefinition({ id: 'x', account: ACCOUNT, region: 'eu-west-1', apiClients, ...(api ? { api } : {}) });
  const byId = (cell: ReturnType<typeof cellWith>) =>
    Object.fromEntries(checkArithmetic(cell, cellNeeds(cell)).map((c) => [c.id, c]));

  it('blocks clients whose daily quotas cannot carry 86 million events even in batches of 10', () => {
    const checks = byId(
      cellWith([
        { name: 'a', quotaPerDay: 5_000_000 },
        { name: 'b', quotaPerDay: 3_000_000, revoked: true },
      ]),
    );

    expect(checks['clients.daily-quota']).toMatchObject({ status: 'fail' });
    expect(checks['clients.daily-quota']!.detail).toContain('≥ 17.2 events per request (max 10)');
    expect(checks['client.b']).toBeUndefined();
  });

  it('blocks client rates that cannot carry the peak', () => {
    const checks = byId(cellWith([{ name: 'a', rateLimit: 50 }]));

    expect(checks['clients.rate']).toMatchObject({ status: 'fail' });
    expect(checks['client.a']).toMatchObject({ status: 'warn' });
  });

  it('blocks a stage rate limit below the peak in full batches', () => {
    const checks = byId(cellWith([{ name: 'a' }], { rateLimit: 50 }));

    expect(checks['api.stage-rate']).toMatchObject({ status: 'fail' });
    expect(checks['api.stage-rate']!.fix).toContain('at least 100');
  });
});

describe('bems preflight when AWS cannot be asked', () => {
  it.each([
    [
      'no credentials',
      awsError('CredentialsProviderError', 'Could not load credentials from any providers'),
      /^bems preflight: no AWS credentials found: run `aws configure`/,
    ],
    [
      'an expired token',
      awsError('ExpiredTokenException', 'The security token included in the request is expired'),
      /^bems preflight: the AWS session has expired: run `aws sso login`/,
    ],
    [
      'no network',
      Object.assign(awsError('Error', 'getaddrinfo ENOTFOUND sts.eu-west-1.amazonaws.com'), { code: 'ENOTFOUND' }),
      /^bems preflight: cannot reach AWS in eu-west-1 \(ENOTFOUND\)/,
    ],
  ])('says so in one line for %s and exits 3', async (_, error, line) => {
    sts.on(GetCallerIdentityCommand).rejects(error);

    const { code, out, err } = await run('--cell', CELL.id);

    expect(code).toBe(3);
    expect(out).toBe('');
    expect(err.split('\n')).toHaveLength(1);
    expect(err).toMatch(line);
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('names the profile in the hint', async () => {
    sts.on(GetCallerIdentityCommand).rejects(awsError('CredentialsProviderError', 'Could not load credentials'));

    const { err } = await run('--cell', CELL.id, '--profile', 'finance');

    expect(err).toContain('no AWS credentials found for profile "finance": run `aws configure --profile finance`');
  });

  it('ends the run when the session expires after the first call', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(awsError('ExpiredToken', 'token expired'));

    const { code, err } = await run('--cell', CELL.id);

    expect(code).toBe(3);
    expect(err).toMatch(/session has expired/);
  });

  it('refuses an unknown cell and a missing --cell', async () => {
    expect((await run('--cell', 'nope')).code).toBe(3);
    expect((await run()).code).toBe(2);
    expect((await run('--cell', CELL.id, '--output', 'xml')).code).toBe(2);
  });
});

describe('bems preflight --output json', () => {
  it('has a stable shape', async () => {
    const { report: r } = await report();

    expect(Object.keys(r).sort()).toEqual(
      ['account', 'blocking', 'cell', 'checks', 'ok', 'principal', 'region', 'store', 'version', 'warnings'].sort(),
    );
    expect(r).toMatchObject({ version: 1, cell: CELL.id, account: ACCOUNT, region: 'eu-west-1', store: 'timestream' });
    expect(r.checks.map((c) => c.id)).toEqual([
      'account',
      'bootstrap',
      'store.timestream',
      'quicksight.subscription',
      'quicksight.service-role',
      'quota.api-rate',
      'quota.lambda-concurrency',
      'quota.eventbridge-putevents',
      'quota.sns-fifo-publish',
      'quota.api-burst',
      'quota.firehose-throughput',
      'api.stage-rate',
      'clients.rate',
      'clients.daily-quota',
      'client.sap-fi',
      'client.coupa',
    ]);
    const allowed = ['id', 'title', 'status', 'detail', 'meaning', 'fix', 'required', 'available'];
    for (const c of r.checks) {
      expect(allowed).toEqual(expect.arrayContaining(Object.keys(c)));
      expect(['pass', 'fail', 'warn', 'skip']).toContain(c.status);
      if (c.status === 'fail' || c.status === 'warn') expect(c).toHaveProperty('fix');
    }
    expect(r.warnings).toBe(r.checks.filter((c) => c.status === 'warn').length);
  });
});

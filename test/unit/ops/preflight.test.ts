import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { DescribeAccountSubscriptionCommand } from '@aws-sdk/client-quicksight';
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand } from '@aws-sdk/client-service-quotas';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { DescribeEndpointsCommand } from '@aws-sdk/client-timestream-write';
import { describe, expect, it } from 'vitest';
import {
  ACCOUNT,
  awsError,
  CELL,
  check,
  cloudFormation,
  iam,
  quickSight,
  quotas,
  report,
  run,
  SNS_FIFO_CODE,
  serviceQuotas,
  sts,
  timestream,
  useReadyAccount,
} from './support/preflightAccount.ts';

useReadyAccount();

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
      'governance.config-recorder',
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

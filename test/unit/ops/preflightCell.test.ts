import { ListTableBucketsCommand } from '@aws-sdk/client-s3tables';
import { DescribeEndpointsCommand } from '@aws-sdk/client-timestream-write';
import { describe, expect, it } from 'vitest';
import { type CellDefinitionInput, parseCellDefinition } from '../../../cells/definition.ts';
import { checkArithmetic } from '../../../ops/preflight/arithmeticChecks.ts';
import { cellNeeds } from '../../../ops/preflight/index.ts';
import {
  ACCOUNT,
  awsError,
  check,
  preflightOf,
  s3Tables,
  timestream,
  useReadyAccount,
} from './support/preflightAccount.ts';

useReadyAccount();

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

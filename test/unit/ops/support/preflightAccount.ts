/** The mocked AWS account the preflight tests start from: everything ready for euw1-a. */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  ConfigServiceClient,
  DescribeConfigurationRecorderStatusCommand,
  DescribeConfigurationRecordersCommand,
} from '@aws-sdk/client-config-service';
import { FirehoseClient, ListDeliveryStreamsCommand } from '@aws-sdk/client-firehose';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { DescribeAccountSubscriptionCommand, QuickSightClient } from '@aws-sdk/client-quicksight';
import { ListTableBucketsCommand, S3TablesClient } from '@aws-sdk/client-s3tables';
import { GetServiceQuotaCommand, ListServiceQuotasCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  DescribeEndpointsCommand,
  ListDatabasesCommand,
  TimestreamWriteClient,
} from '@aws-sdk/client-timestream-write';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach } from 'vitest';
import { awsCells } from '../../../../cells/cells.config.ts';
import { type CellDefinitionInput, parseCellDefinition } from '../../../../cells/definition.ts';
import { main } from '../../../../ops/cli.ts';
import {
  type CheckResult,
  createPreflightClients,
  type PreflightReport,
  runPreflight,
} from '../../../../ops/preflight/index.ts';

/** euw1-a: a timestream cell with QuickSight dashboards, sharing its account (not its Region) with use1-a. */
export const CELL = awsCells()[0]!;
export const ACCOUNT = CELL.account;

export const sts = mockClient(STSClient);
export const cloudFormation = mockClient(CloudFormationClient);
export const serviceQuotas = mockClient(ServiceQuotasClient);
export const timestream = mockClient(TimestreamWriteClient);
export const s3Tables = mockClient(S3TablesClient);
export const firehose = mockClient(FirehoseClient);
export const quickSight = mockClient(QuickSightClient);
export const iam = mockClient(IAMClient);
export const configService = mockClient(ConfigServiceClient);
const MOCKS = [sts, cloudFormation, serviceQuotas, timestream, s3Tables, firehose, quickSight, iam, configService];

export const SNS_FIFO_CODE = 'L-FIFO0001';
/** A well-provisioned account: every applied quota above what euw1-a needs. */
export const quotas: Record<string, number> = {};

export function awsError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, $metadata: {}, ...extra });
}

/** Registers the mocks of a ready account around every test of the calling file. */
export function useReadyAccount(): void {
  beforeEach(() => {
    for (const mock of MOCKS) mock.reset();
    for (const key of Object.keys(quotas)) delete quotas[key];
    Object.assign(quotas, { 'L-8A5B8E43': 10_000, 'L-B99A9384': 1_000, 'L-9B653E91': 10_000, [SNS_FIFO_CODE]: 3_000 });
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
    // The account records everything with the default recorder (GOVERNANCE: configRecorder 'existing').
    configService
      .on(DescribeConfigurationRecordersCommand)
      .resolves({ ConfigurationRecorders: [{ name: 'default', recordingGroup: { allSupported: true } }] });
    configService
      .on(DescribeConfigurationRecorderStatusCommand)
      .resolves({ ConfigurationRecordersStatus: [{ name: 'default', recording: true }] });
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
}

export async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['preflight', ...argv], { out: (t) => out.push(t), err: (t) => err.push(t), env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

export async function report(...argv: string[]): Promise<{ code: number; report: PreflightReport }> {
  const { code, out } = await run('--cell', CELL.id, '--output', 'json', ...argv);
  return { code, report: JSON.parse(out) as PreflightReport };
}

export function check(r: PreflightReport, id: string): CheckResult {
  const found = r.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id} in ${r.checks.map((c) => c.id).join(', ')}`);
  return found;
}

/** Runs preflight on a cell that is not in the config (a lakehouse cell, peers in one Region). */
export async function preflightOf(input: Partial<CellDefinitionInput>, peers: Partial<CellDefinitionInput>[] = []) {
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

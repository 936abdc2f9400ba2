import {
  type CellDefinitionInput,
  type GlobalViewInput,
  type GovernanceInput,
  parseCellDefinitions,
  parseGlobalView,
} from './definition.ts';

/**
 * The cells BEMS runs. Add a cell by adding an entry (see docs/ARCHITECTURE.md, "Adding a cell").
 * `local` is the cell `npm start` runs; the others are AWS cells the CDK app synthesizes.
 */

/** Development key of the local cell: printed at start-up, never valid anywhere else. */
export const LOCAL_DEV_API_KEY = 'bems-local-dev-key-0123456789abcdef';

export const LOCAL_CELL: CellDefinitionInput = {
  id: 'local',
  account: '000000000000',
  region: 'eu-west-1',
  apiClients: [{ name: 'dev', localKey: LOCAL_DEV_API_KEY, rateLimit: 5000, burstLimit: 10000 }],
  redrive: { automatic: false },
};

/**
 * Who may operate the AWS cells from other accounts (cells/definition.ts, CellAccessSchema): the
 * operations account assumes `bems-<cell>-operator` or `-readonly`, the finance/BI account
 * `-readonly`, both only from inside the organization.
 */
const ORGANIZATION_ACCESS = {
  operationsAccount: '444444444444',
  financeAccount: '555555555555',
  principalOrgId: 'o-a1b2c3d4e5',
} as const;

export const AWS_CELLS: CellDefinitionInput[] = [
  {
    id: 'euw1-a',
    account: '111111111111',
    region: 'eu-west-1',
    apiClients: [{ name: 'sap-fi' }, { name: 'coupa', rateLimit: 200, burstLimit: 400, quotaPerDay: 2_000_000 }],
    // Producers call ingest synchronously: keep a few instances warm so none of them waits on a cold start.
    provisionedConcurrency: { ingest: 5 },
    stages: {
      // A second authorization consumer sees only escalations (an SNS filter policy). Its records
      // carry consumer="escalations"; views count the stage's first consumer ("recorder").
      authorization: {
        consumers: [{ name: 'recorder' }, { name: 'escalations', filterPolicy: { status: ['escalated'] } }],
      },
    },
    alerts: { critical: ['finance-oncall@example.com'], warning: ['finance-ops@example.com'] },
    // FIS experiments on the consumers (docs/OPERATIONS.md, "Game days on AWS (FIS)").
    gameDays: { enabled: true },
    quicksightPrincipalArn: 'arn:aws:quicksight:eu-west-1:111111111111:group/default/finance-analysts',
    access: ORGANIZATION_ACCESS,
    domain: {
      name: 'invoices.example.com',
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      hostedZoneName: 'example.com',
      certificateArn: 'arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-0000-0000-000000000001',
    },
  },
  {
    id: 'use1-a',
    account: '111111111111',
    region: 'us-east-1',
    apiClients: [{ name: 'sap-fi' }],
    stages: {
      // A Fargate consumer (long-running processing): an ECS service in a VPC the cell creates,
      // scaled on its queue's backlog per task. Its records carry consumer="ledger".
      posting: {
        consumers: [
          { name: 'recorder' },
          { name: 'ledger', kind: 'fargate', fargate: { minTasks: 1, maxTasks: 4, backlogPerTask: 100 } },
        ],
      },
    },
    alerts: { critical: ['finance-oncall@example.com'] },
    redrive: { automatic: true, ratePerSecond: 20, budgetPerMessage: 3 },
    // An ExternalId as well: the operations tooling of this cell presents it (the CLI does).
    access: { ...ORGANIZATION_ACCESS, externalId: 'bems-use1-a-operations' },
    domain: {
      name: 'invoices.example.com',
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      hostedZoneName: 'example.com',
      certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-0000-0000-000000000002',
    },
  },
  {
    // A `lakehouse` cell: Firehose into an Iceberg table in an S3 table bucket, Athena and QuickSight
    // over it — for an account that cannot create a Timestream for LiveAnalytics database.
    id: 'euc1-a',
    account: '333333333333',
    region: 'eu-central-1',
    analytics: { store: 'lakehouse' },
    apiClients: [{ name: 'sap-fi' }],
    alerts: { critical: ['finance-oncall@example.com'] },
    quicksightPrincipalArn: 'arn:aws:quicksight:eu-central-1:333333333333:group/default/finance-analysts',
    access: ORGANIZATION_ACCESS,
  },
];

/**
 * How each account that hosts cells is governed (cells/governanceDefinition.ts): its trail, its
 * AWS Config recorder, where governance alerts go. An account without an entry gets an account
 * trail in the Region of its first cell and uses the Config recorder it has.
 */
export const GOVERNANCE: GovernanceInput = {
  accounts: [
    {
      // The BEMS account is the organization's delegated administrator for CloudTrail: one trail for all.
      account: '111111111111',
      organizationRole: 'delegated-admin',
      organizationId: 'o-a1b2c3d4e5',
      trail: { mode: 'organization', homeRegion: 'eu-west-1' },
      configRecorder: 'existing',
    },
    { account: '333333333333', trail: { mode: 'account' }, configRecorder: 'create' },
  ],
};

/**
 * The global operations view (`bems-global`): every AWS cell side by side, from a monitoring account
 * of its own (docs/ARCHITECTURE.md, "The global operations view"). Add `sinkArns` once the sink
 * stacks are deployed.
 */
export const GLOBAL_VIEW: GlobalViewInput = {
  account: '999999999999',
  region: 'eu-west-1',
};

export function localCell() {
  return parseCellDefinitions([LOCAL_CELL])[0]!;
}

export function awsCells() {
  return parseCellDefinitions(AWS_CELLS);
}

export function globalView() {
  return parseGlobalView(GLOBAL_VIEW, awsCells());
}

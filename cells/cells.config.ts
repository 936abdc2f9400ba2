import { type CellDefinitionInput, parseCellDefinitions } from './definition.ts';

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

export const AWS_CELLS: CellDefinitionInput[] = [
  {
    id: 'euw1-a',
    account: '111111111111',
    region: 'eu-west-1',
    apiClients: [{ name: 'sap-fi' }, { name: 'coupa', rateLimit: 200, burstLimit: 400, quotaPerDay: 2_000_000 }],
    stages: {
      // A second authorization consumer sees only escalations (an SNS filter policy). Its records
      // carry consumer="escalations"; views count the stage's first consumer ("recorder").
      authorization: {
        consumers: [{ name: 'recorder' }, { name: 'escalations', filterPolicy: { status: ['escalated'] } }],
      },
    },
    alerts: { critical: ['finance-oncall@example.com'], warning: ['finance-ops@example.com'] },
    quicksightPrincipalArn: 'arn:aws:quicksight:eu-west-1:111111111111:group/default/finance-analysts',
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
  },
];

export function localCell() {
  return parseCellDefinitions([LOCAL_CELL])[0]!;
}

export function awsCells() {
  return parseCellDefinitions(AWS_CELLS);
}

import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { athenaDatasets } from '../../dashboards/quicksight/timestreamDatasets.ts';
import type { CellTopology } from '../topology.ts';
import { acknowledge } from './acknowledge.ts';
import type { LakehouseStore } from './LakehouseStore.ts';
import { primaryConsumersOf, type QuickSightSource, slaSecondsOf } from './QuickSightDashboards.ts';

/**
 * The QuickSight data source of a `lakehouse` cell: Athena, in the cell's workgroup, with the
 * datasets' SQL in Athena's dialect (the query catalogue, `dashboards/catalogue/`, run on DuckDB in tests). The dashboards,
 * datasets and sheets are the same as a `timestream` cell's (`QuickSightDashboards`).
 *
 * QuickSight runs the queries as a role of the cell (the data source's `RoleArn`), not as the
 * account-wide `aws-quicksight-service-role-v0`: that role gets exactly this workgroup, this table
 * and the cell key, and the account-wide role needs no change — nor to exist with Athena access.
 */
export function athenaSource(lakehouse: LakehouseStore, topology: CellTopology): QuickSightSource {
  const stack = Stack.of(lakehouse);
  const role = new iam.Role(lakehouse, 'QuickSightRole', {
    assumedBy: new iam.ServicePrincipal('quicksight.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
    description: `Lets QuickSight query the BEMS ${topology.cellId} Iceberg table through Athena`,
  });
  lakehouse.grantQuery(role);
  acknowledge(
    role,
    `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(lakehouse.athena.resultsBucket.node.defaultChild as never)}.Arn>/results/*]`,
    "Objects under the workgroup's results prefix only: Athena names each result file by query id.",
  );
  return {
    id: 'athena',
    label: 'Athena',
    type: 'ATHENA',
    slaSecondsByStage: slaSecondsOf(topology),
    parameters: { athenaParameters: { workGroup: lakehouse.athena.workGroupName, roleArn: role.roleArn } },
    datasets: athenaDatasets({
      table: [lakehouse.athenaCatalogName, lakehouse.namespaceName, lakehouse.tableName]
        .map((name) => `"${name}"`)
        .join('.'),
      primaryConsumers: primaryConsumersOf(topology),
      slaSecondsByStage: slaSecondsOf(topology),
    }),
    // Granted above, to the data source's own role.
    grantRead: () => {},
  };
}

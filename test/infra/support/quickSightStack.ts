import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { QuickSightDashboards, timestreamSource } from '../../../cells/constructs/QuickSightDashboards.ts';
import { TimeseriesStore } from '../../../cells/constructs/TimeseriesStore.ts';
import type { CellDefinition } from '../../../cells/definition.ts';
import { cellTopology } from '../../../cells/topology.ts';

/** The QuickSight dashboards of a cell alone in a small stack (a Timestream table, no service-role grant): fast to synthesize. */
export function quickSightTemplate(cell: CellDefinition, principalArn: string, prefix: string): Template {
  const stack = new Stack(new App(), 'Dashboards', { env: { account: cell.account, region: cell.region } });
  const topology = cellTopology(cell);
  const timeseries = new TimeseriesStore(stack, 'Timeseries', {
    databaseName: topology.timestreamDatabase,
    tableName: topology.timestreamTable,
    retention: { memoryRetentionHours: 24, magneticRetentionDays: 30 },
    encryptionKey: new kms.Key(stack, 'Key'),
  });
  new QuickSightDashboards(stack, 'QuickSight', {
    principalArn,
    cellId: cell.id,
    prefix,
    source: timestreamSource({ topology, timeseries, grantServiceRole: false }),
  });
  return Template.fromStack(stack);
}

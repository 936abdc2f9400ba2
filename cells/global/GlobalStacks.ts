import { type App, CfnParameter, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import * as oam from 'aws-cdk-lib/aws-oam';
import type { Construct } from 'constructs';
import type { CellDefinition, GlobalView } from '../definition.ts';
import { CellHealthAlarms } from './CellHealthAlarms.ts';
import { GlobalDashboard } from './GlobalDashboard.ts';
import { GlobalCellMetrics } from './globalCellMetrics.ts';
import { ObservabilitySink, SHARED_RESOURCE_TYPES } from './ObservabilitySink.ts';

/** CDK ids (what `cdk deploy` names) and CloudFormation names of the global view's stacks. */
export const GLOBAL_STACK_ID = 'Bems-global';
export const globalRegionStackId = (region: string) => `Bems-global-${region}`;
export const globalLinkStackId = (account: string, region: string) => `Bems-global-link-${account}-${region}`;

/** The cells of one Region, and the sink/alarms the monitoring account keeps for them there. */
class GlobalRegion {
  constructor(scope: Construct, view: GlobalView, cells: readonly CellDefinition[]) {
    const sources = [...new Set(cells.map((c) => c.account).filter((account) => account !== view.account))];
    // A Region whose cells all run in the monitoring account needs no sink: its metrics are local.
    if (sources.length > 0) new ObservabilitySink(scope, 'Observability', { sourceAccounts: sources });
    for (const cell of cells)
      new CellHealthAlarms(scope, `Health-${cell.id}`, { metrics: new GlobalCellMetrics(cell) });
  }
}

function healthAlarmArn(view: GlobalView, cell: CellDefinition): string {
  return `arn:aws:cloudwatch:${cell.region}:${view.account}:alarm:bems-global-${cell.id}-health`;
}

function stackProps(view: GlobalView, region: string, name: string, description: string): StackProps {
  return { stackName: name, description, env: { account: view.account, region }, terminationProtection: true };
}

/**
 * The global operations view as stacks, all generated from the cells config:
 * - `bems-global` (the monitoring account and Region): the dashboard, and the sink and health alarms
 *   of the cells in that Region;
 * - `bems-global-<region>` (monitoring account) for every other Region with cells: its sink and the
 *   health alarms of its cells — OAM sinks and metric alarms are Regional;
 * - `bems-global-link-<account>-<region>` (in each cell account and Region other than the monitoring
 *   account): the OAM link sharing its metrics with that Region's sink (parameter `SinkArn`).
 */
export function addGlobalStacks(app: App, view: GlobalView, cells: readonly CellDefinition[]): Stack[] {
  const byRegion = Map.groupBy(cells, (c) => c.region);
  const home = new Stack(
    app,
    GLOBAL_STACK_ID,
    stackProps(view, view.region, 'bems-global', 'BEMS global operations view: every cell side by side'),
  );
  const stacks: Stack[] = [home];
  for (const [region, regionCells] of byRegion) {
    const stack =
      region === view.region
        ? home
        : new Stack(
            app,
            globalRegionStackId(region),
            stackProps(
              view,
              region,
              `bems-global-${region}`,
              `BEMS global view: OAM sink and cell health alarms in ${region}`,
            ),
          );
    if (stack !== home) stacks.push(stack);
    new GlobalRegion(stack, view, regionCells);
  }
  new GlobalDashboard(home, 'Operations', {
    cells: cells.map((cell) => ({ metrics: new GlobalCellMetrics(cell), healthAlarmArn: healthAlarmArn(view, cell) })),
  });
  stacks.push(...linkStacks(app, view, cells));
  for (const stack of stacks) Tags.of(stack).add('bems:global', 'true');
  return stacks;
}

function linkStacks(app: App, view: GlobalView, cells: readonly CellDefinition[]): Stack[] {
  const sources = new Map(
    cells.filter((c) => c.account !== view.account).map((c) => [`${c.account}/${c.region}`, c] as const),
  );
  return [...sources.values()].map(({ account, region }) => {
    const stack = new Stack(app, globalLinkStackId(account, region), {
      stackName: `bems-global-link-${region}`,
      description: `BEMS global view: shares this account's CloudWatch metrics in ${region} with monitoring account ${view.account}`,
      env: { account, region },
      terminationProtection: true,
    });
    const sinkArn = new CfnParameter(stack, 'SinkArn', {
      type: 'String',
      description: `The OAM sink of bems-global in ${region} (output SinkArn of its stack)`,
      allowedPattern: `^arn:aws[a-z-]*:oam:${region}:${view.account}:sink/[\\w-]+$`,
      ...(view.sinkArns[region] ? { default: view.sinkArns[region] } : {}),
    });
    new oam.CfnLink(stack, 'Link', {
      sinkIdentifier: sinkArn.valueAsString,
      resourceTypes: [...SHARED_RESOURCE_TYPES],
      labelTemplate: '$AccountName',
    });
    return stack;
  });
}

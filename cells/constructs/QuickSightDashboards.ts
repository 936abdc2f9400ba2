import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as quicksight from 'aws-cdk-lib/aws-quicksight';
import { Construct, type IConstruct } from 'constructs';
import { quickSightDefinition } from '../../dashboards/quicksight/quickSightDefinition.ts';
import {
  type DatasetId,
  type TimestreamDataset,
  timestreamDatasets,
} from '../../dashboards/quicksight/timestreamDatasets.ts';
import { STAGES, type Stage } from '../../schemas/stages.ts';
import type { CellTopology } from '../topology.ts';
import { acknowledge } from './acknowledge.ts';
import { TIMESTREAM_ENDPOINT_DISCOVERY } from './StuckEventMonitor.ts';
import type { TimeseriesStore } from './TimeseriesStore.ts';

export interface QuickSightDashboardsProps {
  /** The QuickSight user or group (ARN) the dashboard, datasets and data source are shared with. */
  readonly principalArn: string;
  readonly cellId: string;
  /** Resource-name prefix of the cell (`bems-<cell>`); QuickSight ids start with it. */
  readonly prefix: string;
  /** Where the datasets' queries run: the cell's analytics store ({@link timestreamSource}, `athenaSource`). */
  readonly source: QuickSightSource;
  /** Named on the operations sheet: queue depths and DLQs are CloudWatch metrics, not Timestream data. */
  readonly cloudWatchDashboardName?: string;
}

/** The analytics store as QuickSight reads it: a data source and the datasets' SQL in its dialect. */
export interface QuickSightSource {
  /** Suffix of the data source id (`<prefix>-<id>`) and its name's last word, e.g. `timestream`, `athena`. */
  readonly id: string;
  readonly label: string;
  readonly type: 'TIMESTREAM' | 'ATHENA';
  readonly parameters?: quicksight.CfnDataSource.DataSourceParametersProperty;
  readonly datasets: readonly TimestreamDataset[];
  /** The stage SLAs of the cell, named by the KPI texts ("Stage SLA · 15 min"). */
  readonly slaSecondsByStage: Readonly<Record<Stage, number>>;
  /** Lets the role QuickSight queries with read the store; called once, with the dashboards as scope. */
  readonly grantRead: (scope: IConstruct) => void;
}

export interface TimestreamSourceOptions {
  readonly topology: CellTopology;
  /** The table the datasets query. */
  readonly timeseries: TimeseriesStore;
  /**
   * QuickSight's service role in this account: it runs the Timestream queries, so it gets `Select`
   * on this cell's table (and nothing else of the cell).
   * @default 'aws-quicksight-service-role-v0'
   */
  readonly serviceRoleName?: string;
  /**
   * Grant that role read access to the table. Turn off when an account-wide role is managed elsewhere.
   * @default true
   */
  readonly grantServiceRole?: boolean;
}

/** The Timestream data source of a `timestream` cell, queried as QuickSight's service role. */
export function timestreamSource(options: TimestreamSourceOptions): QuickSightSource {
  const { topology, timeseries } = options;
  return {
    id: 'timestream',
    label: 'Timestream',
    type: 'TIMESTREAM',
    slaSecondsByStage: slaSecondsOf(topology),
    datasets: timestreamDatasets({
      databaseName: timeseries.databaseName,
      tableName: timeseries.tableName,
      primaryConsumers: primaryConsumersOf(topology),
      slaSecondsByStage: slaSecondsOf(topology),
    }),
    grantRead: (scope) => {
      if (!(options.grantServiceRole ?? true)) return;
      // QuickSight's service role runs the Timestream queries: it may read this cell's table.
      const role = iam.Role.fromRoleName(
        scope,
        'ServiceRole',
        options.serviceRoleName ?? 'aws-quicksight-service-role-v0',
      );
      timeseries.grantQuery(role);
      acknowledge(
        scope,
        'AwsSolutions-IAM5[Resource::*]',
        `${TIMESTREAM_ENDPOINT_DISCOVERY}. Select and DescribeTable are scoped to this cell's table.`,
      );
    },
  };
}

/** What a shared principal may do: use, not change. Owners administer QuickSight resources outside the cell stack. */
const VIEWER_ACTIONS = {
  dataSource: [
    'quicksight:DescribeDataSource',
    'quicksight:DescribeDataSourcePermissions',
    'quicksight:PassDataSource',
  ],
  dataSet: [
    'quicksight:DescribeDataSet',
    'quicksight:DescribeDataSetPermissions',
    'quicksight:PassDataSet',
    'quicksight:DescribeIngestion',
    'quicksight:ListIngestions',
  ],
  dashboard: ['quicksight:DescribeDashboard', 'quicksight:ListDashboardVersions', 'quicksight:QueryDashboard'],
} as const;

/**
 * The cell's business dashboards in QuickSight, as code: a data source (Timestream or Athena), one custom-SQL
 * dataset per source of the shared view definition (`dashboards/views.ts`), and one dashboard with
 * the Executive, Operations and Finance sheets — including QuickSight's ML forecast insight on event
 * volume — all shared with the configured principal. `CellStack` creates it only when the cell
 * definition names a `quicksightPrincipalArn`.
 */
export class QuickSightDashboards extends Construct {
  public readonly dashboard: quicksight.CfnDashboard;
  public readonly dashboardId: string;
  // The data source and datasets are the dashboard's own: nothing outside it reads them.
  private readonly dataSource: quicksight.CfnDataSource;
  private readonly dataSets: ReadonlyMap<DatasetId, quicksight.CfnDataSet>;

  constructor(scope: Construct, id: string, props: QuickSightDashboardsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const permissions = (actions: readonly string[]) => [{ principal: props.principalArn, actions: [...actions] }];

    const { source } = props;
    this.dataSource = new quicksight.CfnDataSource(this, 'DataSource', {
      awsAccountId: stack.account,
      dataSourceId: `${props.prefix}-${source.id}`,
      name: `BEMS ${props.cellId} ${source.label}`,
      type: source.type,
      ...(source.parameters ? { dataSourceParameters: source.parameters } : {}),
      permissions: permissions(VIEWER_ACTIONS.dataSource),
    });

    const { datasets } = source;
    this.dataSets = new Map(
      datasets.map((dataset) => [
        dataset.id,
        this.customSqlDataSet(dataset, props, permissions(VIEWER_ACTIONS.dataSet)),
      ]),
    );
    this.eventVolumeRefresh(props);

    this.dashboardId = `${props.prefix}-dashboards`;
    this.dashboard = this.dashboardOf(datasets, props, permissions(VIEWER_ACTIONS.dashboard));

    source.grantRead(this);
  }

  /** One custom-SQL dataset over the cell's table. */
  private customSqlDataSet(
    dataset: TimestreamDataset,
    props: QuickSightDashboardsProps,
    permissions: quicksight.CfnDataSet.ResourcePermissionProperty[],
  ): quicksight.CfnDataSet {
    const stack = Stack.of(this);
    // Physical table ids allow letters, digits and dashes only.
    const tableId = dataset.id.replaceAll('_', '-');
    return new quicksight.CfnDataSet(this, `DataSet-${tableId}`, {
      awsAccountId: stack.account,
      dataSetId: `${props.prefix}-${tableId}`,
      name: `BEMS ${props.cellId} ${dataset.name}`,
      importMode: dataset.importMode,
      physicalTableMap: {
        [tableId]: {
          customSql: {
            dataSourceArn: this.dataSource.attrArn,
            name: dataset.name,
            sqlQuery: dataset.sql,
            columns: dataset.columns.map((c) => ({ name: c.name, type: c.type })),
          },
        },
      },
      permissions,
    });
  }

  /** The event-volume dataset (SPICE) behind the ML insight is refreshed hourly. */
  private eventVolumeRefresh(props: QuickSightDashboardsProps): void {
    const volume = this.dataSets.get('event_volume')!;
    const refreshSchedule = new quicksight.CfnRefreshSchedule(this, 'EventVolumeRefresh', {
      awsAccountId: Stack.of(this).account,
      dataSetId: `${props.prefix}-event-volume`,
      schedule: {
        scheduleId: `${props.prefix}-event-volume-hourly`,
        refreshType: 'FULL_REFRESH',
        scheduleFrequency: { interval: 'HOURLY' },
      },
    });
    refreshSchedule.node.addDependency(volume);
  }

  private dashboardOf(
    datasets: readonly TimestreamDataset[],
    props: QuickSightDashboardsProps,
    permissions: quicksight.CfnDashboard.ResourcePermissionProperty[],
  ): quicksight.CfnDashboard {
    return new quicksight.CfnDashboard(this, 'Dashboard', {
      awsAccountId: Stack.of(this).account,
      dashboardId: this.dashboardId,
      name: `BEMS ${props.cellId}: executive, operations, finance`,
      versionDescription: 'Built from dashboards/views.ts',
      definition: quickSightDefinition({
        datasets,
        datasetArns: Object.fromEntries([...this.dataSets].map(([key, cfn]) => [key, cfn.attrArn])) as Record<
          DatasetId,
          string
        >,
        slaSecondsByStage: props.source.slaSecondsByStage,
        ...(props.cloudWatchDashboardName ? { cloudWatchDashboardName: props.cloudWatchDashboardName } : {}),
      }),
      permissions,
      // Every visual's menu offers "Export to CSV" (tables included), of the fields it shows.
      dashboardPublishOptions: {
        adHocFilteringOption: { availabilityStatus: 'ENABLED' },
        exportToCsvOption: { availabilityStatus: 'ENABLED' },
        visualMenuOption: { availabilityStatus: 'ENABLED' },
        exportWithHiddenFieldsOption: { availabilityStatus: 'DISABLED' },
        sheetControlsOption: { visibilityState: 'EXPANDED' },
      },
      // A definition QuickSight cannot render fails the deployment instead of publishing a broken sheet.
      validationStrategy: { mode: 'STRICT' },
    });
  }
}

/** Stage → SLA seconds of a cell topology (the stuck rule). */
export function slaSecondsOf(topology: CellTopology): Record<Stage, number> {
  return Object.fromEntries(topology.stages.map((s) => [s.stage, s.slaSeconds])) as Record<Stage, number>;
}

/** Stage → first consumer of a cell topology (the records the dashboards count). */
export function primaryConsumersOf(topology: CellTopology): Record<Stage, string> {
  return Object.fromEntries(
    STAGES.map((stage) => [stage, topology.stages.find((s) => s.stage === stage)!.consumers[0]!.consumer]),
  ) as Record<Stage, string>;
}

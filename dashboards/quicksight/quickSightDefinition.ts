import type { CfnDashboard } from 'aws-cdk-lib/aws-quicksight';
import { STAGES, type Stage } from '../../schemas/stages.ts';
import { VIEWS } from '../viewDefinitions/index.ts';
import { VIEW_IDS, type ViewDef } from '../views.ts';
import { currencyControl, currencyFilterGroup } from './currencyFilter.ts';
import { column, DATE_FORMATS, TIME_ZONE, type Visual } from './fields.ts';
import { panelVisuals } from './panelVisuals.ts';
import type { DatasetId, TimestreamDataset } from './timestreamDatasets.ts';

/**
 * The QuickSight dashboard definition (three sheets) built from the same view definition as the
 * local dashboard: each panel becomes one or two visuals over the dataset of its source, with its
 * dimensions in the field wells and its measure as the value (`panelVisuals`, one builder per panel
 * kind). Money is summed in integer minor units and divided once by 10^digits of its currency
 * (`fields.ts`); it is always split by currency (small multiples or a currency column), never added
 * across currencies.
 */

type Definition = CfnDashboard.DashboardVersionDefinitionProperty;
type LayoutElement = CfnDashboard.GridLayoutElementProperty;

export interface QuickSightDefinitionOptions {
  /** Dataset identifier → ARN, for the datasets of `timestreamDatasets()`. */
  readonly datasetArns: Readonly<Record<DatasetId, string>>;
  readonly datasets: readonly TimestreamDataset[];
  /** Where operators find queue depths and DLQs on AWS (they are CloudWatch metrics, not Timestream data). */
  readonly cloudWatchDashboardName?: string;
  /** The stage SLAs the KPI texts name (the cell definition's `slaSeconds`). @default 900 for every stage */
  readonly slaSecondsByStage?: Readonly<Record<Stage, number>>;
}

/** The one parameter every sheet's range control sets; each dataset's time filter reads it. */
export const RANGE_PARAMETER = 'RangeStart';

/** The text boxes a sheet needs for panels QuickSight cannot draw from Timestream. */
function textBoxes(view: ViewDef, options: QuickSightDefinitionOptions): CfnDashboard.SheetTextBoxProperty[] {
  const what = { queues: 'queue depths and DLQ counts are', visibility: 'end-to-end latency (EndToEndLatency) is' };
  return view.panels
    .filter((panel) => panel.kind === 'queues' || panel.kind === 'visibility')
    .map((panel) => ({
      sheetTextBoxId: `${view.id}-${panel.id}`,
      content:
        `<text-box>${panel.title}: ${what[panel.kind as keyof typeof what]} CloudWatch metrics` +
        `${options.cloudWatchDashboardName ? ` — see the CloudWatch dashboard ${options.cloudWatchDashboardName}` : ''}.</text-box>`,
    }));
}

function sheet(view: ViewDef, options: QuickSightDefinitionOptions): CfnDashboard.SheetDefinitionProperty {
  const sla =
    options.slaSecondsByStage ?? (Object.fromEntries(STAGES.map((stage) => [stage, 900])) as Record<Stage, number>);
  const placedVisuals = view.panels.flatMap((panel) => panelVisuals(view, panel, sla));
  const boxes = textBoxes(view, options);
  const controlId = `${view.id}-range`;
  const visualIdOf = (visual: Visual): string => {
    const inner = Object.values(visual).find((v) => v && typeof v === 'object') as { visualId: string };
    return inner.visualId;
  };
  const elements: LayoutElement[] = [
    { elementId: controlId, elementType: 'PARAMETER_CONTROL', columnSpan: 12, rowSpan: 2 },
    { elementId: `${view.id}-currency`, elementType: 'FILTER_CONTROL', columnSpan: 12, rowSpan: 2 },
    ...boxes.map((box) => ({ elementId: box.sheetTextBoxId, elementType: 'TEXT_BOX', columnSpan: 12, rowSpan: 4 })),
    ...placedVisuals.map((p) => ({
      elementId: visualIdOf(p.visual),
      elementType: 'VISUAL',
      columnSpan: p.columnSpan,
      rowSpan: p.rowSpan,
    })),
  ];
  return {
    sheetId: view.id,
    name: view.title,
    title: view.title,
    description: view.audience,
    contentType: 'INTERACTIVE',
    visuals: placedVisuals.map((p) => p.visual),
    textBoxes: boxes,
    parameterControls: [
      {
        dateTimePicker: {
          parameterControlId: controlId,
          sourceParameterName: RANGE_PARAMETER,
          title: 'From (UTC)',
          displayOptions: { dateTimeFormat: DATE_FORMATS.minute },
        },
      },
    ],
    filterControls: [currencyControl(view.id)],
    layouts: [{ configuration: { gridLayout: { elements } } }],
  };
}

/** The whole dashboard definition: datasets, the range parameter and its filters, one sheet per view. */
export function quickSightDefinition(options: QuickSightDefinitionOptions): Definition {
  const sheets = VIEW_IDS.map((id) => sheet(VIEWS[id], options));
  const filterGroups = options.datasets
    .filter((dataset) => dataset.timeColumn && dataset.importMode === 'DIRECT_QUERY')
    .map((dataset) => rangeFilterGroup(dataset, sheets));
  return {
    // Every date on the dashboard is shown in UTC (and says so), weeks start on Monday as in the cash flow.
    options: { timezone: TIME_ZONE, weekStart: 'MONDAY' },
    dataSetIdentifierDeclarations: options.datasets.map((dataset) => ({
      identifier: dataset.id,
      dataSetArn: options.datasetArns[dataset.id],
    })),
    parameterDeclarations: [
      {
        dateTimeParameterDeclaration: {
          name: RANGE_PARAMETER,
          timeGranularity: 'MINUTE',
          // Rolling default: the last 24 hours, like the local dashboard.
          defaultValues: { rollingDate: { expression: "addDateTime(-1, 'DD', now())" } },
        },
      },
    ],
    filterGroups: [...filterGroups, currencyFilterGroup(sheets.map((s) => s.sheetId))],
    sheets,
  };
}

/** The range control's filter on one direct-query dataset, on every sheet. */
function rangeFilterGroup(
  dataset: TimestreamDataset,
  sheets: readonly CfnDashboard.SheetDefinitionProperty[],
): CfnDashboard.FilterGroupProperty {
  return {
    filterGroupId: `range-${dataset.id}`,
    crossDataset: 'SINGLE_DATASET',
    status: 'ENABLED',
    filters: [
      {
        timeRangeFilter: {
          filterId: `range-${dataset.id}-from`,
          column: column(dataset.id, dataset.timeColumn!),
          nullOption: 'NON_NULLS_ONLY',
          includeMinimum: true,
          rangeMinimumValue: { parameter: RANGE_PARAMETER },
          timeGranularity: 'MINUTE',
        },
      },
    ],
    scopeConfiguration: {
      selectedSheets: {
        sheetVisualScopingConfigurations: sheets.map((s) => ({ sheetId: s.sheetId, scope: 'ALL_VISUALS' })),
      },
    },
  };
}

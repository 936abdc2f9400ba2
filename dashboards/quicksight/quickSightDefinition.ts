import type { CfnDashboard } from 'aws-cdk-lib/aws-quicksight';
import { VIEWS } from '../viewDefinitions/index.ts';
import {
  type ChartPanel,
  type DimensionId,
  type InvoiceState,
  type KpiDef,
  LATENCY_PERCENTILES,
  type MeasureId,
  type Panel,
  type SourceId,
  type TimeField,
  VIEW_IDS,
  VISIBILITY_SLA_MS,
  type ViewDef,
} from '../views.ts';
import type { DatasetId, TimestreamDataset } from './timestreamDatasets.ts';

/**
 * The QuickSight dashboard definition (three sheets) built from the same view definition as the
 * local dashboard: each panel becomes one or two visuals over the dataset of its source, with its
 * dimensions in the field wells and its measure as the value. Money is summed in integer minor units
 * and divided once by 10^digits of its currency (`value` expressions below); it is always split by
 * currency (small multiples or a currency column), never added across currencies.
 */

type Definition = CfnDashboard.DashboardVersionDefinitionProperty;
type Visual = CfnDashboard.VisualProperty;
type DimensionField = CfnDashboard.DimensionFieldProperty;
type MeasureField = CfnDashboard.MeasureFieldProperty;
type LayoutElement = CfnDashboard.GridLayoutElementProperty;

export interface QuickSightDefinitionOptions {
  /** Dataset identifier → ARN, for the datasets of `timestreamDatasets()`. */
  readonly datasetArns: Readonly<Record<DatasetId, string>>;
  readonly datasets: readonly TimestreamDataset[];
  /** Where operators find queue depths and DLQs on AWS (they are CloudWatch metrics, not Timestream data). */
  readonly cloudWatchDashboardName?: string;
}

/** The one parameter every sheet's range control sets; each dataset's time filter reads it. */
export const RANGE_PARAMETER = 'RangeStart';
/** QuickSight sheets are 36 grid columns wide; the local page uses 12. */
const GRID_COLUMNS_PER_WIDTH = 3;
const SOURCE_DATASET: Record<SourceId, DatasetId> = {
  events: 'events',
  stageEntries: 'stage_entries',
  invoices: 'invoices',
  cohort: 'cohort',
};

const column = (dataSetIdentifier: string, columnName: string) => ({ dataSetIdentifier, columnName });
const title = (text: string) => ({ visibility: 'VISIBLE', formatText: { plainText: text } });

function timeColumnOf(dataset: DatasetId, timeField?: TimeField): string {
  if (timeField === 'processed') return 'processed_at';
  if (dataset === 'invoices') return 'last_event_at';
  if (dataset === 'cohort') return 'ingested_at';
  return 'occurred_at';
}

function dimensionField(
  dataset: DatasetId,
  dimension: DimensionId,
  fieldId: string,
  timeField?: TimeField,
): DimensionField {
  switch (dimension) {
    case 'time':
      return {
        dateDimensionField: {
          fieldId,
          column: column(dataset, timeColumnOf(dataset, timeField)),
          dateGranularity: 'HOUR',
        },
      };
    case 'dueWeek':
    case 'dueMonth':
      return {
        dateDimensionField: {
          fieldId,
          column: column(dataset, 'due_at'),
          dateGranularity: dimension === 'dueWeek' ? 'WEEK' : 'MONTH',
        },
      };
    case 'vendor':
      return { categoricalDimensionField: { fieldId, column: column(dataset, 'vendor_name') } };
    case 'aging':
      return { categoricalDimensionField: { fieldId, column: column(dataset, 'aging_bucket') } };
    default:
      return { categoricalDimensionField: { fieldId, column: column(dataset, dimension) } };
  }
}

/** `{state} = 'open' OR {state} = 'posted'` for a conditional aggregate. */
function stateCondition(states: readonly InvoiceState[]): string {
  return states.map((s) => `{state} = '${s}'`).join(' OR ');
}

/**
 * A measure as a QuickSight field. Money: the exact integer sum of minor units, divided once by the
 * currency's 10^digits (every money visual is split by currency, so `max({minor_digits})` is that
 * currency's digit count).
 */
function measureField(
  dataset: DatasetId,
  measure: Exclude<MeasureId, 'latency'>,
  fieldId: string,
  states?: readonly InvoiceState[],
): MeasureField {
  const scale = '10 ^ max({minor_digits})';
  switch (measure) {
    case 'events':
      return {
        categoricalMeasureField: {
          fieldId,
          column: column(dataset, dataset === 'invoices' ? 'invoice_id' : 'event_id'),
          aggregationFunction: 'COUNT',
        },
      };
    case 'invoices':
      return states?.length
        ? {
            calculatedMeasureField: {
              fieldId,
              expression: `distinct_countIf({invoice_id}, ${stateCondition(states)})`,
            },
          }
        : {
            categoricalMeasureField: {
              fieldId,
              column: column(dataset, 'invoice_id'),
              aggregationFunction: 'DISTINCT_COUNT',
            },
          };
    case 'value':
      return {
        calculatedMeasureField: {
          fieldId,
          expression: states?.length
            ? `sumIf({amount_minor}, ${stateCondition(states)}) / ${scale}`
            : `sum({amount_minor}) / ${scale}`,
        },
      };
  }
}

function percentileField(dataset: DatasetId, percentile: number, fieldId: string): MeasureField {
  return {
    numericalMeasureField: {
      fieldId,
      column: column(dataset, 'latency_ms'),
      aggregationFunction: { percentileAggregation: { percentileValue: percentile } },
    },
  };
}

const withinSlaField = (fieldId: string): MeasureField => ({
  calculatedMeasureField: {
    fieldId,
    expression: `sum(ifelse({latency_ms} <= ${VISIBILITY_SLA_MS}, 1, 0)) / count({event_id}) * 100`,
  },
});

interface Placed {
  readonly visual: Visual;
  readonly columnSpan: number;
  readonly rowSpan: number;
}

function chartVisual(viewId: string, panel: ChartPanel): Visual {
  const dataset = SOURCE_DATASET[panel.source];
  const id = `${viewId}-${panel.id}`;
  const money = panel.measure === 'value';
  const axes = panel.dimensions.filter((d) => !(money && d === 'currency'));
  const category = [dimensionField(dataset, axes[0]!, `${id}-x`, panel.timeField)];
  const colors = axes[1] ? [dimensionField(dataset, axes[1], `${id}-series`, panel.timeField)] : [];
  // Money is never added across currencies: one small chart per currency.
  const smallMultiples = money ? [dimensionField(dataset, 'currency', `${id}-currency`)] : [];
  const values = [measureField(dataset, panel.measure, `${id}-value`, panel.states)];
  const common = {
    visualId: id,
    title: title(panel.title),
    subtitle: title(panel.description),
    visualContentAltText: `${panel.title}: ${panel.description}`,
  };
  const limit = panel.limit
    ? {
        categoryItemsLimit: { itemsLimit: panel.limit, otherCategories: 'EXCLUDE' },
        categorySort: [{ fieldSort: { fieldId: `${id}-value`, direction: 'DESC' } }],
      }
    : undefined;
  const agingSort =
    axes[0] === 'aging'
      ? {
          categorySort: [
            {
              columnSort: {
                sortBy: column(dataset, 'aging_order'),
                direction: 'ASC',
                aggregationFunction: { numericalAggregationFunction: { simpleNumericalAggregation: 'MIN' } },
              },
            },
          ],
        }
      : undefined;
  switch (panel.chart) {
    case 'line':
      return {
        lineChartVisual: {
          ...common,
          chartConfiguration: {
            fieldWells: { lineChartAggregatedFieldWells: { category, colors, values, smallMultiples } },
            legend: { visibility: 'VISIBLE', position: 'BOTTOM' },
          },
        },
      };
    case 'funnel':
      return {
        funnelChartVisual: {
          ...common,
          chartConfiguration: {
            fieldWells: { funnelChartAggregatedFieldWells: { category, values } },
            dataLabelOptions: { visibility: 'VISIBLE', measureDataLabelStyle: 'VALUE_AND_PERCENTAGE_BY_FIRST_STAGE' },
          },
        },
      };
    default:
      return {
        barChartVisual: {
          ...common,
          chartConfiguration: {
            fieldWells: { barChartAggregatedFieldWells: { category, colors, values, smallMultiples } },
            orientation: panel.chart === 'horizontalBar' ? 'HORIZONTAL' : 'VERTICAL',
            barsArrangement: panel.chart === 'stackedBar' ? 'STACKED' : 'CLUSTERED',
            legend: { visibility: colors.length ? 'VISIBLE' : 'HIDDEN', position: 'BOTTOM' },
            ...(limit || agingSort ? { sortConfiguration: { ...limit, ...agingSort } } : {}),
          },
        },
      };
  }
}

function kpiVisuals(viewId: string, def: KpiDef, comparisonGranularity: string): Visual[] {
  const id = `${viewId}-kpi-${def.id}`;
  const kpi = (dataset: DatasetId, value: MeasureField, trendColumn?: string): Visual => ({
    kpiVisual: {
      visualId: id,
      title: title(def.label),
      chartConfiguration: {
        fieldWells: {
          values: [value],
          trendGroups: trendColumn
            ? [
                {
                  dateDimensionField: {
                    fieldId: `${id}-trend`,
                    column: column(dataset, trendColumn),
                    dateGranularity: comparisonGranularity,
                  },
                },
              ]
            : [],
        },
        // With a trend group, the KPI compares the current period with the one before: "today vs yesterday".
        kpiOptions: trendColumn
          ? { comparison: { comparisonMethod: 'PERCENT_DIFFERENCE' }, primaryValueDisplayType: 'ACTUAL' }
          : { primaryValueDisplayType: 'ACTUAL' },
      },
    },
  });
  switch (def.kind) {
    case 'measure': {
      const dataset = SOURCE_DATASET[def.source];
      const value = measureField(dataset, def.measure, `${id}-value`, def.states);
      if (def.perCurrency) {
        // A KPI would add currencies together; a per-currency table keeps them apart.
        return [
          {
            tableVisual: {
              visualId: id,
              title: title(def.label),
              chartConfiguration: {
                fieldWells: {
                  tableAggregatedFieldWells: {
                    groupBy: [dimensionField(dataset, 'currency', `${id}-currency`)],
                    values: [value],
                  },
                },
              },
            },
          },
        ];
      }
      return [kpi(dataset, value, timeColumnOf(dataset, def.timeField))];
    }
    case 'latency':
      return [kpi('events', percentileField('events', def.percentile, `${id}-value`), 'processed_at')];
    case 'withinSla':
      return [kpi('events', withinSlaField(`${id}-value`), 'processed_at')];
    case 'stuck':
      return [
        kpi('stuck', {
          categoricalMeasureField: {
            fieldId: `${id}-value`,
            column: column('stuck', 'invoice_id'),
            aggregationFunction: 'DISTINCT_COUNT',
          },
        }),
      ];
    // DLQ depth is a CloudWatch metric (see the queues text box); volume anomalies have their own insight.
    case 'dlq':
    case 'anomalies':
      return [];
  }
}

function panelVisuals(view: ViewDef, panel: Panel, options: QuickSightDefinitionOptions): Placed[] {
  const span = panel.width * GRID_COLUMNS_PER_WIDTH;
  const id = `${view.id}-${panel.id}`;
  const placed = (visual: Visual, columnSpan = span, rowSpan = 12): Placed => ({ visual, columnSpan, rowSpan });
  switch (panel.kind) {
    case 'kpis': {
      const visuals = panel.items.flatMap((item) => kpiVisuals(view.id, item, 'DAY'));
      const each = Math.max(6, Math.floor(36 / Math.max(1, visuals.length)));
      return visuals.map((visual) => placed(visual, each, 6));
    }
    case 'chart':
      return [placed(chartVisual(view.id, panel))];
    case 'latency': {
      const percentiles = LATENCY_PERCENTILES.map((p) => percentileField('events', p, `${id}-p${p}`));
      if (panel.by === 'stage') {
        return [
          placed({
            tableVisual: {
              visualId: id,
              title: title(panel.title),
              subtitle: title(panel.description),
              chartConfiguration: {
                fieldWells: {
                  tableAggregatedFieldWells: {
                    groupBy: [dimensionField('events', 'stage', `${id}-stage`)],
                    values: [...percentiles, withinSlaField(`${id}-within-sla`)],
                  },
                },
              },
            },
          }),
        ];
      }
      return [
        placed({
          lineChartVisual: {
            visualId: id,
            title: title(panel.title),
            subtitle: title(panel.description),
            chartConfiguration: {
              fieldWells: {
                lineChartAggregatedFieldWells: {
                  category: [dimensionField('events', 'time', `${id}-x`, 'processed')],
                  values: percentiles,
                },
              },
              referenceLines: [
                {
                  status: 'ENABLED',
                  dataConfiguration: {
                    staticConfiguration: { value: VISIBILITY_SLA_MS },
                    axisBinding: 'PRIMARY_YAXIS',
                  },
                  labelConfiguration: {
                    customLabelConfiguration: { customLabel: `SLA ${VISIBILITY_SLA_MS / 60_000} min` },
                  },
                  styleConfiguration: { pattern: 'DASHED' },
                },
              ],
              legend: { visibility: 'VISIBLE', position: 'BOTTOM' },
            },
          },
        }),
      ];
    }
    case 'anomalies': {
      const time = (fieldId: string): DimensionField => ({
        dateDimensionField: { fieldId, column: column('event_volume', 'interval_start'), dateGranularity: 'MINUTE' },
      });
      const events = (fieldId: string): MeasureField => ({
        numericalMeasureField: {
          fieldId,
          column: column('event_volume', 'events'),
          aggregationFunction: { simpleNumericalAggregation: 'SUM' },
        },
      });
      return [
        placed(
          {
            barChartVisual: {
              visualId: id,
              title: title(panel.title),
              subtitle: title(panel.description),
              chartConfiguration: {
                fieldWells: {
                  barChartAggregatedFieldWells: {
                    category: [time(`${id}-x`)],
                    values: [events(`${id}-events`)],
                    colors: [
                      {
                        categoricalDimensionField: {
                          fieldId: `${id}-status`,
                          column: column('event_volume', 'volume_status'),
                        },
                      },
                    ],
                  },
                },
                barsArrangement: 'STACKED',
                legend: { visibility: 'VISIBLE', position: 'BOTTOM' },
              },
            },
          },
          24,
        ),
        // QuickSight's ML insight on the same series: a Random Cut Forest forecast with a prediction
        // band; intervals outside the band are what QuickSight calls anomalies.
        placed(
          {
            insightVisual: {
              visualId: `${id}-ml`,
              dataSetIdentifier: 'event_volume',
              title: title('Event volume: ML forecast and outliers'),
              insightConfiguration: {
                computations: [
                  {
                    forecast: {
                      computationId: `${id}-forecast`,
                      name: 'Event volume forecast',
                      time: time(`${id}-ml-time`),
                      value: events(`${id}-ml-events`),
                      periodsForward: 8,
                      periodsBackward: 0,
                      predictionInterval: 90,
                      seasonality: 'AUTOMATIC',
                    },
                  },
                  {
                    maximumMinimum: {
                      computationId: `${id}-peak`,
                      name: 'Busiest interval',
                      time: time(`${id}-peak-time`),
                      value: events(`${id}-peak-events`),
                      type: 'MAXIMUM',
                    },
                  },
                ],
              },
            },
          },
          12,
        ),
      ];
    }
    case 'stuck': {
      const listId = `${id}-list`;
      const timelineId = `${id}-timeline`;
      const stuckColumns = [
        'invoice_id',
        'stage',
        'status',
        'vendor_name',
        'currency',
        'last_event_at',
        'stuck_minutes',
      ];
      return [
        placed(
          {
            barChartVisual: {
              visualId: id,
              title: title(panel.title),
              subtitle: title(panel.description),
              chartConfiguration: {
                fieldWells: {
                  barChartAggregatedFieldWells: {
                    category: [dimensionField('stuck', 'stage', `${id}-stage`)],
                    values: [
                      {
                        categoricalMeasureField: {
                          fieldId: `${id}-count`,
                          column: column('stuck', 'invoice_id'),
                          aggregationFunction: 'DISTINCT_COUNT',
                        },
                      },
                    ],
                  },
                },
                orientation: 'HORIZONTAL',
              },
            },
          },
          9,
        ),
        placed(
          {
            tableVisual: {
              visualId: listId,
              title: title('Stuck invoices, longest first'),
              subtitle: title('Select an invoice to filter its timeline.'),
              chartConfiguration: {
                fieldWells: {
                  tableUnaggregatedFieldWells: {
                    values: stuckColumns.map((name) => ({
                      fieldId: `${listId}-${name}`,
                      column: column('stuck', name),
                    })),
                  },
                },
                sortConfiguration: {
                  rowSort: [{ fieldSort: { fieldId: `${listId}-stuck_minutes`, direction: 'DESC' } }],
                },
              },
              // Drill-down: a click on an invoice filters the timeline table next to it.
              actions: [
                {
                  customActionId: `${listId}-drill`,
                  name: 'Show timeline',
                  trigger: 'DATA_POINT_CLICK',
                  status: 'ENABLED',
                  actionOperations: [
                    {
                      filterOperation: {
                        selectedFieldsConfiguration: { selectedColumns: [column('stuck', 'invoice_id')] },
                        targetVisualsConfiguration: {
                          sameSheetTargetVisualConfiguration: { targetVisuals: [timelineId] },
                        },
                      },
                    },
                  ],
                },
              ],
            },
          },
          15,
        ),
        placed(
          {
            tableVisual: {
              visualId: timelineId,
              title: title('Invoice timeline'),
              chartConfiguration: {
                fieldWells: {
                  tableUnaggregatedFieldWells: {
                    values: ['invoice_id', 'occurred_at', 'stage', 'status', 'processed_at', 'latency_ms'].map(
                      (name) => ({
                        fieldId: `${timelineId}-${name}`,
                        column: column('events', name),
                      }),
                    ),
                  },
                },
                sortConfiguration: {
                  rowSort: [{ fieldSort: { fieldId: `${timelineId}-occurred_at`, direction: 'ASC' } }],
                },
              },
            },
          },
          12,
        ),
      ];
    }
    case 'cashFlow': {
      const granularity = panel.period === 'week' ? 'dueWeek' : 'dueMonth';
      return [
        placed(
          chartVisual(view.id, {
            kind: 'chart',
            id: panel.id,
            title: panel.title,
            description: panel.description,
            width: panel.width,
            chart: 'stackedBar',
            source: 'invoices',
            measure: 'value',
            dimensions: [granularity, 'state', 'currency'],
            states: ['open', 'posted'],
          }),
        ),
      ];
    }
    case 'vendorTable':
      return [
        placed({
          tableVisual: {
            visualId: id,
            title: title(panel.title),
            subtitle: title(panel.description),
            chartConfiguration: {
              fieldWells: {
                tableAggregatedFieldWells: {
                  groupBy: [
                    dimensionField('invoices', 'vendor', `${id}-vendor`),
                    dimensionField('invoices', 'currency', `${id}-currency`),
                  ],
                  values: [
                    measureField('invoices', 'invoices', `${id}-invoices`, ['open', 'posted']),
                    measureField('invoices', 'value', `${id}-unposted`, ['open']),
                    measureField('invoices', 'value', `${id}-posted`, ['posted']),
                    measureField('invoices', 'value', `${id}-total`, ['open', 'posted']),
                  ],
                },
              },
              sortConfiguration: { rowSort: [{ fieldSort: { fieldId: `${id}-total`, direction: 'DESC' } }] },
            },
          },
        }),
      ];
    case 'queues':
      return [];
  }
}

/** The text boxes a sheet needs for panels QuickSight cannot draw from Timestream. */
function textBoxes(view: ViewDef, options: QuickSightDefinitionOptions): CfnDashboard.SheetTextBoxProperty[] {
  return view.panels
    .filter((panel) => panel.kind === 'queues')
    .map((panel) => ({
      sheetTextBoxId: `${view.id}-${panel.id}`,
      content:
        `<text-box>${panel.title}: queue depths and DLQ counts are CloudWatch metrics` +
        `${options.cloudWatchDashboardName ? ` — see the CloudWatch dashboard ${options.cloudWatchDashboardName}` : ''}.</text-box>`,
    }));
}

function sheet(view: ViewDef, options: QuickSightDefinitionOptions): CfnDashboard.SheetDefinitionProperty {
  const placedVisuals = view.panels.flatMap((panel) => panelVisuals(view, panel, options));
  const boxes = textBoxes(view, options);
  const controlId = `${view.id}-range`;
  const visualIdOf = (visual: Visual): string => {
    const inner = Object.values(visual).find((v) => v && typeof v === 'object') as { visualId: string };
    return inner.visualId;
  };
  const elements: LayoutElement[] = [
    { elementId: controlId, elementType: 'PARAMETER_CONTROL', columnSpan: 12, rowSpan: 2 },
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
      { dateTimePicker: { parameterControlId: controlId, sourceParameterName: RANGE_PARAMETER, title: 'From' } },
    ],
    layouts: [{ configuration: { gridLayout: { elements } } }],
  };
}

/** The whole dashboard definition: datasets, the range parameter and its filters, one sheet per view. */
export function quickSightDefinition(options: QuickSightDefinitionOptions): Definition {
  const sheets = VIEW_IDS.map((id) => sheet(VIEWS[id], options));
  const filterGroups: CfnDashboard.FilterGroupProperty[] = options.datasets
    .filter((dataset) => dataset.timeColumn && dataset.importMode === 'DIRECT_QUERY')
    .map((dataset) => ({
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
    }));
  return {
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
    filterGroups,
    sheets,
  };
}

import type { ChartPanel, ChartType } from '../views.ts';
import {
  column,
  type DimensionField,
  dimensionField,
  type MeasureField,
  measureField,
  panelHeading,
  SOURCE_DATASET,
  type Visual,
} from './fields.ts';

/** What every chart type is drawn from: the field wells and the sorting a panel asks for. */
interface ChartParts {
  readonly panel: ChartPanel;
  readonly common: ReturnType<typeof panelHeading> & { readonly visualContentAltText: string };
  readonly category: DimensionField[];
  readonly colors: DimensionField[];
  readonly values: MeasureField[];
  readonly smallMultiples: DimensionField[];
  readonly sortConfiguration?: object;
}

const CHART_VISUALS: Record<ChartType, (parts: ChartParts) => Visual> = {
  line: ({ common, category, colors, values, smallMultiples }) => ({
    lineChartVisual: {
      ...common,
      chartConfiguration: {
        fieldWells: { lineChartAggregatedFieldWells: { category, colors, values, smallMultiples } },
        legend: { visibility: 'VISIBLE', position: 'BOTTOM' },
      },
    },
  }),
  funnel: ({ common, category, values }) => ({
    funnelChartVisual: {
      ...common,
      chartConfiguration: {
        fieldWells: { funnelChartAggregatedFieldWells: { category, values } },
        dataLabelOptions: { visibility: 'VISIBLE', measureDataLabelStyle: 'VALUE_AND_PERCENTAGE_BY_FIRST_STAGE' },
      },
    },
  }),
  bar: barChart,
  stackedBar: barChart,
  horizontalBar: barChart,
};

function barChart({ panel, common, category, colors, values, smallMultiples, sortConfiguration }: ChartParts): Visual {
  return {
    barChartVisual: {
      ...common,
      chartConfiguration: {
        fieldWells: { barChartAggregatedFieldWells: { category, colors, values, smallMultiples } },
        orientation: panel.chart === 'horizontalBar' ? 'HORIZONTAL' : 'VERTICAL',
        barsArrangement: panel.chart === 'stackedBar' ? 'STACKED' : 'CLUSTERED',
        legend: { visibility: colors.length ? 'VISIBLE' : 'HIDDEN', position: 'BOTTOM' },
        ...(sortConfiguration ? { sortConfiguration } : {}),
      },
    },
  };
}

/** A chart panel as one visual: `dimensions[0]` on the category axis, `[1]` as the colours. */
export function chartVisual(viewId: string, panel: ChartPanel): Visual {
  const dataset = SOURCE_DATASET[panel.source];
  const id = `${viewId}-${panel.id}`;
  const money = panel.measure === 'value';
  const axes = panel.dimensions.filter((d) => !(money && d === 'currency'));
  const limit = panel.limit
    ? {
        categoryItemsLimit: { itemsLimit: panel.limit, otherCategories: 'EXCLUDE' },
        categorySort: [{ fieldSort: { fieldId: `${id}-value`, direction: 'DESC' } }],
      }
    : undefined;
  const agingSort = axes[0] === 'aging' ? { categorySort: [agingOrder(dataset)] } : undefined;
  return CHART_VISUALS[panel.chart]({
    panel,
    common: {
      ...panelHeading(id, panel, axes.includes('time')),
      visualContentAltText: `${panel.title}: ${panel.description}`,
    },
    category: [dimensionField(dataset, axes[0]!, `${id}-x`, panel.timeField)],
    colors: axes[1] ? [dimensionField(dataset, axes[1], `${id}-series`, panel.timeField)] : [],
    values: [measureField(dataset, panel.measure, `${id}-value`, panel.states)],
    // Money is never added across currencies: one small chart per currency.
    smallMultiples: money ? [dimensionField(dataset, 'currency', `${id}-currency`)] : [],
    ...(limit || agingSort ? { sortConfiguration: { ...limit, ...agingSort } } : {}),
  });
}

/** Aging buckets in their natural order (not yet due → over 90 days), not alphabetically. */
function agingOrder(dataset: string) {
  return {
    columnSort: {
      sortBy: column(dataset, 'aging_order'),
      direction: 'ASC',
      aggregationFunction: { numericalAggregationFunction: { simpleNumericalAggregation: 'MIN' } },
    },
  };
}

import type { Stage } from '../../schemas/stages.ts';
import {
  type CashFlowPanel,
  type ChartPanel,
  LATENCY_PERCENTILES,
  type LatencyPanel,
  type Panel,
  type VendorTablePanel,
  VISIBILITY_SLA_MS,
  type ViewDef,
} from '../views.ts';
import { anomalyVisuals } from './anomalyVisuals.ts';
import { chartVisual } from './chartVisual.ts';
import {
  aggregatedVisual,
  dimensionField,
  measureField,
  percentileField,
  type Visual,
  withinSlaField,
} from './fields.ts';
import { kpiVisuals } from './kpiVisuals.ts';
import { GRID_COLUMNS_PER_WIDTH, type Placed, placed } from './placed.ts';
import { stuckVisuals } from './stuckVisuals.ts';

type PanelOfKind<K extends Panel['kind']> = Extract<Panel, { kind: K }>;
/** Builds a panel's visuals; `id` is the panel's visual id, `span` its width in grid columns. */
type PanelVisuals<K extends Panel['kind']> = (
  view: ViewDef,
  panel: PanelOfKind<K>,
  id: string,
  span: number,
  slaSecondsByStage: Readonly<Record<Stage, number>>,
) => Placed[];

/** One builder per panel kind. Queue depths are CloudWatch metrics, shown as a text box (see `sheet`). */
const PANEL_VISUALS: { readonly [K in Panel['kind']]: PanelVisuals<K> } = {
  kpis: (view, panel, _id, _span, slaSecondsByStage) => {
    const visuals = panel.items.flatMap((item) => kpiVisuals(view.id, item, 'DAY', slaSecondsByStage));
    const each = Math.max(6, Math.floor(36 / Math.max(1, visuals.length)));
    return visuals.map((visual) => placed(visual, each, 6));
  },
  chart: (view, panel, _id, span) => [placed(chartVisual(view.id, panel), span)],
  latency: (_view, panel, id, span) => [placed(latencyVisual(id, panel), span)],
  anomalies: (_view, panel, id) => anomalyVisuals(id, panel),
  stuck: (_view, panel, id) => stuckVisuals(id, panel),
  cashFlow: (view, panel, _id, span) => [placed(chartVisual(view.id, cashFlowChart(panel)), span)],
  vendorTable: (_view, panel, id, span) => [placed(vendorTableVisual(id, panel), span)],
  queues: () => [],
  // The store's write time is not a column of the Timestream table or the Iceberg table QuickSight
  // reads; on AWS this figure is the cell's CloudWatch dashboard (EndToEndLatency).
  visibility: () => [],
};

/** A panel of the view definition as QuickSight visuals, each with its place on the sheet's grid. */
export function panelVisuals(
  view: ViewDef,
  panel: Panel,
  slaSecondsByStage: Readonly<Record<Stage, number>>,
): Placed[] {
  const build = PANEL_VISUALS[panel.kind] as PanelVisuals<Panel['kind']>;
  return build(view, panel, `${view.id}-${panel.id}`, panel.width * GRID_COLUMNS_PER_WIDTH, slaSecondsByStage);
}

/** Percentiles against the SLA: per stage as a table, over time as lines with the SLA as a reference line. */
function latencyVisual(id: string, panel: LatencyPanel): Visual {
  const percentiles = LATENCY_PERCENTILES.map((p) => percentileField('events', p, `${id}-p${p}`));
  if (panel.by === 'stage') {
    return aggregatedVisual('tableVisual', id, panel, {
      groupBy: [dimensionField('events', 'stage', `${id}-stage`)],
      values: [...percentiles, withinSlaField(`${id}-within-sla`)],
    });
  }
  return aggregatedVisual(
    'lineChartVisual',
    id,
    panel,
    { category: [dimensionField('events', 'time', `${id}-x`, 'processed')], values: percentiles },
    {
      primaryYAxisLabelOptions: { axisLabelOptions: [{ customLabel: 'Latency (ms)' }] },
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
    true,
  );
}

/** The cash-flow projection is a stacked bar chart of open and posted value by due week or month. */
function cashFlowChart(panel: CashFlowPanel): ChartPanel {
  return {
    kind: 'chart',
    id: panel.id,
    title: panel.title,
    description: panel.description,
    width: panel.width,
    chart: 'stackedBar',
    source: 'invoices',
    measure: 'value',
    dimensions: [panel.period === 'week' ? 'dueWeek' : 'dueMonth', 'state', 'currency'],
    states: ['open', 'posted'],
  };
}

function vendorTableVisual(id: string, panel: VendorTablePanel): Visual {
  return aggregatedVisual(
    'tableVisual',
    id,
    panel,
    {
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
    { sortConfiguration: { rowSort: [{ fieldSort: { fieldId: `${id}-total`, direction: 'DESC' } }] } },
  );
}

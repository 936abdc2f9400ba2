import type { Stage } from '../../schemas/stages.ts';
import { type KpiText, kpiText } from '../kpiDefinitions.ts';
import type { KpiDef } from '../views.ts';
import {
  dateField,
  dimensionField,
  distinctInvoicesField,
  type MeasureField,
  measureField,
  percentileField,
  SOURCE_DATASET,
  timeColumnOf,
  title,
  type Visual,
  withinSlaField,
} from './fields.ts';
import type { DatasetId } from './timestreamDatasets.ts';

/**
 * One headline KPI as QuickSight visuals: a KPI visual, a per-currency table for money, or none. The
 * title names the SLA the figure belongs to and the subtitle defines it, as on the local page.
 */
export function kpiVisuals(
  viewId: string,
  def: KpiDef,
  comparisonGranularity: 'DAY' | 'WEEK' | 'MONTH',
  slaSecondsByStage: Readonly<Record<Stage, number>>,
): Visual[] {
  const id = `${viewId}-kpi-${def.id}`;
  const text = kpiText(def, slaSecondsByStage);
  const kpi = (dataset: DatasetId, value: MeasureField, trendColumn?: string) =>
    kpiVisual({ id, text, dataset, value, comparisonGranularity, trendColumn });
  switch (def.kind) {
    case 'measure': {
      const dataset = SOURCE_DATASET[def.source];
      const value = measureField(dataset, def.measure, `${id}-value`, def.states);
      // A KPI would add currencies together; a per-currency table keeps them apart.
      if (def.perCurrency) return [perCurrencyTable(id, text, dataset, value)];
      return [kpi(dataset, value, timeColumnOf(dataset, def.timeField))];
    }
    case 'latency':
      return [kpi('events', percentileField('events', def.percentile, `${id}-value`), 'processed_at')];
    case 'withinSla':
      return [kpi('events', withinSlaField(`${id}-value`), 'processed_at')];
    case 'stuck':
      return [kpi('stuck', distinctInvoicesField('stuck', `${id}-value`))];
    // DLQ depth is a CloudWatch metric (see the queues text box); volume anomalies have their own insight.
    case 'dlq':
    case 'anomalies':
      return [];
  }
}

interface KpiVisualSpec {
  readonly id: string;
  readonly text: KpiText;
  readonly dataset: DatasetId;
  readonly value: MeasureField;
  readonly comparisonGranularity: 'DAY' | 'WEEK' | 'MONTH';
  /** With a trend column, the KPI compares the current period with the one before. */
  readonly trendColumn?: string;
}

/** "Recorded within 2 min · Visibility SLA · 2 min" and its definition. */
function heading(text: KpiText) {
  return { title: title(text.badge ? `${text.label} · ${text.badge}` : text.label), subtitle: title(text.definition) };
}

function kpiVisual({ id, text, dataset, value, comparisonGranularity, trendColumn }: KpiVisualSpec): Visual {
  return {
    kpiVisual: {
      visualId: id,
      ...heading(text),
      chartConfiguration: {
        fieldWells: {
          values: [value],
          trendGroups: trendColumn ? [dateField(`${id}-trend`, dataset, trendColumn, comparisonGranularity)] : [],
        },
        // With a trend group, the KPI compares the current period with the one before: "today vs yesterday".
        kpiOptions: trendColumn
          ? { comparison: { comparisonMethod: 'PERCENT_DIFFERENCE' }, primaryValueDisplayType: 'ACTUAL' }
          : { primaryValueDisplayType: 'ACTUAL' },
      },
    },
  };
}

function perCurrencyTable(id: string, text: KpiText, dataset: DatasetId, value: MeasureField): Visual {
  return {
    tableVisual: {
      visualId: id,
      ...heading(text),
      chartConfiguration: {
        fieldWells: {
          tableAggregatedFieldWells: {
            groupBy: [dimensionField(dataset, 'currency', `${id}-currency`)],
            values: [value],
          },
        },
      },
    },
  };
}

import type { KpiDef } from '../views.ts';
import {
  column,
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

/** One headline KPI as QuickSight visuals: a KPI visual, a per-currency table for money, or none. */
export function kpiVisuals(viewId: string, def: KpiDef, comparisonGranularity: string): Visual[] {
  const id = `${viewId}-kpi-${def.id}`;
  const kpi = (dataset: DatasetId, value: MeasureField, trendColumn?: string) =>
    kpiVisual({ id, label: def.label, dataset, value, comparisonGranularity, trendColumn });
  switch (def.kind) {
    case 'measure': {
      const dataset = SOURCE_DATASET[def.source];
      const value = measureField(dataset, def.measure, `${id}-value`, def.states);
      // A KPI would add currencies together; a per-currency table keeps them apart.
      if (def.perCurrency) return [perCurrencyTable(id, def.label, dataset, value)];
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
  readonly label: string;
  readonly dataset: DatasetId;
  readonly value: MeasureField;
  readonly comparisonGranularity: string;
  /** With a trend column, the KPI compares the current period with the one before. */
  readonly trendColumn?: string;
}

function kpiVisual({ id, label, dataset, value, comparisonGranularity, trendColumn }: KpiVisualSpec): Visual {
  return {
    kpiVisual: {
      visualId: id,
      title: title(label),
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
  };
}

function perCurrencyTable(id: string, label: string, dataset: DatasetId, value: MeasureField): Visual {
  return {
    tableVisual: {
      visualId: id,
      title: title(label),
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

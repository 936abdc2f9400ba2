import type { CfnDashboard } from 'aws-cdk-lib/aws-quicksight';
import type { DimensionId, InvoiceState, MeasureId, SourceId, TimeField } from '../views.ts';
import { VISIBILITY_SLA_MS } from '../views.ts';
import type { DatasetId } from './timestreamDatasets.ts';

/**
 * The field wells' building blocks: a panel's dimensions and measures as QuickSight fields over the
 * dataset of its source. Money is summed in integer minor units and divided once by 10^digits of its
 * currency (`measureField`); it is always split by currency, never added across currencies.
 */

export type Visual = CfnDashboard.VisualProperty;
export type DimensionField = CfnDashboard.DimensionFieldProperty;
export type MeasureField = CfnDashboard.MeasureFieldProperty;

export const SOURCE_DATASET: Record<SourceId, DatasetId> = {
  events: 'events',
  stageEntries: 'stage_entries',
  invoices: 'invoices',
  cohort: 'cohort',
};

export const column = (dataSetIdentifier: string, columnName: string) => ({ dataSetIdentifier, columnName });

/**
 * ISO 8601 date formats (QuickSight's tokens) for every date on the dashboard: axes, tables and
 * tooltips read `2026-12-06 03:00`, never `12-06 03:00`. The definition's time zone is UTC
 * (`quickSightDefinition`), and each visual with times says so in its subtitle.
 */
export const DATE_FORMATS = {
  minute: 'YYYY-MM-DD HH:mm',
  second: 'YYYY-MM-DD HH:mm:ss',
  day: 'YYYY-MM-DD',
  month: 'YYYY-MM',
} as const;
export const TIME_ZONE = 'UTC';
const TIMES_NOTE = ` Times ${TIME_ZONE} (${DATE_FORMATS.minute}).`;

/** A date column as a dimension, at a granularity, in the ISO format of that granularity. */
export function dateField(
  fieldId: string,
  dataset: string,
  columnName: string,
  dateGranularity: 'MINUTE' | 'HOUR' | 'DAY' | 'WEEK' | 'MONTH',
): DimensionField {
  const format =
    dateGranularity === 'MONTH'
      ? DATE_FORMATS.month
      : dateGranularity === 'WEEK' || dateGranularity === 'DAY'
        ? DATE_FORMATS.day
        : DATE_FORMATS.minute;
  return {
    dateDimensionField: {
      fieldId,
      column: column(dataset, columnName),
      dateGranularity,
      formatConfiguration: { dateTimeFormat: format },
    },
  };
}

/** A table's raw date column, written to the second. */
export function unaggregatedDate(fieldId: string, dataset: string, columnName: string) {
  return {
    fieldId,
    column: column(dataset, columnName),
    formatConfiguration: { dateTimeFormatConfiguration: { dateTimeFormat: DATE_FORMATS.second } },
  };
}
export const title = (text: string) => ({ visibility: 'VISIBLE', formatText: { plainText: text } });

/** The id, title and subtitle every visual drawn for a panel opens with; `times`: it shows times, say in which zone. */
export function panelHeading(
  visualId: string,
  panel: { readonly title: string; readonly description: string },
  times = false,
) {
  return { visualId, title: title(panel.title), subtitle: title(`${panel.description}${times ? TIMES_NOTE : ''}`) };
}

/** Where each visual type takes its aggregated fields. */
const AGGREGATED_FIELD_WELLS = {
  barChartVisual: 'barChartAggregatedFieldWells',
  lineChartVisual: 'lineChartAggregatedFieldWells',
  tableVisual: 'tableAggregatedFieldWells',
} as const;

/**
 * A visual drawn for a panel from aggregated fields: the panel's heading, the field wells of its type,
 * and the rest of its chart configuration (sorting, legend, reference lines).
 */
export function aggregatedVisual(
  type: keyof typeof AGGREGATED_FIELD_WELLS,
  visualId: string,
  panel: { readonly title: string; readonly description: string },
  fieldWells: object,
  configuration: object = {},
  times = false,
): Visual {
  return {
    [type]: {
      ...panelHeading(visualId, panel, times),
      chartConfiguration: { fieldWells: { [AGGREGATED_FIELD_WELLS[type]]: fieldWells }, ...configuration },
    },
  } as Visual;
}

export function timeColumnOf(dataset: DatasetId, timeField?: TimeField): string {
  if (timeField === 'processed') return 'processed_at';
  if (dataset === 'invoices') return 'last_event_at';
  if (dataset === 'cohort') return 'ingested_at';
  return 'occurred_at';
}

export function dimensionField(
  dataset: DatasetId,
  dimension: DimensionId,
  fieldId: string,
  timeField?: TimeField,
): DimensionField {
  switch (dimension) {
    case 'time':
      return dateField(fieldId, dataset, timeColumnOf(dataset, timeField), 'HOUR');
    case 'dueWeek':
    case 'dueMonth':
      return dateField(fieldId, dataset, 'due_at', dimension === 'dueWeek' ? 'WEEK' : 'MONTH');
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
export function measureField(
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
        : distinctInvoicesField(dataset, fieldId);
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

/** Invoices counted once each, however many events they have. */
export function distinctInvoicesField(dataset: DatasetId, fieldId: string): MeasureField {
  return {
    categoricalMeasureField: {
      fieldId,
      column: column(dataset, 'invoice_id'),
      aggregationFunction: 'DISTINCT_COUNT',
    },
  };
}

/** A latency percentile, always in ms (one unit for the whole axis or column; the label says "(ms)"). */
export function percentileField(dataset: DatasetId, percentile: number, fieldId: string): MeasureField {
  return {
    numericalMeasureField: {
      fieldId,
      column: column(dataset, 'latency_ms'),
      aggregationFunction: { percentileAggregation: { percentileValue: percentile } },
      formatConfiguration: {
        formatConfiguration: {
          numberDisplayFormatConfiguration: {
            suffix: ' ms',
            numberScale: 'NONE',
            decimalPlacesConfiguration: { decimalPlaces: 0 },
          },
        },
      },
    },
  };
}

export const withinSlaField = (fieldId: string): MeasureField => ({
  calculatedMeasureField: {
    fieldId,
    expression: `sum(ifelse({latency_ms} <= ${VISIBILITY_SLA_MS}, 1, 0)) / count({event_id}) * 100`,
  },
});

import type { AnomalyPanel } from '../views.ts';
import { aggregatedVisual, column, type DimensionField, type MeasureField, title, type Visual } from './fields.ts';
import { type Placed, placed } from './placed.ts';

const interval = (fieldId: string): DimensionField => ({
  dateDimensionField: { fieldId, column: column('event_volume', 'interval_start'), dateGranularity: 'MINUTE' },
});

const events = (fieldId: string): MeasureField => ({
  numericalMeasureField: {
    fieldId,
    column: column('event_volume', 'events'),
    aggregationFunction: { simpleNumericalAggregation: 'SUM' },
  },
});

/** Event volume per interval coloured by its robust z-score verdict, and QuickSight's ML insight on it. */
export function anomalyVisuals(id: string, panel: AnomalyPanel): Placed[] {
  return [placed(volumeBars(id, panel), 24), placed(forecastInsight(id), 12)];
}

function volumeBars(id: string, panel: AnomalyPanel): Visual {
  const status = { fieldId: `${id}-status`, column: column('event_volume', 'volume_status') };
  const wells = {
    category: [interval(`${id}-x`)],
    values: [events(`${id}-events`)],
    colors: [{ categoricalDimensionField: status }],
  };
  return aggregatedVisual('barChartVisual', id, panel, wells, {
    barsArrangement: 'STACKED',
    legend: { visibility: 'VISIBLE', position: 'BOTTOM' },
  });
}

/**
 * QuickSight's ML insight on the same series: a Random Cut Forest forecast with a prediction band;
 * intervals outside the band are what QuickSight calls anomalies.
 */
function forecastInsight(id: string) {
  return {
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
              time: interval(`${id}-ml-time`),
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
              time: interval(`${id}-peak-time`),
              value: events(`${id}-peak-events`),
              type: 'MAXIMUM',
            },
          },
        ],
      },
    },
  };
}

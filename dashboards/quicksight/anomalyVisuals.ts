import type { AnomalyPanel } from '../views.ts';
import {
  aggregatedVisual,
  column,
  type DimensionField,
  dateField,
  type MeasureField,
  title,
  type Visual,
} from './fields.ts';
import { type Placed, placed } from './placed.ts';

const interval = (fieldId: string): DimensionField => dateField(fieldId, 'event_volume', 'interval_start', 'MINUTE');

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
  // Verdicts are per currency (the dataset judges each currency's series, as the local view does when
  // filtered); across every currency the bars add up and each part keeps its own currency's verdict.
  const described = {
    title: panel.title,
    description: `${panel.description} Choose a currency to judge one series; across all currencies each currency's part is coloured by its own verdict.`,
  };
  return aggregatedVisual(
    'barChartVisual',
    id,
    described,
    wells,
    { barsArrangement: 'STACKED', legend: { visibility: 'VISIBLE', position: 'BOTTOM' } },
    true,
  );
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
      subtitle: title('QuickSight Random Cut Forest on the events per interval. Times UTC (YYYY-MM-DD HH:mm).'),
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

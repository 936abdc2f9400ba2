import type { LatencyRow } from '../localSql.ts';
import type { StoreReader } from '../StoreReader.ts';
import { keyOf } from '../shapeSeries.ts';
import { bucketLabel, bucketStarts, type TimeRange } from '../timeRange.ts';
import type { SeriesPanelData, TablePanelData } from '../viewData.ts';
import { LATENCY_PERCENTILES, type LatencyPanel, VISIBILITY_SLA_MS } from '../views.ts';
import { percentilesByStage } from './percentilesByStage.ts';

/** Latency percentiles against the SLA: a line per percentile over time, or a table per stage. */
export async function latencyPanel(
  panel: LatencyPanel,
  range: TimeRange,
  reader: StoreReader,
): Promise<SeriesPanelData | TablePanelData> {
  const rows = await reader.latencyRows(panel.by, range);
  return panel.by === 'time' ? latencyOverTime(rows, range) : latencyByStage(rows);
}

function latencyOverTime(rows: readonly LatencyRow[], range: TimeRange): SeriesPanelData {
  const byKey = new Map(rows.map((row) => [keyOf('time', row.k), row]));
  const keys = bucketStarts(range).map((ms) => new Date(ms).toISOString());
  return {
    kind: 'series',
    chart: 'line',
    unit: 'ms',
    xDimension: 'time',
    threshold: { label: `SLA ${VISIBILITY_SLA_MS / 60_000} min`, value: VISIBILITY_SLA_MS },
    groups: [
      {
        currency: null,
        keys,
        labels: keys.map((key) => bucketLabel(Date.parse(key), range.bucketMs)),
        series: LATENCY_PERCENTILES.map((p) => ({
          key: `p${p}`,
          label: `p${p}`,
          values: keys.map((key) => byKey.get(key)?.[`p${p}`] ?? null),
        })),
      },
    ],
  };
}

function latencyByStage(rows: readonly LatencyRow[]): TablePanelData {
  return percentilesByStage(new Map(rows.map((row) => [String(row.k), row])), {
    percentiles: LATENCY_PERCENTILES,
    countLabel: 'Events',
    within: { key: 'withinSla', label: 'Within SLA', count: (row) => row.within_sla },
  });
}

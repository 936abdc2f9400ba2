import { STAGES } from '../../schemas/stages.ts';
import type { LatencyRow } from '../localSql.ts';
import type { StoreReader } from '../StoreReader.ts';
import { keyOf, STAGE_LABELS } from '../shapeSeries.ts';
import { bucketLabel, bucketStarts, type TimeRange } from '../timeRange.ts';
import type { SeriesPanelData, TablePanelData } from '../viewData.ts';
import { LATENCY_PERCENTILES, type LatencyPanel, VISIBILITY_SLA_MS } from '../views.ts';
import { percent } from './ratios.ts';

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
  const byStage = new Map(rows.map((row) => [String(row.k), row]));
  return {
    kind: 'table',
    columns: [
      { key: 'stage', label: 'Stage', format: 'text' },
      { key: 'events', label: 'Events', format: 'count' },
      ...LATENCY_PERCENTILES.map((p) => ({ key: `p${p}`, label: `p${p}`, format: 'ms' as const })),
      { key: 'withinSla', label: 'Within SLA', format: 'percent' },
    ],
    rows: STAGES.map((stage) => {
      const row = byStage.get(stage);
      return {
        stage: STAGE_LABELS[stage]!,
        events: row?.n ?? 0,
        ...Object.fromEntries(LATENCY_PERCENTILES.map((p) => [`p${p}`, row?.[`p${p}`] ?? null])),
        withinSla: row ? percent(row.within_sla, row.n) : null,
      };
    }),
  };
}

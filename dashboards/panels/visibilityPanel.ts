import { END_TO_END_VISIBILITY } from '../../schemas/metrics.ts';
import { STAGES } from '../../schemas/stages.ts';
import type { StoreReader } from '../StoreReader.ts';
import { STAGE_LABELS } from '../shapeSeries.ts';
import type { TimeRange } from '../timeRange.ts';
import type { TablePanelData } from '../viewData.ts';
import { percent } from './ratios.ts';

/**
 * END_TO_END_VISIBILITY per stage from the read model (the figure the cell's CloudWatch dashboard
 * draws from `EndToEndLatency`): records, each percentile, and the share within the cell's target.
 */
export async function visibilityPanel(
  range: TimeRange,
  reader: StoreReader,
  targetMs: number,
): Promise<TablePanelData> {
  const rows = new Map((await reader.visibilityRows(range, targetMs)).map((row) => [row.stage, row]));
  const percentiles = END_TO_END_VISIBILITY.percentiles;
  return {
    kind: 'table',
    columns: [
      { key: 'stage', label: 'Stage', format: 'text' },
      { key: 'events', label: 'Records', format: 'count' },
      ...percentiles.map((p) => ({ key: `p${p}`, label: `p${p}`, format: 'ms' as const })),
      { key: 'withinTarget', label: `Within ${targetMs / 1000} s`, format: 'percent' },
    ],
    rows: STAGES.map((stage) => {
      const row = rows.get(stage);
      return {
        stage: STAGE_LABELS[stage]!,
        events: row?.n ?? 0,
        ...Object.fromEntries(percentiles.map((p) => [`p${p}`, row?.[`p${p}`] ?? null])),
        withinTarget: row ? percent(row.within_target, row.n) : null,
      };
    }),
  };
}

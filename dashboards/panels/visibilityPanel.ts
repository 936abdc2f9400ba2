import { END_TO_END_VISIBILITY } from '../../schemas/metrics.ts';
import type { StoreReader } from '../StoreReader.ts';
import type { TimeRange } from '../timeRange.ts';
import type { TablePanelData } from '../viewData.ts';
import { percentilesByStage } from './percentilesByStage.ts';

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
  return percentilesByStage(rows, {
    percentiles: END_TO_END_VISIBILITY.percentiles,
    countLabel: 'Records',
    within: { key: 'withinTarget', label: `Within ${targetMs / 1000} s`, count: (row) => row.within_target },
  });
}

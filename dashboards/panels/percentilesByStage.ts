import { STAGES } from '../../schemas/stages.ts';
import { STAGE_LABELS } from '../shapeSeries.ts';
import type { TablePanelData } from '../viewData.ts';
import { percent } from './ratios.ts';

/** A stage's row as the read model's percentile queries return it: records and each percentile `p<P>`. */
type PercentileRow<P extends number> = { readonly n: number } & { readonly [K in `p${P}`]?: number | null };

export interface PercentileTable<P extends number, R extends PercentileRow<P>> {
  readonly percentiles: readonly P[];
  /** The heading of the record count column. */
  readonly countLabel: string;
  /** The last column: the share of records within a bound (an SLA, a target). */
  readonly within: { readonly key: string; readonly label: string; readonly count: (row: R) => number };
}

/**
 * One row per stage, in stage order: records, each percentile (ms), and the share within the bound;
 * a stage without records shows 0 records and empty figures. The latency and visibility panels.
 */
export function percentilesByStage<P extends number, R extends PercentileRow<P>>(
  rows: ReadonlyMap<string, R>,
  table: PercentileTable<P, R>,
): TablePanelData {
  const { percentiles, within } = table;
  return {
    kind: 'table',
    columns: [
      { key: 'stage', label: 'Stage', format: 'text' },
      { key: 'events', label: table.countLabel, format: 'count' },
      ...percentiles.map((p) => ({ key: `p${p}`, label: `p${p}`, format: 'ms' as const })),
      { key: within.key, label: within.label, format: 'percent' },
    ],
    rows: STAGES.map((stage) => {
      const row = rows.get(stage);
      return {
        stage: STAGE_LABELS[stage]!,
        events: row?.n ?? 0,
        ...Object.fromEntries(percentiles.map((p) => [`p${p}`, row?.[`p${p}`] ?? null])),
        [within.key]: row ? percent(within.count(row), row.n) : null,
      };
    }),
  };
}

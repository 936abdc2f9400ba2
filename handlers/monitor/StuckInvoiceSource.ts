import type { Stage } from '../../schemas/stages.ts';
import type { StageStuckRule } from '../../schemas/stuckRule.ts';

/** What the SLA check needs to know about one stage (the stuck rule's per-stage input). */
export type StageSla = StageStuckRule;

/** Invoices stuck in one stage: their latest recorded event is in this stage, not final, older than the SLA. */
export interface StuckInvoices {
  readonly stage: Stage;
  readonly count: number;
  /** Age (seconds) of the longest-stuck invoice's latest event; null when none. */
  readonly oldestAgeSeconds: number | null;
  /** The longest-stuck invoices first. */
  readonly sampleInvoiceIds: readonly string[];
}

export interface StuckInvoicesRun {
  readonly nowMs: number;
  readonly lookbackHours: number;
  readonly sampleSize: number;
}

/**
 * Finds invoices that stopped moving (the rule of `schemas/stuckRule.ts`). On AWS this is a
 * Timestream query; locally a SQL query over the local read model's `invoice_events` view. Pass
 * every stage of the cell (an invoice's latest event is looked for across all of them); the result
 * has one entry per stage passed.
 */
export interface StuckInvoiceSource {
  stuckInvoices(stages: readonly StageSla[], options: StuckInvoicesRun): Promise<StuckInvoices[]>;
}

/** The window and sample size of one run, as the queries use them. */
export interface StuckWindow {
  /** Start of the look-back window (epoch ms). */
  readonly fromMs: number;
  readonly nowMs: number;
  readonly sampleSize: number;
}

/** Runs the rule's query in one dialect: the rows of {@link stuckSamplesSelect}. */
export type StuckSampler = (stages: readonly StageSla[], window: StuckWindow) => Promise<StuckSampleRow[]>;

/**
 * A source that answers with the samples of one query: each dialect brings its sampler; what the
 * rows mean (per-stage totals, oldest age, sample ids) is decided here once.
 */
export abstract class SampledStuckInvoiceSource implements StuckInvoiceSource {
  protected abstract readonly sample: StuckSampler;

  async stuckInvoices(stages: readonly StageSla[], run: StuckInvoicesRun): Promise<StuckInvoices[]> {
    if (stages.length === 0) return [];
    const window = { fromMs: run.nowMs - run.lookbackHours * 3_600_000, nowMs: run.nowMs, sampleSize: run.sampleSize };
    return toStuckInvoices(stages, await this.sample(stages, window), run);
  }
}

/**
 * The SELECT both dialects run over the rule's `stuck` CTE: the longest-stuck `sampleSize` invoices
 * per stage (at least one, as it carries the stage's total), with the stage total, oldest first.
 * `timeMs` turns the CTE's time column into epoch milliseconds.
 */
export function stuckSamplesSelect(
  run: Pick<StuckInvoicesRun, 'sampleSize'>,
  time: string,
  timeMs: (column: string) => string,
): string {
  return `SELECT stage, invoice_id, ${timeMs(time)} AS time_ms, total FROM (
  SELECT stage, invoice_id, ${time},
    count(*) OVER (PARTITION BY stage) AS total,
    row_number() OVER (PARTITION BY stage ORDER BY ${time}, invoice_id) AS k
  FROM stuck
)
WHERE k <= ${Math.max(1, Math.trunc(run.sampleSize))}
ORDER BY stage, k`;
}

/** One row of {@link stuckSamplesSelect}. */
export interface StuckSampleRow {
  readonly stage: string;
  readonly invoiceId: string;
  readonly timeMs: number;
  readonly total: number;
}

/** The rows of {@link stuckSamplesSelect} as one entry per stage asked about. */
function toStuckInvoices(
  stages: readonly StageSla[],
  rows: readonly StuckSampleRow[],
  run: StuckInvoicesRun,
): StuckInvoices[] {
  const byStage = new Map<string, { count: number; oldestMs: number; ids: string[] }>();
  for (const row of rows) {
    const entry = byStage.get(row.stage) ?? { count: row.total, oldestMs: row.timeMs, ids: [] };
    entry.oldestMs = Math.min(entry.oldestMs, row.timeMs);
    entry.ids.push(row.invoiceId);
    byStage.set(row.stage, entry);
  }
  return stages.map((s) => {
    const found = byStage.get(s.stage);
    return {
      stage: s.stage,
      count: found?.count ?? 0,
      oldestAgeSeconds: found ? Math.max(0, Math.floor((run.nowMs - found.oldestMs) / 1000)) : null,
      // The query returns at least one row per stuck stage (it carries the total), even for a sample size of 0.
      sampleInvoiceIds: found?.ids.slice(0, run.sampleSize) ?? [],
    };
  });
}

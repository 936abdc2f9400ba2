import {
  QueryCommand,
  type QueryCommandOutput,
  type Row,
  type TimestreamQueryClient,
} from '@aws-sdk/client-timestream-query';
import { FINAL_STATUSES } from '../../schemas/stages.ts';
import { MEASURE_NAME } from '../consume/mapToRecord.ts';
import { DownstreamError, toDownstreamError } from '../shared/errors.ts';
import { MONITOR_DEFAULTS } from './defaults.ts';
import type { StageSla, StuckInvoiceSource, StuckInvoices } from './StuckInvoiceSource.ts';

export interface TimestreamStuckInvoiceSourceOptions {
  readonly client: TimestreamQueryClient;
  readonly database: string;
  readonly table: string;
  /**
   * Time one SLA check may take, all pages included; past it the check fails (and is reported as a
   * monitor problem) so the run still alerts on DLQs within its own timeout.
   * @default MONITOR_DEFAULTS.sla.queryBudgetMs
   */
  readonly budgetMs?: number;
  readonly now?: () => number;
}

/**
 * The SLA check on AWS: one Timestream query over the cell's events table, with the semantics of
 * the local `InvoiceEventsSqlSource`. "Latest event" is by record time (the event's occurredAt; ties
 * broken by eventId), counting only each stage's first consumer, like the dashboards. An invoice is
 * stuck in stage S when that latest event is in S, its status is not final for S, and it is older
 * than S's SLA. The answer is at most `sampleSize` rows per stage (each carrying the stage total), so
 * the counting happens in Timestream and only the samples travel.
 */
export class TimestreamStuckInvoiceSource implements StuckInvoiceSource {
  constructor(private readonly options: TimestreamStuckInvoiceSourceOptions) {}

  async stuckInvoices(
    stages: readonly StageSla[],
    options: { readonly nowMs: number; readonly lookbackHours: number; readonly sampleSize: number },
  ): Promise<StuckInvoices[]> {
    if (stages.length === 0) return [];
    const queryString = stuckInvoicesQuery(stages, {
      database: this.options.database,
      table: this.options.table,
      fromMs: options.nowMs - options.lookbackHours * 3_600_000,
      nowMs: options.nowMs,
      sampleSize: options.sampleSize,
    });
    const rows = await this.allRows(queryString);

    const byStage = new Map<string, { count: number; oldestMs: number; ids: string[] }>();
    for (const row of rows) {
      const stage = row.text('stage');
      if (!stages.some((s) => s.stage === stage)) {
        throw new DownstreamError('Timestream', 'Query', 'UnexpectedResult', 'permanent', `unknown stage "${stage}"`);
      }
      const timeMs = row.integer('time_ms');
      const entry = byStage.get(stage) ?? { count: row.integer('total'), oldestMs: timeMs, ids: [] };
      entry.oldestMs = Math.min(entry.oldestMs, timeMs);
      entry.ids.push(row.text('invoice_id'));
      byStage.set(stage, entry);
    }
    return stages.map((s) => {
      const found = byStage.get(s.stage);
      return {
        stage: s.stage,
        count: found?.count ?? 0,
        oldestAgeSeconds: found ? Math.max(0, Math.floor((options.nowMs - found.oldestMs) / 1000)) : null,
        // The query returns at least one row per stuck stage (it carries the total), even for a sample size of 0.
        sampleInvoiceIds: found?.ids.slice(0, options.sampleSize) ?? [],
      };
    });
  }

  /**
   * Every page of one query run. Timestream may answer a page with no rows and a NextToken while the
   * query still runs, so the loop goes on until NextToken is absent (or the budget is spent).
   */
  private async allRows(queryString: string): Promise<ResultRow[]> {
    const now = this.options.now ?? Date.now;
    const budgetMs = this.options.budgetMs ?? MONITOR_DEFAULTS.sla.queryBudgetMs;
    const deadline = now() + budgetMs;
    const rows: ResultRow[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const remainingMs = deadline - now();
      if (remainingMs <= 0) {
        throw new DownstreamError(
          'Timestream',
          'Query',
          'BudgetExceeded',
          'transient',
          `no complete answer after ${pages} page(s) within ${budgetMs} ms`,
        );
      }
      let page: QueryCommandOutput;
      try {
        page = await this.options.client.send(
          new QueryCommand({ QueryString: queryString, ...(nextToken ? { NextToken: nextToken } : {}) }),
          { abortSignal: AbortSignal.timeout(remainingMs) },
        );
      } catch (error) {
        throw toDownstreamError('Timestream', 'Query', error);
      }
      pages += 1;
      const columns = (page.ColumnInfo ?? []).map((c) => c.Name ?? '');
      for (const row of page.Rows ?? []) rows.push(new ResultRow(columns, row));
      nextToken = page.NextToken;
    } while (nextToken);
    return rows;
  }
}

/** One result row, read by column name; a missing or malformed value is an error, not a zero. */
class ResultRow {
  constructor(
    private readonly columns: readonly string[],
    private readonly row: Row,
  ) {}

  text(column: string): string {
    const index = this.columns.indexOf(column);
    const value = index < 0 ? undefined : this.row.Data?.[index]?.ScalarValue;
    if (value === undefined) {
      throw new DownstreamError('Timestream', 'Query', 'UnexpectedResult', 'permanent', `no value for ${column}`);
    }
    return value;
  }

  integer(column: string): number {
    const text = this.text(column);
    const value = Number(text);
    if (!Number.isSafeInteger(value)) {
      throw new DownstreamError(
        'Timestream',
        'Query',
        'UnexpectedResult',
        'permanent',
        `${column} is not an integer: ${JSON.stringify(text)}`,
      );
    }
    return value;
  }
}

/**
 * The Timestream SQL of the SLA check.
 *
 * `latest` ranks each invoice's records of the look-back window, newest first, keeping only records
 * of a stage's first consumer (a stage not asked about counts with any consumer, so an invoice that
 * moved on is still seen as moved on); `stuck` keeps the invoices whose newest record is in an asked
 * stage, older than that stage's SLA, with a status that is not final there. The outer SELECT returns
 * the longest-stuck `sampleSize` per stage with the stage's total. Times are compared as
 * `from_milliseconds(<epoch ms>)` so the query says exactly which instant the run used.
 */
export function stuckInvoicesQuery(
  stages: readonly StageSla[],
  window: { database: string; table: string; fromMs: number; nowMs: number; sampleSize: number },
): string {
  const table = `${identifier(window.database)}.${identifier(window.table)}`;
  const primaryRecords = [
    ...stages.map((s) => `(stage = ${literal(s.stage)} AND consumer = ${literal(s.primaryConsumer)})`),
    `stage NOT IN (${stages.map((s) => literal(s.stage)).join(', ')})`,
  ].join('\n         OR ');
  const stuckRules = stages
    .map((s) => {
      const finals = FINAL_STATUSES[s.stage] as readonly string[];
      const notFinal = finals.length
        ? ` AND (status IS NULL OR status NOT IN (${finals.map(literal).join(', ')}))`
        : '';
      const slaCutoff = Math.trunc(window.nowMs - s.slaSeconds * 1000);
      return `(stage = ${literal(s.stage)} AND time < from_milliseconds(${slaCutoff})${notFinal})`;
    })
    .join('\n         OR ');
  return `WITH latest AS (
  SELECT invoice_id, stage, status, time,
    row_number() OVER (PARTITION BY invoice_id ORDER BY time DESC, event_id DESC) AS rn
  FROM ${table}
  WHERE measure_name = ${literal(MEASURE_NAME)}
    AND time >= from_milliseconds(${Math.trunc(window.fromMs)})
    AND (${primaryRecords})
),
stuck AS (
  SELECT stage, invoice_id, time FROM latest
  WHERE rn = 1
    AND (${stuckRules})
)
SELECT stage, invoice_id, to_milliseconds(time) AS time_ms, total FROM (
  SELECT stage, invoice_id, time,
    count(*) OVER (PARTITION BY stage) AS total,
    row_number() OVER (PARTITION BY stage ORDER BY time, invoice_id) AS k
  FROM stuck
)
WHERE k <= ${Math.max(1, Math.trunc(window.sampleSize))}
ORDER BY stage, k`;
}

/** A quoted identifier: database and table names may contain '-' (`bems-euw1-a`). */
function identifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

import {
  QueryCommand,
  type QueryCommandOutput,
  type Row,
  type TimestreamQueryClient,
} from '@aws-sdk/client-timestream-query';
import { timestreamTable } from '../../schemas/readModelSql.ts';
import { timestreamStuckInvoices } from '../../schemas/stuckRule.ts';
import { DownstreamError, toDownstreamError } from '../shared/errors.ts';
import { MONITOR_DEFAULTS } from './defaults.ts';
import {
  SampledStuckInvoiceSource,
  type StageSla,
  type StuckSampler,
  stuckSamplesSelect,
} from './StuckInvoiceSource.ts';

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
 * The SLA check on AWS: one Timestream query over the cell's events table, evaluating the stuck rule
 * of `schemas/stuckRule.ts` (the local `InvoiceEventsSqlSource` evaluates the same rule in SQLite).
 * The answer is at most `sampleSize` rows per stage (each carrying the stage total), so
 * the counting happens in Timestream and only the samples travel.
 */
export class TimestreamStuckInvoiceSource extends SampledStuckInvoiceSource {
  constructor(private readonly options: TimestreamStuckInvoiceSourceOptions) {
    super();
  }

  protected readonly sample: StuckSampler = async (stages, window) => {
    const queryString = stuckInvoicesQuery(stages, {
      database: this.options.database,
      table: this.options.table,
      ...window,
    });
    return (await this.allRows(queryString)).map((row) => {
      const stage = row.text('stage');
      if (!stages.some((s) => s.stage === stage)) {
        throw new DownstreamError('Timestream', 'Query', 'UnexpectedResult', 'permanent', `unknown stage "${stage}"`);
      }
      return { stage, invoiceId: row.text('invoice_id'), timeMs: row.integer('time_ms'), total: row.integer('total') };
    });
  };

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
 * The Timestream SQL of the SLA check: the rule of `schemas/stuckRule.ts` over the cell's table,
 * then the longest-stuck `sampleSize` per stage with the stage's total. Times are compared as
 * `from_milliseconds(<epoch ms>)` so the query says exactly which instant the run used.
 */
export function stuckInvoicesQuery(
  stages: readonly StageSla[],
  window: { database: string; table: string; fromMs: number; nowMs: number; sampleSize: number },
): string {
  const ctes = timestreamStuckInvoices(stages, {
    table: timestreamTable(window.database, window.table),
    since: `from_milliseconds(${Math.trunc(window.fromMs)})`,
    cutoff: (s) => `from_milliseconds(${Math.trunc(window.nowMs - s.slaSeconds * 1000)})`,
  });
  return `WITH ${ctes}
${stuckSamplesSelect(window, 'time', (time) => `to_milliseconds(${time})`)}`;
}

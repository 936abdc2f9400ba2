import { READ_MODEL_VIEW } from '../../schemas/analyticsRecord.ts';
import { sqliteStuckInvoices } from '../../schemas/stuckRule.ts';
import { SampledStuckInvoiceSource, type StuckSampler, stuckSamplesSelect } from './StuckInvoiceSource.ts';

/** Runs one read-only SQL statement with positional parameters (node:sqlite's `prepare().all()`, or a worker). */
export type SqlQuery = (
  sql: string,
  params: readonly (string | number)[],
) => Promise<Record<string, unknown>[]> | Record<string, unknown>[];

export interface InvoiceEventsSqlSourceOptions {
  readonly query: SqlQuery;
  /** Timestream database and table names (the view holds every table's records). */
  readonly database: string;
  readonly table: string;
}

/**
 * The SLA check over the local read model: the view `invoice_events` (READ_MODEL_VIEW) with the columns of the
 * analytics record (`READ_MODEL_COLUMNS`), which the local cell keeps over the Timestream emulator's
 * SQLite file. The rule is `schemas/stuckRule.ts`, rendered for SQLite.
 */
export class InvoiceEventsSqlSource extends SampledStuckInvoiceSource {
  constructor(private readonly options: InvoiceEventsSqlSourceOptions) {
    super();
  }

  protected readonly sample: StuckSampler = async (stages, window) => {
    const { sql, params } = sqliteStuckInvoices(stages, {
      view: READ_MODEL_VIEW,
      fromMs: window.fromMs,
      nowMs: window.nowMs,
      scope: { database: this.options.database, table: this.options.table },
    });
    const rows = await this.options.query(`WITH ${sql} ${stuckSamplesSelect(window, 'time_ms', (t) => t)}`, params);
    return rows.map((row) => ({
      stage: String(row.stage),
      invoiceId: String(row.invoice_id),
      timeMs: Number(row.time_ms),
      total: Number(row.total),
    }));
  };
}

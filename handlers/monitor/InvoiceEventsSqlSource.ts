import { FINAL_STATUSES } from '../../schemas/stages.ts';
import type { StageSla, StuckInvoiceSource, StuckInvoices } from './StuckInvoiceSource.ts';

/** Runs one read-only SQL statement with positional parameters (node:sqlite's `prepare().all()`). */
export type SqlQuery = (sql: string, params: readonly (string | number)[]) => Record<string, unknown>[];

export interface InvoiceEventsSqlSourceOptions {
  readonly query: SqlQuery;
  /** Timestream database and table names (the view holds every table's records). */
  readonly database: string;
  readonly table: string;
}

/**
 * The SLA check over a SQL view named `invoice_events` with the columns of the BEMS record
 * (`database_name, table_name, stage, consumer, invoice_id, event_id, status, time_ms`): the local
 * cell's Timestream emulator keeps exactly that view in SQLite.
 *
 * "Latest event" is by record time (the event's occurredAt), counting only each stage's first
 * consumer, like the dashboards. An invoice is stuck in stage S when that latest event is in S,
 * its status is not final for S, and it is older than S's SLA.
 */
export class InvoiceEventsSqlSource implements StuckInvoiceSource {
  constructor(private readonly options: InvoiceEventsSqlSourceOptions) {}

  async stuckInvoices(
    stages: readonly StageSla[],
    options: { readonly nowMs: number; readonly lookbackHours: number; readonly sampleSize: number },
  ): Promise<StuckInvoices[]> {
    if (stages.length === 0) return [];
    const params: (string | number)[] = [];
    // A stage not listed still counts for "latest event" (any of its consumers): leaving it out
    // would make an invoice that moved on look stuck in the stage before.
    const primaryCase = `CASE stage ${stages.map(() => 'WHEN ? THEN ?').join(' ')} ELSE consumer END`;
    for (const s of stages) params.push(s.stage, s.primaryConsumer);
    const stuckWhen = stages.map((s) => {
      const finals = FINAL_STATUSES[s.stage] as readonly string[];
      params.push(s.stage, options.nowMs - s.slaSeconds * 1000, ...finals);
      const notFinal = finals.length
        ? ` AND (status IS NULL OR status NOT IN (${finals.map(() => '?').join(', ')}))`
        : '';
      return `(stage = ? AND time_ms < ?${notFinal})`;
    });
    const stuckCte = `
      WITH latest AS (
        SELECT invoice_id, stage, status, time_ms,
               ROW_NUMBER() OVER (PARTITION BY invoice_id ORDER BY time_ms DESC, event_id DESC) AS rn
        FROM invoice_events
        WHERE database_name = ? AND table_name = ? AND time_ms >= ? AND consumer = ${primaryCase}
      ),
      stuck AS (
        SELECT invoice_id, stage, time_ms FROM latest WHERE rn = 1 AND (${stuckWhen.join(' OR ')})
      )`;
    const cteParams = [
      this.options.database,
      this.options.table,
      options.nowMs - options.lookbackHours * 3_600_000,
      ...params,
    ];
    // One statement for counts and samples would need the window twice anyway; two keep each readable.
    const totals = this.options.query(
      `${stuckCte} SELECT stage, count(*) AS n, min(time_ms) AS oldest FROM stuck GROUP BY stage`,
      cteParams,
    );
    const samples = this.options.query(
      `${stuckCte}
       SELECT stage, invoice_id FROM (
         SELECT stage, invoice_id, ROW_NUMBER() OVER (PARTITION BY stage ORDER BY time_ms, invoice_id) AS k FROM stuck
       ) WHERE k <= ? ORDER BY stage, k`,
      [...cteParams, options.sampleSize],
    );
    return stages.map((s) => {
      const total = totals.find((row) => row.stage === s.stage);
      const oldest = total ? Number(total.oldest) : undefined;
      return {
        stage: s.stage,
        count: total ? Number(total.n) : 0,
        oldestAgeSeconds: oldest === undefined ? null : Math.max(0, Math.floor((options.nowMs - oldest) / 1000)),
        sampleInvoiceIds: samples.filter((row) => row.stage === s.stage).map((row) => String(row.invoice_id)),
      };
    });
  }
}

import { FINAL_STATUSES } from '../../schemas/stages.ts';
import type { StageSla, StuckInvoiceSource, StuckInvoices } from './StuckInvoiceSource.ts';

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
 * The SLA check over a SQL view named `invoice_events` with the columns of the BEMS record
 * (`database_name, table_name, stage, consumer, invoice_id, event_id, status, time_ms`): the local
 * cell's Timestream emulator keeps exactly that view in SQLite.
 *
 * "Latest event" is by record time (the event's occurredAt; ties broken by eventId), counting only
 * each stage's first consumer, like the dashboards. An invoice is stuck in stage S when that latest
 * event is in S, its status is not final for S, and it is older than S's SLA.
 */
export class InvoiceEventsSqlSource implements StuckInvoiceSource {
  constructor(private readonly options: InvoiceEventsSqlSourceOptions) {}

  async stuckInvoices(
    stages: readonly StageSla[],
    options: { readonly nowMs: number; readonly lookbackHours: number; readonly sampleSize: number },
  ): Promise<StuckInvoices[]> {
    if (stages.length === 0) return [];
    const { sql, params } = stuckInvoicesSql(stages, {
      database: this.options.database,
      table: this.options.table,
      fromMs: options.nowMs - options.lookbackHours * 3_600_000,
      nowMs: options.nowMs,
    });
    const totals = await this.options.query(
      `${sql} SELECT stage, count(*) AS n, min(time_ms) AS oldest FROM stuck GROUP BY stage`,
      params,
    );
    const samples = await this.options.query(
      `${sql}
       SELECT stage, invoice_id FROM (
         SELECT stage, invoice_id, ROW_NUMBER() OVER (PARTITION BY stage ORDER BY time_ms, invoice_id) AS k FROM stuck
       ) WHERE k <= ? ORDER BY stage, k`,
      [...params, options.sampleSize],
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

/**
 * `WITH stuck AS (…)`: one SELECT per stage, joined by UNION ALL, so each uses the
 * (stage, consumer, time_ms) index for "this stage, older than its SLA", then one lookup on the
 * (invoice_id, time_ms) index for "no later event of the invoice". Ranking every record of the
 * look-back window by invoice instead takes seconds on a store of 100k records. The status (a JSON
 * field) is read last, only for the few candidates left.
 */
function stuckInvoicesSql(
  stages: readonly StageSla[],
  window: { database: string; table: string; fromMs: number; nowMs: number },
): { sql: string; params: (string | number)[] } {
  // A later event counts only from a stage's first consumer; a stage not listed counts with any consumer.
  const laterPrimary = `l.consumer = CASE l.stage ${stages.map(() => 'WHEN ? THEN ?').join(' ')} ELSE l.consumer END`;
  const laterParams = stages.flatMap((s) => [s.stage, s.primaryConsumer]);
  const parts = stages.map((s) => {
    const finals = FINAL_STATUSES[s.stage] as readonly string[];
    const notFinal = finals.length
      ? `AND (r.status IS NULL OR r.status NOT IN (${finals.map(() => '?').join(', ')}))`
      : '';
    return {
      sql: `SELECT r.invoice_id, r.stage, r.time_ms FROM invoice_events r
        WHERE r.stage = ? AND r.consumer = ? AND r.time_ms >= ? AND r.time_ms < ?
          AND r.database_name = ? AND r.table_name = ?
          AND NOT EXISTS (
            SELECT 1 FROM invoice_events l
            WHERE l.invoice_id = r.invoice_id AND l.time_ms >= r.time_ms
              AND (l.time_ms > r.time_ms OR l.event_id > r.event_id)
              AND l.database_name = r.database_name AND l.table_name = r.table_name AND ${laterPrimary}
          )
          ${notFinal}`,
      params: [
        s.stage,
        s.primaryConsumer,
        window.fromMs,
        window.nowMs - s.slaSeconds * 1000,
        window.database,
        window.table,
        ...laterParams,
        ...finals,
      ],
    };
  });
  return {
    sql: `WITH stuck AS (${parts.map((p) => p.sql).join('\nUNION ALL\n')})`,
    params: parts.flatMap((p) => p.params),
  };
}

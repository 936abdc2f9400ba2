import { DatabaseSync } from 'node:sqlite';
import type { ColumnInfo, QueryCommandInput, QueryCommandOutput, Row } from '@aws-sdk/client-timestream-query';
import type { SqlQuery } from '../../handlers/monitor/InvoiceEventsSqlSource.ts';

/** One BEMS record as the SLA check sees it (the columns both SLA queries read). */
export interface SlaRecord {
  readonly invoiceId: string;
  readonly stage: string;
  readonly consumer: string;
  readonly eventId: string;
  readonly status: string;
  readonly timeMs: number;
  /** @default 'invoice_event' */
  readonly measureName?: string;
}

/**
 * A Timestream table stand-in for SLA-query tests: the records sit in an in-memory SQLite database
 * attached under the Timestream database name, so the Timestream SQL (`"db"."table"`) runs as
 * written, with `from_milliseconds` / `to_milliseconds` as SQLite functions over epoch milliseconds.
 * The same records are also exposed as the local cell's `invoice_events` view, so the local SQL
 * source and the Timestream source can be run over identical data and compared.
 *
 * `query()` answers a QueryCommand the way Timestream does: in pages, each with a NextToken, the
 * first page of a run possibly empty (Timestream returns empty pages while a query still runs).
 */
export class TimestreamTableOverSqlite {
  private readonly db = new DatabaseSync(':memory:');
  private readonly runs = new Map<string, { columns: ColumnInfo[]; rows: Row[]; offset: number }>();
  private nextRun = 0;
  readonly queryStrings: string[] = [];

  constructor(
    readonly database: string,
    readonly table: string,
    private readonly pageSize = 2,
    private readonly emptyFirstPage = true,
  ) {
    this.db.function('from_milliseconds', (ms) => ms);
    this.db.function('to_milliseconds', (time) => time);
    this.db.exec(`ATTACH DATABASE ':memory:' AS ${quote(database)}`);
    this.db.exec(`CREATE TABLE ${quote(database)}.${quote(table)} (
      invoice_id TEXT, stage TEXT, consumer TEXT, event_id TEXT, status TEXT, time INTEGER, measure_name TEXT,
      received_at INTEGER)`);
    // A TEMP view may read an attached database (a view in main may not); unqualified names find it first.
    this.db.exec(`CREATE TEMP VIEW invoice_events AS
      SELECT ${literal(database)} AS database_name, ${literal(table)} AS table_name, stage, consumer, invoice_id,
        event_id, status, time AS time_ms, received_at AS received_at_ms
      FROM ${quote(database)}.${quote(table)} WHERE measure_name = 'invoice_event'`);
  }

  insert(records: readonly SlaRecord[]): void {
    const statement = this.db.prepare(
      `INSERT INTO ${quote(this.database)}.${quote(this.table)}
        (invoice_id, stage, consumer, event_id, status, time, measure_name) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const r of records) {
      statement.run(r.invoiceId, r.stage, r.consumer, r.eventId, r.status, r.timeMs, r.measureName ?? 'invoice_event');
    }
  }

  clear(): void {
    this.db.exec(`DELETE FROM ${quote(this.database)}.${quote(this.table)}`);
  }

  /** The local cell's SQL runner over the same records (for `InvoiceEventsSqlSource`). */
  readonly localQuery: SqlQuery = (sql, params) => this.db.prepare(sql).all(...params) as Record<string, unknown>[];

  /** Answers one Timestream Query call (a new run, or the next page of one). */
  query(input: QueryCommandInput): QueryCommandOutput {
    this.queryStrings.push(input.QueryString!);
    let runId = input.NextToken?.split(':')[0];
    if (runId === undefined) {
      runId = `run${this.nextRun++}`;
      const rows = this.db.prepare(input.QueryString!).all() as Record<string, unknown>[];
      const names = rows.length ? Object.keys(rows[0]!) : [];
      this.runs.set(runId, {
        columns: names.map((Name) => ({ Name, Type: { ScalarType: 'VARCHAR' } })),
        rows: rows.map((row) => ({ Data: names.map((n) => ({ ScalarValue: String(row[n]) })) })),
        offset: this.emptyFirstPage ? -1 : 0,
      });
    }
    const run = this.runs.get(runId);
    if (!run) throw Object.assign(new Error('invalid NextToken'), { name: 'ValidationException' });
    const page = run.offset < 0 ? [] : run.rows.slice(run.offset, run.offset + this.pageSize);
    run.offset = run.offset < 0 ? 0 : run.offset + this.pageSize;
    const done = run.offset >= run.rows.length;
    return {
      QueryId: runId,
      ColumnInfo: run.columns,
      Rows: page,
      ...(done ? {} : { NextToken: `${runId}:${run.offset}` }),
      $metadata: {},
    };
  }

  close(): void {
    this.db.close();
  }
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

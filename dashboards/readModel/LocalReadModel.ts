import { DEFAULT_PRIMARY_CONSUMER } from '../../schemas/analyticsRecord.ts';
import { primaryConsumerPredicate } from '../../schemas/readModelSql.ts';
import { STAGES, type Stage } from '../../schemas/stages.ts';
import {
  type InvoiceEventRecord,
  invoiceTimelineSql,
  type TimelineScope,
  toInvoiceEventRecord,
} from './invoiceTimeline.ts';
import { type ReadModelSource, TIMESTREAM_READ_MODEL } from './readModelSchema.ts';

/** Runs one read-only statement synchronously (`TimestreamStore.query`). */
export interface SyncSqlReader {
  query<T = Record<string, unknown>>(sql: string, params?: readonly (string | number)[]): T[];
}

/** Selects analytics records by where they were written, their BEMS dimensions and time. */
export interface AnalyticsRecordFilter {
  readonly database?: string;
  readonly table?: string;
  /** Defaults to every measure name. */
  readonly measureName?: string;
  readonly stage?: string;
  readonly consumer?: string;
  /** Only records of each stage's first consumer (what views and dashboards count). */
  readonly primaryOnly?: boolean;
  readonly invoiceId?: string;
  /** Inclusive lower bound on the record time (epoch ms). */
  readonly fromTimeMs?: number;
  /** Exclusive upper bound on the record time (epoch ms). */
  readonly toTimeMs?: number;
}

/** More than one record for one (eventId, stage, consumer): what the pipeline must never produce. */
export interface DuplicateIdentity {
  readonly database: string;
  readonly table: string;
  readonly eventId: string;
  readonly stage: string | null;
  readonly consumer: string | null;
  readonly count: number;
}

export interface LocalReadModelOptions {
  /** The first consumer of each stage; stages not listed use {@link DEFAULT_PRIMARY_CONSUMER}. */
  readonly primaryConsumers?: Readonly<Partial<Record<string, string>>>;
  /** The store the reader reads: the Timestream emulator's (default) or the Firehose emulator's (`LAKEHOUSE_READ_MODEL`). */
  readonly source?: ReadModelSource;
}

/**
 * BEMS's local read model over the analytics store's file — the Timestream emulator's or the
 * Firehose emulator's, with its source's `schema` installed: invoice timelines, record counts and
 * the pipeline's duplicate check. The dashboards' aggregates
 * (`localSql.ts`) and the local SLA check (`InvoiceEventsSqlSource`) query the same view.
 */
export class LocalReadModel {
  readonly primaryConsumers: Readonly<Record<Stage, string>>;
  private readonly source: ReadModelSource;

  constructor(
    private readonly reader: SyncSqlReader,
    options: LocalReadModelOptions = {},
  ) {
    this.primaryConsumers = Object.fromEntries(
      STAGES.map((stage) => [stage, options.primaryConsumers?.[stage] ?? DEFAULT_PRIMARY_CONSUMER]),
    ) as Record<Stage, string>;
    this.source = options.source ?? TIMESTREAM_READ_MODEL;
  }

  /** The counted events of one invoice (each stage's first consumer unless `consumer` names another). */
  timeline(invoiceId: string, scope: TimelineScope = {}): InvoiceEventRecord[] {
    const { sql, params } = invoiceTimelineSql(invoiceId, this.primaryConsumers, scope);
    return this.reader.query(sql, params).map(toInvoiceEventRecord);
  }

  /** Number of records matching the filter (all records, of any measure, without one). */
  countRecords(filter: AnalyticsRecordFilter = {}): number {
    const where = this.whereClause(filter);
    const [row] = this.reader.query<{ n: number }>(
      `SELECT count(*) AS n FROM ${this.source.table} ${where.sql}`,
      where.params,
    );
    return row!.n;
  }

  /**
   * Records (every consumer's) whose invoice id starts with `prefix`: a range count on the invoice
   * index alone, cheap enough to poll while a load test runs.
   */
  countByInvoicePrefix(prefix: string): number {
    const invoiceId = this.source.dimension('invoice_id');
    const [row] = this.reader.query<{ n: number }>(
      `SELECT count(*) AS n FROM ${this.source.table} WHERE ${invoiceId} >= ? AND ${invoiceId} < ?`,
      [prefix, `${prefix}\uffff`],
    );
    return row?.n ?? 0;
  }

  /**
   * The `event_id` dimension of every matching record, sorted, one entry per record: a repeated id
   * means the same event was recorded twice for the same filter (see {@link duplicateIdentities}).
   */
  eventIds(filter: AnalyticsRecordFilter = {}): string[] {
    const eventId = this.source.dimension('event_id');
    const where = this.whereClause(filter, [`${eventId} IS NOT NULL`]);
    const rows = this.reader.query<{ event_id: string }>(
      `SELECT ${eventId} AS event_id FROM ${this.source.table} ${where.sql} ORDER BY event_id`,
      where.params,
    );
    return rows.map((row) => row.event_id);
  }

  /**
   * Events recorded more than once for the same (database, table, stage, consumer). Timestream's
   * own identity cannot repeat (UNIQUE key; first write wins), nor can the lakehouse's unique key
   * (event_id + consumer; last write wins), so a hit here means the pipeline wrote one eventId with
   * a different time or dimensions, or inserted where it should have updated — a real duplicate on
   * the dashboards.
   */
  duplicateIdentities(filter: AnalyticsRecordFilter = {}): DuplicateIdentity[] {
    const { dimension, table } = this.source;
    const where = this.whereClause(filter, [`${dimension('event_id')} IS NOT NULL`]);
    const rows = this.reader.query<{
      database_name: string;
      table_name: string;
      event_id: string;
      stage: string | null;
      consumer: string | null;
      n: number;
    }>(
      `SELECT database_name, table_name, ${dimension('event_id')} AS event_id, ${dimension('stage')} AS stage,
         ${dimension('consumer')} AS consumer, count(*) AS n FROM ${table} ${where.sql}
       GROUP BY database_name, table_name, event_id, stage, consumer HAVING n > 1
       ORDER BY event_id, stage, consumer`,
      where.params,
    );
    return rows.map((row) => ({
      database: row.database_name,
      table: row.table_name,
      eventId: row.event_id,
      stage: row.stage,
      consumer: row.consumer,
      count: row.n,
    }));
  }

  private whereClause(
    filter: AnalyticsRecordFilter,
    extra: readonly string[] = [],
  ): { sql: string; params: (string | number)[] } {
    const { dimension, timeMs, measureName } = this.source;
    const conditions = [...extra];
    const params: (string | number)[] = [];
    const add = (condition: string, value: string | number | undefined): void => {
      if (value === undefined) return;
      conditions.push(condition);
      params.push(value);
    };
    // With an invoice id, the unary `+` keeps SQLite from choosing an index that leads with
    // database_name, table_name (the store's UNIQUE identity key until its schema version 4) over the
    // far more selective invoice index.
    const columnRef = filter.invoiceId !== undefined ? '+' : '';
    add(`${columnRef}database_name = ?`, filter.database);
    add(`${columnRef}table_name = ?`, filter.table);
    add(`${measureName} = ?`, filter.measureName);
    add(`${dimension('invoice_id')} = ?`, filter.invoiceId);
    add(`${dimension('stage')} = ?`, filter.stage);
    add(`${dimension('consumer')} = ?`, filter.consumer);
    if (filter.primaryOnly) {
      conditions.push(primaryConsumerPredicate(this.primaryConsumers, dimension('stage'), dimension('consumer')));
    }
    add(`${timeMs} >= ?`, filter.fromTimeMs);
    add(`${timeMs} < ?`, filter.toTimeMs);
    return { sql: conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`, params };
  }
}

import { type AnalyticsColumns, TIMESTREAM_COLUMNS } from '../../schemas/analyticsRecord.ts';
import { ATHENA_COLUMNS } from '../../schemas/athenaTable.ts';
import { isAnalyticsRecord, primaryConsumerPredicate, timestreamTable } from '../../schemas/readModelSql.ts';
import type { Stage } from '../../schemas/stages.ts';
import {
  athenaStuckInvoices,
  type StageStuckRule,
  type TimestreamStuckOptions,
  timestreamStuckInvoices,
} from '../../schemas/stuckRule.ts';

/**
 * What the dashboards' datasets say differently in Timestream SQL and in Athena (Trino) SQL over the
 * lakehouse's Iceberg table. Everything else (states, aging, stage order, latest event, z-scores) is
 * one text for both, built in `datasetSql.ts`. Each Athena spelling was chosen so DuckDB runs it as
 * well, or needs only the translation listed in docs/QUERIES.md.
 */
export interface DatasetDialect {
  readonly name: 'timestream' | 'athena';
  /** The table, quoted. */
  readonly table: string;
  readonly columns: AnalyticsColumns;
  /** Records the dashboards count: analytics records of each stage's first consumer (on an aliased table). */
  counted(alias?: string): string;
  /** The instant `amount` units before now (`ago(90d)` / `(now() - INTERVAL '90' DAY)`). */
  ago(amount: number, unit: 'day' | 'second'): string;
  /** The event-volume interval, as the step of a timestamp series (`15m` / `INTERVAL '15' MINUTE`). */
  readonly step: string;
  /** A timestamp's start of its event-volume interval. */
  bin(time: string): string;
  /** The stuck rule's two CTEs (schemas/stuckRule.ts) in this dialect. */
  stuckInvoices(rules: readonly StageStuckRule[], options: Omit<TimestreamStuckOptions, 'table'>): string;
}

export interface DialectOptions {
  readonly primaryConsumers: Readonly<Record<Stage, string>>;
  /** Interval of the event-volume series, in minutes (a divisor of a day). */
  readonly volumeIntervalMinutes: number;
}

function primaryOf(options: DialectOptions, alias?: string): string {
  return alias
    ? primaryConsumerPredicate(options.primaryConsumers, `${alias}.stage`, `${alias}.consumer`)
    : primaryConsumerPredicate(options.primaryConsumers);
}

/** Timestream for LiveAnalytics: `ago()`, `bin()`, interval literals like `15m`; the table holds other measures too. */
export function timestreamDialect(
  options: DialectOptions & { readonly databaseName: string; readonly tableName: string },
): DatasetDialect {
  const table = timestreamTable(options.databaseName, options.tableName);
  const step = `${options.volumeIntervalMinutes}m`;
  return {
    name: 'timestream',
    table,
    columns: TIMESTREAM_COLUMNS,
    counted: (alias) =>
      `${isAnalyticsRecord(alias ? `${alias}.measure_name` : undefined)} AND ${primaryOf(options, alias)}`,
    ago: (amount, unit) => `ago(${amount}${unit === 'day' ? 'd' : 's'})`,
    step,
    bin: (time) => `bin(${time}, ${step})`,
    stuckInvoices: (rules, stuck) => timestreamStuckInvoices(rules, { ...stuck, table }),
  };
}

/**
 * Athena (Trino) over the Iceberg table: one row per analytics record (no measure name), standard
 * interval arithmetic, and a bin as whole intervals since the start of the day — Trino has no
 * `bin()`, and `date_trunc` knows no 15-minute unit. `floor(…)` makes the division integral in
 * DuckDB as well (there `/` of two integers is a double).
 */
export function athenaDialect(options: DialectOptions & { readonly table: string }): DatasetDialect {
  const minutes = options.volumeIntervalMinutes;
  if (!Number.isSafeInteger(minutes) || minutes <= 0 || 1440 % minutes !== 0) {
    throw new RangeError(`volumeIntervalMinutes must divide a day, got ${minutes}`);
  }
  const step = `INTERVAL '${minutes}' MINUTE`;
  return {
    name: 'athena',
    table: options.table,
    columns: ATHENA_COLUMNS,
    counted: (alias) => primaryOf(options, alias),
    ago: (amount, unit) => `(now() - INTERVAL '${amount}' ${unit.toUpperCase()})`,
    step,
    bin: (time) => `date_trunc('day', ${time}) + ${step} * floor((hour(${time}) * 60 + minute(${time})) / ${minutes})`,
    stuckInvoices: (rules, stuck) => athenaStuckInvoices(rules, { ...stuck, table: options.table }),
  };
}

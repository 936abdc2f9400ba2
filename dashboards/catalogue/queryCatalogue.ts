import { athenaStuckInvoicesQuery } from '../../handlers/monitor/athenaStuckInvoicesQuery.ts';
import { stuckInvoicesQuery } from '../../handlers/monitor/TimestreamStuckInvoiceSource.ts';
import { stuckRulesOf } from '../../schemas/stuckRule.ts';
import { LocalSql, type LocalSqlConfig, type SqlQuery } from '../localSql.ts';
import { athenaDatasets, type DatasetId, timestreamDatasets } from '../quicksight/timestreamDatasets.ts';
import type { TimeRange } from '../timeRange.ts';

/**
 * The query catalogue: every query the dashboards and the stuck-event monitor run, one entry each,
 * with its rendering in each dialect a store needs —
 * - `timestream`: Timestream SQL (QuickSight and the monitor of a `timestream` cell),
 * - `athena`: Athena (Trino) SQL over the lakehouse's Iceberg table (the same readers of a `lakehouse` cell),
 * - `sqlite`: the local read model's SQL (`invoice_events`; the local dashboards and monitor).
 *
 * The renderings are generated from one definition per query: the datasets from
 * `./datasetSql.ts` (Timestream and Athena differ only in `./datasetDialects.ts`), the stuck rule
 * from `schemas/stuckRule.ts`, the local SQL from `../localSql.ts` (which shares the state, aging,
 * stage-order and latest-event fragments). The local SQL answers a window [from, to) at the grain a
 * panel asks for, QuickSight's datasets return rows of the last N days and let the visuals group;
 * each entry says which local query answers the same question.
 *
 * Every Athena rendering runs on DuckDB, and every Timestream rendering too, against the same seeded
 * records as the local read model, with results compared (test/unit/dashboards/catalogue/). The
 * functions the dialects spell differently are listed in docs/QUERIES.md.
 */

export type CatalogueId = DatasetId | 'stuck_monitor';

export interface CatalogueEntry {
  readonly id: CatalogueId;
  /** What the query answers, and who runs it. */
  readonly purpose: string;
  readonly timestream: string;
  readonly athena: string;
  /** The local read model's query answering the same question over a window. */
  readonly sqlite: (window: LocalWindow) => SqlQuery;
}

/** What the local SQL needs beyond the cell: the window (and, for stuck queries, now = its end). */
export interface LocalWindow {
  readonly range: TimeRange;
  /** Look-back of the stuck rule, in ms. */
  readonly stuckLookbackMs: number;
  readonly sampleSize: number;
}

/** The cell's first consumers and SLAs (as the local SQL takes them), and where each store keeps the records. */
export interface CatalogueOptions extends LocalSqlConfig {
  readonly timestream: { readonly databaseName: string; readonly tableName: string };
  /** The Iceberg table as Athena names it, quoted. */
  readonly athenaTable: string;
  /** The monitor's run: its window and sample size (the dashboards' datasets are relative to now()). */
  readonly monitorRun: { readonly fromMs: number; readonly nowMs: number; readonly sampleSize: number };
  readonly lookbackDays?: number;
  readonly volumeIntervalMinutes?: number;
  readonly volumeHistoryDays?: number;
}

const PURPOSES: Record<CatalogueId, string> = {
  events: 'Every counted event (each stage’s first consumer): volumes, values, latency. Local: source "events".',
  stage_entries: 'Each invoice’s first event in each stage: throughput per stage. Local: source "stageEntries".',
  invoices: 'Each invoice’s latest event with its state and aging bucket: backlog, aging. Local: source "invoices".',
  cohort: 'Events of the invoices ingested in the window: conversion. Local: source "cohort".',
  stuck: 'Invoices stuck past their stage’s SLA (QuickSight “Stuck invoices”). Local: LocalSql.stuck.',
  event_volume:
    'Events per interval (15 min by default) with robust z-scores (anomaly insight). Local: events by time bucket + robustZScores.',
  stuck_monitor:
    'The SLA check: longest-stuck samples per stage with the stage total (the monitor). Local: LocalSql.stuck.',
};

export function queryCatalogue(options: CatalogueOptions): CatalogueEntry[] {
  const timestream = timestreamDatasets({ ...options, ...options.timestream });
  const athena = athenaDatasets({ ...options, table: options.athenaTable });
  const local = new LocalSql(options);
  const localSource = {
    events: (w: LocalWindow) => local.source('events', w.range),
    stage_entries: (w: LocalWindow) => local.source('stageEntries', w.range),
    invoices: (w: LocalWindow) => local.source('invoices', w.range),
    cohort: (w: LocalWindow) => local.source('cohort', w.range),
    stuck: (w: LocalWindow) => local.stuck(w.range.toMs, w.stuckLookbackMs, w.sampleSize),
    event_volume: (w: LocalWindow) =>
      local.aggregate({ source: 'events', measure: 'events', dimensions: ['time'] }, w.range),
  } satisfies Record<DatasetId, CatalogueEntry['sqlite']>;
  const datasets = timestream.map((dataset, i) => ({
    id: dataset.id,
    purpose: PURPOSES[dataset.id],
    timestream: dataset.sql,
    athena: athena[i]!.sql,
    sqlite: localSource[dataset.id],
  }));
  const stages = stuckRulesOf(options.primaryConsumers, options.slaSecondsByStage);
  const run = options.monitorRun;
  return [
    ...datasets,
    {
      id: 'stuck_monitor',
      purpose: PURPOSES.stuck_monitor,
      timestream: stuckInvoicesQuery(stages, {
        database: options.timestream.databaseName,
        table: options.timestream.tableName,
        ...run,
      }),
      athena: athenaStuckInvoicesQuery(stages, { table: options.athenaTable, ...run }),
      sqlite: (w) => local.stuck(w.range.toMs, w.stuckLookbackMs, w.sampleSize),
    },
  ];
}

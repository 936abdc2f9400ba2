import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CatalogueEntry, type LocalWindow, queryCatalogue } from '../../../../dashboards/catalogue/index.ts';
import { LocalSql } from '../../../../dashboards/localSql.ts';
import { robustZScores } from '../../../../dashboards/robustZScores.ts';
import { BUCKETS, STUCK } from '../../../../dashboards/views.ts';
import { DAY, EVENTS } from '../dashboardFixture.ts';
import { type SeededStore, seedRecords, seedRows, startSeededStore } from '../seededStore.ts';
import { athenaToDuckDb, timestreamToDuckDb } from './duckDbDialect.ts';
import {
  ATHENA_TABLE,
  type DuckDbStore,
  epochMsOf,
  type Row,
  startDuckDbStore,
  TIMESTREAM_DATABASE,
  TIMESTREAM_TABLE,
} from './duckDbStore.ts';

/**
 * Every query of the catalogue, executed: the Athena and the Timestream renderings on DuckDB (with
 * the translations of `duckDbDialect.ts`), the local rendering on the local read model (SQLite),
 * all over the same records built by the consumer's mapper. Each pair must return the same rows or
 * the same numbers.
 */

const PRIMARY = {
  ingestion: 'recorder',
  reconciliation: 'recorder',
  authorization: 'recorder',
  posting: 'recorder',
} as const;
const SLA = { ingestion: 900, reconciliation: 900, authorization: 900, posting: 600 } as const;
/**
 * The clock every query runs at: after the fixture's last event, and off every minute boundary, so a
 * count of boundaries crossed (DuckDB's date_diff) and of whole units (Trino's) would differ.
 */
const NOW = Date.parse('2026-11-18T07:30:30.500Z');
const SAMPLE_SIZE = 2;
const LOCAL: LocalWindow = {
  range: { fromMs: NOW - 90 * DAY, toMs: NOW, bucket: '15m', bucketMs: BUCKETS['15m'] },
  stuckLookbackMs: STUCK.lookbackMs,
  sampleSize: STUCK.maxListed,
};

const catalogue = queryCatalogue({
  primaryConsumers: PRIMARY,
  slaSecondsByStage: SLA,
  timestream: { databaseName: TIMESTREAM_DATABASE, tableName: TIMESTREAM_TABLE },
  athenaTable: ATHENA_TABLE,
  monitorRun: { fromMs: NOW - STUCK.lookbackMs, nowMs: NOW, sampleSize: SAMPLE_SIZE },
});
const entry = (id: CatalogueEntry['id']) => catalogue.find((e) => e.id === id)!;

let duck: DuckDbStore;
let seeded: SeededStore;

beforeAll(async () => {
  duck = await startDuckDbStore(seedRecords(EVENTS), seedRows(EVENTS));
  seeded = await startSeededStore(EVENTS);
});
afterAll(async () => {
  duck?.close();
  await seeded?.stop();
});

/** Both AWS renderings of an entry, run on DuckDB. */
async function onDuckDb(id: CatalogueEntry['id']): Promise<{ athena: Row[]; timestream: Row[] }> {
  const { athena, timestream } = entry(id);
  return {
    athena: await duck.query(athenaToDuckDb(athena, NOW)),
    timestream: await duck.query(timestreamToDuckDb(timestream, NOW)),
  };
}

/**
 * The local rendering's rows; with `columns`, only those, and amount_minor as text (two of the
 * fixture's amounts exceed 2^53 minor units, which node:sqlite refuses to turn into a number).
 */
function local(id: CatalogueEntry['id'], columns?: readonly string[]): Row[] {
  const { sql, params } = entry(id).sqlite(LOCAL);
  const projected = columns
    ? `SELECT ${columns.map((c) => (c === 'amount_minor' ? 'CAST(amount_minor AS TEXT) AS amount_minor' : c)).join(', ')} FROM (${sql})`
    : sql;
  return seeded.store.query(projected, params as (string | number)[]);
}

const sorted = (keys: string[]) => [...keys].sort();

describe('the query catalogue', () => {
  it('has every dashboard dataset and the monitor query, each in all three dialects', () => {
    expect(catalogue.map((e) => e.id)).toEqual([
      'events',
      'stage_entries',
      'invoices',
      'cohort',
      'stuck',
      'event_volume',
      'stuck_monitor',
    ]);
    for (const e of catalogue) {
      expect(e.athena).not.toMatch(/\bago\(|\bbin\(|measure_name|from_milliseconds/);
      expect(e.sqlite(LOCAL).sql).toContain('invoice_events');
    }
  });

  describe.each(['events', 'stage_entries'] as const)('%s', (id) => {
    it('returns the same events in Athena, Timestream and the local read model', async () => {
      const key = (r: Row, time: string) =>
        [r.event_id, r.stage, r.status, r.invoice_id, r.amount_minor, r.latency_ms, epochMsOf(r[time])].join('|');
      const localKey = (r: Row) =>
        [r.event_id, r.stage, r.status, r.invoice_id, r.amount_minor, r.latency_ms, r.time_ms].join('|');
      const { athena, timestream } = await onDuckDb(id);
      const expected = sorted(
        local(id, ['event_id', 'stage', 'status', 'invoice_id', 'amount_minor', 'latency_ms', 'time_ms']).map(localKey),
      );
      expect(expected.length).toBeGreaterThan(10);
      expect(sorted(athena.map((r) => key(r, 'occurred_at')))).toEqual(expected);
      expect(sorted(timestream.map((r) => key(r, 'occurred_at')))).toEqual(expected);
    });
  });

  it('invoices: the same latest event, state and aging bucket per invoice', async () => {
    const { athena, timestream } = await onDuckDb('invoices');
    const key = (r: Row) => [r.invoice_id, r.stage, r.status, r.state, r.amount_minor].join('|');
    const expected = sorted(local('invoices', ['invoice_id', 'stage', 'status', 'state', 'amount_minor']).map(key));
    expect(expected.length).toBeGreaterThan(5);
    expect(sorted(athena.map(key))).toEqual(expected);
    expect(sorted(timestream.map(key))).toEqual(expected);
    // Aging as of now: the local aggregate by aging bucket against the datasets' buckets.
    const aging = new Map<string, number>();
    const { sql, params } = new LocalSql({ primaryConsumers: PRIMARY, slaSecondsByStage: SLA }).aggregate(
      { source: 'invoices', measure: 'invoices', dimensions: ['aging'] },
      LOCAL.range,
    );
    for (const row of seeded.store.query<Row>(sql, params as (string | number)[]))
      aging.set(String(row.d0), Number(row.n));
    const counts = (rows: Row[]) => {
      const byBucket = new Map<string, number>();
      for (const r of rows) byBucket.set(String(r.aging_bucket), (byBucket.get(String(r.aging_bucket)) ?? 0) + 1);
      return byBucket;
    };
    expect(aging.size).toBeGreaterThan(1);
    expect(counts(athena)).toEqual(aging);
    expect(counts(timestream)).toEqual(aging);
  });

  it('cohort: the same events of the ingested invoices', async () => {
    const { athena, timestream } = await onDuckDb('cohort');
    const key = (r: Row) => `${r.stage}|${r.invoice_id}`;
    const expected = sorted(local('cohort', ['stage', 'invoice_id']).map(key));
    expect(expected.length).toBeGreaterThan(5);
    expect(sorted(athena.map(key))).toEqual(expected);
    expect(sorted(timestream.map(key))).toEqual(expected);
  });

  it('stuck: the same stuck invoices, and minutes stuck as of now', async () => {
    const { athena, timestream } = await onDuckDb('stuck');
    const invoices = local('stuck').filter((r) => r.kind === 'invoice');
    const key = (r: Row) => [r.invoice_id, r.stage, r.status, r.currency, r.amount_minor ?? r.minor].join('|');
    expect(invoices.length).toBeGreaterThan(2);
    expect(sorted(athena.map(key))).toEqual(sorted(invoices.map(key)));
    expect(sorted(timestream.map(key))).toEqual(sorted(invoices.map(key)));
    const minutes = sorted(invoices.map((r) => `${r.invoice_id}|${Math.floor((NOW - Number(r.time_ms)) / 60_000)}`));
    expect(sorted(athena.map((r) => `${r.invoice_id}|${r.stuck_minutes}`))).toEqual(minutes);
    expect(sorted(timestream.map((r) => `${r.invoice_id}|${r.stuck_minutes}`))).toEqual(minutes);
  });

  it('stuck_monitor: the same stage totals and longest-stuck samples as the local rule', async () => {
    const { athena, timestream } = await onDuckDb('stuck_monitor');
    const rows = local('stuck_monitor');
    const expected = rows
      .filter((r) => r.kind === 'count')
      .flatMap((count) =>
        rows
          .filter((r) => r.kind === 'invoice' && r.stage === count.stage)
          .slice(0, SAMPLE_SIZE)
          .map((r) => `${r.stage}|${r.invoice_id}|${r.time_ms}|${count.n}`),
      );
    const key = (r: Row) => `${r.stage}|${r.invoice_id}|${r.time_ms}|${r.total}`;
    expect(expected.length).toBeGreaterThan(1);
    expect(sorted(athena.map(key))).toEqual(sorted(expected));
    expect(sorted(timestream.map(key))).toEqual(sorted(expected));
  });

  it('event_volume: every interval and currency of the history with the local counts and anomaly rule', async () => {
    const { athena, timestream } = await onDuckDb('event_volume');
    const counts = new Map(local('event_volume').map((r) => [Number(r.d0), Number(r.n)]));
    const intervals = (14 * DAY) / BUCKETS['15m'] + 1;
    for (const rows of [athena, timestream]) {
      const currencies = [...new Set(rows.map((r) => String(r.currency)))].sort();
      expect(currencies).toEqual([...new Set(EVENTS.map((e) => e.currency))].sort());
      expect(rows.length).toBe(intervals * currencies.length);
      // Summed over the currencies, the local dashboard's counts per interval.
      const total = new Map<number, number>();
      for (const r of rows)
        total.set(epochMsOf(r.interval_start), (total.get(epochMsOf(r.interval_start)) ?? 0) + Number(r.events));
      expect([...total.keys()].length).toBe(intervals);
      for (const [at, n] of total) expect(n, new Date(at).toISOString()).toBe(counts.get(at) ?? 0);
      // Per currency, the rule's verdicts on that currency's complete intervals.
      for (const currency of currencies) {
        const series = rows
          .filter((r) => r.currency === currency)
          .map((r) => ({ at: epochMsOf(r.interval_start), events: Number(r.events), status: String(r.volume_status) }))
          .sort((a, b) => a.at - b.at);
        const { verdicts } = robustZScores(series.slice(1, -1).map((s) => s.events));
        expect(
          series.map((s) => s.status),
          currency,
        ).toEqual(['unjudged', ...verdicts, 'unjudged']);
      }
    }
  });
});

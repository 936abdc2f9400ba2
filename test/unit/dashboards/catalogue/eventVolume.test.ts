import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryCatalogue } from '../../../../dashboards/catalogue/index.ts';
import { robustZScores } from '../../../../dashboards/robustZScores.ts';
import { BUCKETS } from '../../../../dashboards/views.ts';
import { type SeedEvent, seedRecords, seedRows } from '../seededStore.ts';
import { athenaToDuckDb, timestreamToDuckDb } from './duckDbDialect.ts';
import {
  ATHENA_TABLE,
  type DuckDbStore,
  epochMsOf,
  startDuckDbStore,
  TIMESTREAM_DATABASE,
  TIMESTREAM_TABLE,
} from './duckDbStore.ts';

/**
 * QuickSight's event-volume dataset (the anomaly visual) over two days with quiet nights, run on
 * DuckDB in both dialects: the same verdicts as the local dashboard's rule, no anomaly for the
 * morning after a quiet night, one for the burst.
 */
const INTERVAL = BUCKETS['15m'];
const NOW = Date.parse('2026-11-18T07:35:10Z');
const START = Math.floor((NOW - 2 * 86_400_000) / INTERVAL) * INTERVAL;
const PRIMARY = { ingestion: 'recorder', reconciliation: 'recorder', authorization: 'recorder', posting: 'recorder' };

/** Events per 15 minutes: 8–12 by day (07:00–19:00 UTC), 0–1 at night, and one burst of 80. */
function countAt(ms: number, i: number): number {
  const hour = new Date(ms).getUTCHours();
  if (ms === START + 40 * INTERVAL) return 80;
  return hour >= 7 && hour < 19 ? 8 + ((i * 7) % 5) : i % 5 === 0 ? 1 : 0;
}

function volumeEvents(): SeedEvent[] {
  const events: SeedEvent[] = [];
  for (let ms = START, i = 0; ms < NOW; ms += INTERVAL, i++) {
    for (let n = 0; n < countAt(ms, i); n++) {
      events.push({
        invoiceId: `VOL-${i}-${n}`,
        stage: 'ingestion',
        status: 'captured',
        occurredAtMs: ms + n * 1000,
        amount: '10.00',
        currency: 'EUR',
        vendorId: 'V-1',
        vendorName: 'Acme GmbH',
        invoiceDate: '2026-11-16',
        paymentTerms: { netDays: 30 },
      });
    }
  }
  return events;
}

describe('event volume dataset with quiet periods (DuckDB)', () => {
  let duck: DuckDbStore;
  const events = volumeEvents();
  const entry = queryCatalogue({
    primaryConsumers: PRIMARY,
    slaSecondsByStage: { ingestion: 900, reconciliation: 900, authorization: 900, posting: 900 },
    timestream: { databaseName: TIMESTREAM_DATABASE, tableName: TIMESTREAM_TABLE },
    athenaTable: ATHENA_TABLE,
    monitorRun: { fromMs: NOW - 86_400_000, nowMs: NOW, sampleSize: 1 },
  }).find((e) => e.id === 'event_volume')!;

  beforeAll(async () => {
    duck = await startDuckDbStore(seedRecords(events), seedRows(events));
  });
  afterAll(() => duck?.close());

  it.each(['athena', 'timestream'] as const)(
    '%s: judges like the local rule; quiet nights are not anomalies',
    async (dialect) => {
      // Act
      const sql = dialect === 'athena' ? athenaToDuckDb(entry.athena, NOW) : timestreamToDuckDb(entry.timestream, NOW);
      const rows = (await duck.query(sql))
        .map((r) => ({ at: epochMsOf(r.interval_start), events: Number(r.events), status: String(r.volume_status) }))
        .sort((a, b) => a.at - b.at);

      // Assess: the intervals of the two days, against the same rule computed in JavaScript.
      const seeded = rows.filter((r) => r.at >= START && r.at < NOW);
      expect(seeded.reduce((sum, r) => sum + r.events, 0)).toBe(events.length);
      const complete = rows.slice(1, -1);
      const { verdicts } = robustZScores(complete.map((r) => r.events));
      expect(complete.map((r) => r.status)).toEqual(verdicts);
      expect(rows.filter((r) => r.status === 'anomaly').map((r) => r.at)).toEqual([START + 40 * INTERVAL]);
      // The first busy interval after each night is normal, and every night interval is quiet.
      const mornings = seeded.filter((r) => new Date(r.at).getUTCHours() === 7 && new Date(r.at).getUTCMinutes() === 0);
      expect(mornings.length).toBeGreaterThan(0);
      for (const morning of mornings) expect(morning.status).toBe('normal');
      expect(seeded.filter((r) => r.events < 3).every((r) => r.status === 'quiet')).toBe(true);
    },
  );
});

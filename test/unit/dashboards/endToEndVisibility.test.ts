import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardQueries } from '../../../dashboards/queries.ts';
import { READ_MODEL_SCHEMA } from '../../../dashboards/readModel/index.ts';
import type { TablePanelData } from '../../../dashboards/viewData.ts';
import { consumeConfigFromEnv, createConsumeHandler } from '../../../handlers/consume.ts';
import { startTimestreamEmulator } from '../../../local/timestream/index.ts';
import { END_TO_END_VISIBILITY, METRICS } from '../../../schemas/metrics.ts';
import { STAGES, type Stage } from '../../../schemas/stages.ts';
import { handlerTestEnv, metricsRecorder } from '../../helpers/handlerTestEnv.ts';
import { buildInvoiceEvent } from '../../helpers/invoiceEvents.ts';
import { buildEventDetail, buildSqsEvent, buildSqsRecord } from '../../helpers/sqsEvents.ts';

/**
 * One figure, two dashboards: the consume handler writes into a real Timestream emulator and publishes
 * `EndToEndLatency` (what CloudWatch graphs), and the local dashboard's end-to-end panel reads the
 * same records' receipt and write times. With one clock for both, the panel's p50/p99 per stage are
 * exactly the nearest-rank percentiles of the published metric values; replays count in neither.
 */
const DATABASE = 'bems-local';
const TABLE = 'invoice_events';
let clock = Date.parse('2026-11-28T10:00:00.000Z');
const startedAt = clock;
const dataDir = mkdtempSync(join(tmpdir(), 'bems-e2e-'));
const metrics = metricsRecorder();
let emulator: Awaited<ReturnType<typeof startTimestreamEmulator>>;
let client: TimestreamWriteClient;

function nearestRank(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
}

/** A batch of 10 consumer-queue messages of `stage`, received between 1 and 90 s before the clock. */
function batch(stage: Stage, seed: number, replayed = false) {
  return Array.from({ length: 10 }, (_, i) => {
    const receivedAt = clock - 1_000 - ((seed * 7_919 + i * 104_729) % 89_000);
    const event = buildInvoiceEvent(stage, { occurredAt: new Date(receivedAt - 500).toISOString() });
    const detail = buildEventDetail(event, { receivedAt: new Date(receivedAt).toISOString() });
    return buildSqsRecord({
      body: detail,
      messageGroupId: event.invoiceId,
      messageAttributes: replayed ? { replayName: 'rebuild' } : {},
    });
  });
}

beforeAll(async () => {
  emulator = await startTimestreamEmulator({
    dataDir,
    readSchema: READ_MODEL_SCHEMA,
    databases: [
      {
        name: DATABASE,
        tables: [{ name: TABLE, memoryRetentionHours: 24, magneticRetentionDays: 7, magneticWrites: true }],
      },
    ],
    // The write itself takes 40 ms: the record's write time is later than the batch's processed_at.
    now: () => {
      clock += 40;
      return clock;
    },
  });
  client = new TimestreamWriteClient({
    endpoint: emulator.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const consume = createConsumeHandler(
    consumeConfigFromEnv(
      handlerTestEnv({ TIMESTREAM_DATABASE_NAME: DATABASE, TIMESTREAM_TABLE_NAME: TABLE, CONSUMER_NAME: 'recorder' }),
    ),
    { timestreamWrite: client, now: () => clock, publishMetrics: metrics.publishMetrics },
  );
  // The store's write time and the handler's acceptance time are one instant of one clock (the
  // emulator moves it when it writes); it also moves between batches.
  for (const [index, stage] of [...STAGES, ...STAGES, 'posting' as const].entries()) {
    clock += 3_000 + index * 1_500;
    await consume(buildSqsEvent(batch(stage, index)));
  }
  clock += 5_000;
  await consume(buildSqsEvent(batch('ingestion', 99, true)));
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await emulator?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('end-to-end visibility: one figure on both dashboards', () => {
  it('shows on the local dashboard the percentiles of the metric the consumer published, per stage', async () => {
    // Prepare
    const queries = new DashboardQueries(emulator.store, { visibilityTargetSeconds: 60, now: () => clock });
    const range = { fromMs: startedAt, toMs: clock + 1, bucket: '1h' as const, bucketMs: 3_600_000 };

    // Act
    const view = await queries.view('operations', range);
    const table = view.panels.endToEnd as TablePanelData;

    // Assess
    for (const stage of STAGES) {
      const published = metrics.points
        .filter((p) => p.name === METRICS.endToEndLatency.name && p.dimensions.stage === stage)
        .map((p) => p.value);
      const row = table.rows.find((r) => String(r.stage).toLowerCase() === stage)!;
      expect(row.events, stage).toBe(published.length);
      for (const p of END_TO_END_VISIBILITY.percentiles)
        expect(row[`p${p}`], `${stage} p${p}`).toBe(nearestRank(published, p));
      const within = published.filter((ms) => ms <= 60_000).length;
      expect(row.withinTarget, stage).toBe(Math.round((within / published.length) * 1000) / 10);
    }
    expect(table.columns.map((c) => c.label)).toContain('Within 60 s');
  });

  it('leaves replayed records out of both', () => {
    const ingestion = metrics.points.filter(
      (p) => p.name === METRICS.endToEndLatency.name && p.dimensions.stage === 'ingestion',
    );
    const [stored] = emulator.store.query<{ n: number }>(
      "SELECT count(*) AS n FROM invoice_events WHERE stage = 'ingestion' AND replayed = 0",
    );
    expect(ingestion).toHaveLength(20);
    expect(stored!.n).toBe(20);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { TimestreamWriteClient, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { DashboardQueries } from '../../dashboards/queries.ts';
import { READ_MODEL_SCHEMA } from '../../dashboards/readModel/index.ts';
import { parseTimeRange } from '../../dashboards/timeRange.ts';
import { VIEW_IDS } from '../../dashboards/views.ts';
import { WorkerQueryStore } from '../../dashboards/WorkerQueryStore.ts';
import { mapToRecord } from '../../handlers/consume/mapToRecord.ts';
import { startTimestreamEmulator } from '../../local/timestream/index.ts';
import { DEFAULT_PRIMARY_CONSUMER } from '../../schemas/analyticsRecord.ts';
import type { InvoiceEventDetail } from '../../schemas/envelope.ts';
import { STAGES, STATUSES_BY_STAGE } from '../../schemas/stages.ts';
import { benchFlags } from './benchFlags.ts';

/**
 * How long the local dashboard's view queries take over a store of N recorded events (default
 * 100,000 spread over 7 days: 25,000 invoices × 4 stages), written through the Timestream emulator
 * with the consumer's own record mapper. Prints the median of 5 runs per view and range, on a worker
 * thread (as the local cell runs them) and on the main thread, with the longest event-loop stall seen.
 *
 *   npx tsx load-tests/micro/dashboardViewQueryTime.ts [--events 100000] [--runs 5]
 */
const { events: total, runs } = benchFlags({ events: 100_000, runs: 5 });
const DAY = 86_400_000;
const CURRENCIES = ['EUR', 'EUR', 'USD', 'GBP', 'JPY'];

function detail(index: number, now: number): InvoiceEventDetail[] {
  const invoiceId = `INV-${String(index).padStart(8, '0')}`;
  const start = now - 7 * DAY + ((index * 2_654_435_761) % (7 * DAY - 3_600_000));
  const currency = CURRENCIES[index % CURRENCIES.length]!;
  const depth = 1 + (index % 4);
  return STAGES.slice(0, depth).map((stage, s) => {
    const occurredAt = start + s * 600_000;
    return {
      eventId: `00000000-0000-4000-8000-${String(index * 4 + s).padStart(12, '0')}`,
      invoiceId,
      stage,
      status: STATUSES_BY_STAGE[stage][s === depth - 1 && index % 9 === 0 ? 2 : 0],
      occurredAt: new Date(occurredAt).toISOString(),
      invoiceDate: new Date(occurredAt - (index % 60) * DAY).toISOString().slice(0, 10),
      amount:
        currency === 'JPY'
          ? String(1000 + (index % 90_000))
          : `${100 + (index % 50_000)}.${String(index % 100).padStart(2, '0')}`,
      currency,
      vendor: { vendorId: `V-${index % 40}`, name: `Vendor ${index % 40}`, country: 'DE' },
      paymentTerms: { netDays: [0, 14, 30, 60][index % 4]! },
      metadata: { sourceSystem: 'bench' },
      server: {
        cell: 'local',
        region: 'eu-west-1',
        receivedAt: new Date(occurredAt + 200).toISOString(),
        schemaVersion: '1',
      },
    } as InvoiceEventDetail;
  });
}

const dataDir = mkdtempSync(join(tmpdir(), 'bems-dashboard-bench-'));
const emulator = await startTimestreamEmulator({
  dataDir,
  readSchema: READ_MODEL_SCHEMA,
  databases: [
    {
      name: 'bems-local',
      tables: [
        { name: 'invoice_events', memoryRetentionHours: 24, magneticRetentionDays: 73_000, magneticWrites: true },
      ],
    },
  ],
});
const client = new TimestreamWriteClient({
  endpoint: emulator.endpoint,
  region: 'eu-west-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
try {
  const now = Date.now();
  const records = [];
  for (let i = 0; records.length < total; i++) {
    for (const d of detail(i, now)) {
      records.push(
        mapToRecord({
          detail: d,
          consumer: DEFAULT_PRIMARY_CONSUMER,
          replayed: false,
          processedAt: Date.parse(d.server.receivedAt) + 900,
        }),
      );
    }
  }
  records.length = total;
  const writeStart = performance.now();
  for (let i = 0; i < records.length; i += 100) {
    await client.send(
      new WriteRecordsCommand({
        DatabaseName: 'bems-local',
        TableName: 'invoice_events',
        Records: records.slice(i, i + 100),
      }),
    );
  }
  console.log(`wrote ${total} records in ${((performance.now() - writeStart) / 1000).toFixed(1)} s`);

  // The local cell runs these on a worker thread (WorkerQueryStore); "main" runs them on this thread,
  // where their duration is also how long the event loop would stall.
  const modes = [
    ['worker', new WorkerQueryStore(emulator.store.path)],
    ['main', emulator.store],
  ] as const;
  console.log('mode    view        range  median ms  max event-loop stall ms');
  for (const [mode, store] of modes) {
    const queries = new DashboardQueries(store);
    for (const range of ['24h', '7d'] as const) {
      for (const view of VIEW_IDS) {
        const times: number[] = [];
        const stall = monitorEventLoopDelay({ resolution: 10 });
        stall.enable();
        for (let r = 0; r < runs; r++) {
          const started = performance.now();
          await queries.view(view, parseTimeRange({ range }, now));
          times.push(performance.now() - started);
        }
        stall.disable();
        times.sort((a, b) => a - b);
        const median = times[Math.floor(times.length / 2)]!.toFixed(0);
        console.log(
          `${mode.padEnd(7)} ${view.padEnd(11)} ${range.padEnd(6)} ${median.padStart(9)}  ${(stall.max / 1e6).toFixed(0).padStart(10)}`,
        );
      }
    }
    if (store instanceof WorkerQueryStore) await store.close();
  }
} finally {
  client.destroy();
  await emulator.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

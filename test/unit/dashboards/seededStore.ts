import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TimestreamWriteClient, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { READ_MODEL_SCHEMA } from '../../../dashboards/readModel/index.ts';
import type { SinkItem } from '../../../handlers/consume/EventSink.ts';
import { analyticsValuesOf, mapToRecord } from '../../../handlers/consume/mapToRecord.ts';
import { startTimestreamEmulator } from '../../../local/timestream/index.ts';
import type { TimestreamStore } from '../../../local/timestream/TimestreamStore.ts';
import { type AnalyticsRow, toAnalyticsRow } from '../../../schemas/analyticsRecord.ts';
import type { InvoiceEventDetail } from '../../../schemas/envelope.ts';
import type { Stage } from '../../../schemas/stages.ts';

/**
 * A Timestream emulator seeded through the real `@aws-sdk/client-timestream-write` client with records
 * built by the consumer's own mapper (`mapToRecord`), so the dashboards read exactly what the pipeline
 * writes.
 */

export interface SeedEvent {
  readonly invoiceId: string;
  readonly stage: Stage;
  readonly status: string;
  readonly occurredAtMs: number;
  /** received → processed, in ms. @default 1000 */
  readonly latencyMs?: number;
  readonly amount: string;
  readonly currency: string;
  readonly vendorId: string;
  readonly vendorName: string;
  readonly invoiceDate: string;
  readonly paymentTerms: { netDays?: number; dueDate?: string };
  /** @default 'recorder' */
  readonly consumer?: string;
  /** The account in the server metadata; null for an event stamped before ingest recorded it. @default '000000000000' */
  readonly account?: string | null;
}

export interface SeededStore {
  readonly store: TimestreamStore;
  stop(): Promise<void>;
}

const DATABASE = 'bems-local';
const TABLE = 'invoice_events';

export function detailOf(event: SeedEvent, index: number): InvoiceEventDetail {
  const receivedAt = event.occurredAtMs + 500;
  return {
    eventId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    invoiceId: event.invoiceId,
    stage: event.stage,
    status: event.status,
    occurredAt: new Date(event.occurredAtMs).toISOString(),
    invoiceDate: event.invoiceDate,
    amount: event.amount,
    currency: event.currency,
    vendor: { vendorId: event.vendorId, name: event.vendorName, country: 'DE' },
    paymentTerms: event.paymentTerms,
    metadata: { sourceSystem: 'sap-fi' },
    server: {
      cell: 'local',
      ...(event.account === null ? {} : { account: event.account ?? '000000000000' }),
      region: 'eu-west-1',
      receivedAt: new Date(receivedAt).toISOString(),
      schemaVersion: '1',
    },
  } as InvoiceEventDetail;
}

/** The consumer's items for the events: what its sinks map to records and rows. */
function seedItems(events: readonly SeedEvent[]): SinkItem[] {
  return events.map((event, index) => {
    const detail = detailOf(event, index);
    const receivedAt = Date.parse(detail.server.receivedAt);
    return {
      detail,
      consumer: event.consumer ?? 'recorder',
      replayed: false,
      processedAt: receivedAt + (event.latencyMs ?? 1000),
    };
  });
}

/** The analytics records the consumer's mapper writes for the events (also seeded into DuckDB by the catalogue tests). */
export function seedRecords(events: readonly SeedEvent[]): ReturnType<typeof mapToRecord>[] {
  return seedItems(events).map(mapToRecord);
}

/** The lakehouse rows the consumer's Firehose sink sends for the events (the catalogue tests' Athena table). */
export function seedRows(events: readonly SeedEvent[]): AnalyticsRow[] {
  return seedItems(events).map((item) => toAnalyticsRow(analyticsValuesOf(item)));
}

export async function startSeededStore(events: readonly SeedEvent[]): Promise<SeededStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bems-dash-'));
  const emulator = await startTimestreamEmulator({
    dataDir,
    readSchema: READ_MODEL_SCHEMA,
    // Magnetic-store writes let the fixture use fixed dates in the past, as a backfill would.
    databases: [
      {
        name: DATABASE,
        tables: [{ name: TABLE, memoryRetentionHours: 24, magneticRetentionDays: 73_000, magneticWrites: true }],
      },
    ],
  });
  const client = new TimestreamWriteClient({
    endpoint: emulator.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const records = seedRecords(events);
    for (let i = 0; i < records.length; i += 100) {
      await client.send(
        new WriteRecordsCommand({ DatabaseName: DATABASE, TableName: TABLE, Records: records.slice(i, i + 100) }),
      );
    }
  } catch (error) {
    client.destroy();
    await emulator.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  client.destroy();
  return {
    store: emulator.store,
    stop: async () => {
      await emulator.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

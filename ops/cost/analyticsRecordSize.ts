import type { _Record } from '@aws-sdk/client-timestream-write';
import type { SinkItem } from '../../handlers/consume/EventSink.ts';
// The one mapping from an event to its analytics record (the contract both stores derive from);
// if it moves to schemas/, only this import changes.
import { mapToRecord } from '../../handlers/consume/mapToRecord.ts';
import { type InvoiceEventDetail, SCHEMA_VERSION } from '../../schemas/envelope.ts';
import { STAGES, STATUSES_BY_STAGE, type Stage } from '../../schemas/stages.ts';

/**
 * How big one analytics record is when a consumer hands it to Firehose (`PutRecordBatch` into an
 * Iceberg table): the cost model's record size comes from here, measured on a real record built by
 * the consumer's own mapping, not guessed.
 */

const MICROS_PER_MS = 1000;

function columnValue(type: string | undefined, value: string): string | number | boolean {
  switch (type) {
    case 'BIGINT':
    case 'DOUBLE':
      return Number(value);
    case 'BOOLEAN':
      return value === 'true';
    // Firehose takes Iceberg timestamps in microseconds.
    case 'TIMESTAMP':
      return Number(value) * MICROS_PER_MS;
    default:
      return value;
  }
}

/**
 * The record as one JSON line (newline included), a flat object with one column per dimension and
 * measure plus `time` and `version` — Firehose maps only the first level of a JSON record to
 * Iceberg columns.
 */
export function analyticsJsonLine(record: _Record): string {
  const row: Record<string, string | number | boolean> = {};
  for (const dimension of record.Dimensions ?? []) row[dimension.Name!] = dimension.Value!;
  for (const measure of record.MeasureValues ?? []) row[measure.Name!] = columnValue(measure.Type, measure.Value!);
  row.time = Number(record.Time) * MICROS_PER_MS;
  row.version = record.Version ?? 1;
  return `${JSON.stringify(row)}\n`;
}

/**
 * A deliberately roomy but ordinary event: a 52-character vendor name with non-ASCII letters, a
 * seven-digit amount, the longest consumer name of the example cells, a full UUID.
 */
function referenceItem(stage: Stage): SinkItem {
  const status = [...STATUSES_BY_STAGE[stage]].sort((a, b) => b.length - a.length)[0]!;
  const detail = {
    eventId: '7d1f0c1e-2f4b-4a57-9d3e-0c6a3b1f9e21',
    invoiceId: 'INV-2026-0001234567',
    stage,
    status,
    occurredAt: '2026-11-30T09:30:00.000Z',
    invoiceDate: '2026-11-30',
    amount: '1234567.89',
    currency: 'EUR',
    vendor: { vendorId: 'V-100234', name: 'Müller Industrietechnik und Anlagenbau GmbH & Co. KG', country: 'DE' },
    paymentTerms: { netDays: 30 },
    metadata: { sourceSystem: 'oracle-ap', correlationId: 'corr-2026-11-30-000123' },
    server: {
      cell: 'euw1-a',
      account: '123456789012',
      region: 'eu-west-1',
      receivedAt: '2026-11-30T09:30:01.120Z',
      schemaVersion: SCHEMA_VERSION,
    },
  } as InvoiceEventDetail;
  return { detail, consumer: 'escalations', replayed: false, processedAt: Date.parse('2026-11-30T09:30:01.500Z') };
}

/** The reference events of every stage, as the consumer would record them (exported for tests). */
export function referenceSinkItems(): SinkItem[] {
  return STAGES.map(referenceItem);
}

/** Bytes Firehose receives for the largest reference record (the JSON line of its mapped record). */
export function referenceAnalyticsRecordBytes(): number {
  return Math.max(...referenceSinkItems().map((item) => Buffer.byteLength(analyticsJsonLine(mapToRecord(item)))));
}

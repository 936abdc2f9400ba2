import type { _Record } from '@aws-sdk/client-timestream-write';
import { type AnalyticsRecordValues, toAnalyticsWriteRecord } from '../../schemas/analyticsRecord.ts';
import { dueDateOf } from '../../schemas/dueDate.ts';
import { fromMinorUnits, toMinorUnits } from '../../schemas/money.ts';
import type { SinkItem } from './EventSink.ts';

/**
 * The Timestream record for one event and consumer (brief: "Timestream record"; DESIGN §5): the
 * analytics record of `schemas/analyticsRecord.ts` (identity, types, version) filled from the event.
 */
export function mapToRecord(item: SinkItem): _Record {
  return toAnalyticsWriteRecord(analyticsValuesOf(item));
}

/**
 * The analytics record's values for one event and consumer, in Timestream's wire format; both
 * stores are written from these (`toAnalyticsWriteRecord`, `toAnalyticsRow`). Throws (RangeError)
 * on an amount the contract should have refused.
 */
export function analyticsValuesOf(item: SinkItem): AnalyticsRecordValues {
  const { detail, consumer, processedAt, replayed } = item;
  const receivedAt = Date.parse(detail.server.receivedAt);
  const amountMinor = toMinorUnits(detail.amount, detail.currency);
  return {
    timeMs: Date.parse(detail.occurredAt),
    dimensions: {
      cell: detail.server.cell,
      // Absent on events stamped before ingest recorded the account (see ServerMetadataSchema).
      ...(detail.server.account !== undefined ? { account_id: detail.server.account } : {}),
      region: detail.server.region,
      stage: detail.stage,
      consumer,
      invoice_id: detail.invoiceId,
      event_id: detail.eventId,
      vendor_id: detail.vendor.vendorId,
      currency: detail.currency,
    },
    measures: {
      status: detail.status,
      amount: String(Number(detail.amount)),
      amount_minor: amountMinor.toString(),
      amount_text: fromMinorUnits(amountMinor, detail.currency),
      vendor_name: detail.vendor.name,
      vendor_country: detail.vendor.country,
      invoice_date: detail.invoiceDate,
      received_at: String(receivedAt),
      processed_at: String(processedAt),
      latency_ms: String(Math.max(0, processedAt - receivedAt)),
      due_at: String(Date.parse(`${dueDateOf(detail)}T00:00:00Z`)),
      source_system: detail.metadata.sourceSystem,
      replayed: String(replayed),
    },
  };
}

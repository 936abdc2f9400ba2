import type { _Record, MeasureValue } from '@aws-sdk/client-timestream-write';
import { dueDateOf } from '../../schemas/invoiceEvent.ts';
import { fromMinorUnits, toMinorUnits } from '../../schemas/money.ts';
import type { SinkItem } from './EventSink.ts';

/** The multi-measure name of every BEMS record. */
export const MEASURE_NAME = 'invoice_event';
/**
 * Every write uses Version 1. A re-delivery of an event produces the same identity with a later
 * processed_at; Timestream rejects it with ExistingVersion and the consumer counts it as a duplicate
 * ("first write wins"), so a record never changes once written.
 */
export const RECORD_VERSION = 1;

/**
 * The Timestream record for one event and consumer (brief: "Timestream record"; DESIGN §5).
 *
 * Identity = dimensions + time + measure name. `event_id` is a dimension so the identity is the
 * eventId: two different events of one invoice at the same instant stay two records, and a
 * re-delivery of one event hits the same identity. Time is `occurredAt` (business time), so charts
 * show when things happened, not when BEMS saw them.
 */
export function mapToRecord(item: SinkItem): _Record {
  const { detail, consumer, processedAt, replayed } = item;
  const receivedAt = Date.parse(detail.server.receivedAt);
  const amountMinor = toMinorUnits(detail.amount, detail.currency);
  const measures: MeasureValue[] = [
    { Name: 'status', Type: 'VARCHAR', Value: detail.status },
    // A double for charts only; the exact amount is amount_minor / amount_text (STYLE §6).
    { Name: 'amount', Type: 'DOUBLE', Value: String(Number(detail.amount)) },
    { Name: 'amount_minor', Type: 'BIGINT', Value: amountMinor.toString() },
    { Name: 'amount_text', Type: 'VARCHAR', Value: fromMinorUnits(amountMinor, detail.currency) },
    { Name: 'vendor_name', Type: 'VARCHAR', Value: detail.vendor.name },
    { Name: 'vendor_country', Type: 'VARCHAR', Value: detail.vendor.country },
    { Name: 'invoice_date', Type: 'VARCHAR', Value: detail.invoiceDate },
    { Name: 'received_at', Type: 'TIMESTAMP', Value: String(receivedAt) },
    { Name: 'processed_at', Type: 'TIMESTAMP', Value: String(processedAt) },
    { Name: 'latency_ms', Type: 'BIGINT', Value: String(Math.max(0, processedAt - receivedAt)) },
    { Name: 'due_at', Type: 'TIMESTAMP', Value: String(Date.parse(`${dueDateOf(detail)}T00:00:00Z`)) },
    { Name: 'source_system', Type: 'VARCHAR', Value: detail.metadata.sourceSystem },
    { Name: 'replayed', Type: 'BOOLEAN', Value: String(replayed) },
  ];
  return {
    Dimensions: [
      { Name: 'cell', Value: detail.server.cell, DimensionValueType: 'VARCHAR' },
      { Name: 'region', Value: detail.server.region, DimensionValueType: 'VARCHAR' },
      { Name: 'stage', Value: detail.stage, DimensionValueType: 'VARCHAR' },
      { Name: 'consumer', Value: consumer, DimensionValueType: 'VARCHAR' },
      { Name: 'invoice_id', Value: detail.invoiceId, DimensionValueType: 'VARCHAR' },
      { Name: 'event_id', Value: detail.eventId, DimensionValueType: 'VARCHAR' },
      { Name: 'vendor_id', Value: detail.vendor.vendorId, DimensionValueType: 'VARCHAR' },
      { Name: 'currency', Value: detail.currency, DimensionValueType: 'VARCHAR' },
    ],
    MeasureName: MEASURE_NAME,
    MeasureValueType: 'MULTI',
    MeasureValues: measures,
    Time: String(Date.parse(detail.occurredAt)),
    TimeUnit: 'MILLISECONDS',
    Version: RECORD_VERSION,
  };
}

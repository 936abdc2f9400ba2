import type { InvoiceEventRecord } from '../../timestream/index.ts';

/** One recorded stage event of an invoice, as `GET /invoices/{invoiceId}` returns it. */
export interface TimelineEntry {
  readonly eventId: string;
  readonly stage: string;
  readonly status: string | null;
  /** Exact decimal, as sent (never a float). */
  readonly amount: string | null;
  readonly currency: string;
  readonly vendorId: string;
  readonly vendorName: string | null;
  readonly occurredAt: string;
  readonly receivedAt: string | null;
  readonly processedAt: string | null;
  readonly latencyMs: number | null;
  readonly dueAt: string | null;
  readonly replayed: boolean;
}

/**
 * The timeline body.
 *
 * @example { "invoiceId": "INV-1", "events": [ { "eventId": "…", "stage": "ingestion", "status": "received",
 *            "amount": "1250.00", "currency": "EUR", "occurredAt": "2026-11-28T09:30:00.000Z", … } ] }
 */
export interface InvoiceTimeline {
  readonly invoiceId: string;
  readonly events: readonly TimelineEntry[];
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toInvoiceTimeline(invoiceId: string, records: readonly InvoiceEventRecord[]): InvoiceTimeline {
  return {
    invoiceId,
    events: records.map((record) => ({
      eventId: record.eventId,
      stage: record.stage,
      status: record.status,
      amount: record.amountText,
      currency: record.currency,
      vendorId: record.vendorId,
      vendorName: record.vendorName,
      occurredAt: record.time,
      receivedAt: iso(record.receivedAtMs),
      processedAt: iso(record.processedAtMs),
      latencyMs: record.latencyMs,
      dueAt: iso(record.dueAtMs),
      replayed: record.replayed === true,
    })),
  };
}

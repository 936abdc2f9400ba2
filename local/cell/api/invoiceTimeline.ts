import { type InvoiceEventRecord, timelineEventBase } from '../../../dashboards/readModel/index.ts';

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
 * The timeline body: the read model's invoice timeline (`dashboards/readModel/invoiceTimeline.ts`)
 * in the API's shape.
 *
 * @example { "invoiceId": "INV-1", "events": [ { "eventId": "…", "stage": "ingestion", "status": "received",
 *            "amount": "1250.00", "currency": "EUR", "occurredAt": "2026-11-28T09:30:00.000Z", … } ] }
 */
export interface InvoiceTimeline {
  readonly invoiceId: string;
  readonly events: readonly TimelineEntry[];
}

export function toInvoiceTimeline(invoiceId: string, records: readonly InvoiceEventRecord[]): InvoiceTimeline {
  return {
    invoiceId,
    events: records.map((record) => ({
      ...timelineEventBase(record),
      status: record.status,
      amount: record.amountText,
      vendorName: record.vendorName,
      dueAt: record.dueAtMs === null ? null : new Date(record.dueAtMs).toISOString(),
    })),
  };
}

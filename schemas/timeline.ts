import * as z from 'zod';

/**
 * The body of `GET /invoices/{invoiceId}` (local cell), for the OpenAPI document. The local cell
 * builds it in `local/cell/api/invoiceTimeline.ts`; a type test keeps the two shapes equal.
 *
 * @example { "invoiceId": "INV-1", "events": [ { "eventId": "…", "stage": "ingestion", "status": "received",
 *            "amount": "1250.00", "currency": "EUR", "occurredAt": "2026-11-28T09:30:00.000Z", … } ] }
 */
export const TimelineEntrySchema = z.object({
  eventId: z.string(),
  stage: z.string(),
  status: z.string().nullable(),
  /** Exact decimal, as sent (never a float). */
  amount: z.string().nullable(),
  currency: z.string(),
  vendorId: z.string(),
  vendorName: z.string().nullable(),
  occurredAt: z.string(),
  receivedAt: z.string().nullable(),
  processedAt: z.string().nullable(),
  latencyMs: z.number().nullable(),
  dueAt: z.string().nullable(),
  replayed: z.boolean(),
});

export const InvoiceTimelineSchema = z.object({
  invoiceId: z.string(),
  events: z.array(TimelineEntrySchema),
});

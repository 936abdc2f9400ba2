import { z } from 'zod';
import { InvoiceEventSchema } from './invoiceEvent.ts';
import { STAGES, type Stage } from './stages.ts';

/** Bumped when the event detail changes shape; consumers log and keep unknown versions in the DLQ. */
export const SCHEMA_VERSION = '1' as const;
/** `source` of every event BEMS puts on a cell's bus. */
export const EVENT_SOURCE = 'bems.invoices' as const;

/** EventBridge `detail-type` for a stage; each stage rule matches exactly one. */
export function detailTypeFor(stage: Stage): string {
  return `invoice.${stage}`;
}

/** What the server adds to a validated event before it enters the bus. */
export const ServerMetadataSchema = z.strictObject({
  cell: z.string().min(1),
  region: z.string().min(1),
  receivedAt: z.iso.datetime({ offset: true }),
  schemaVersion: z.literal(SCHEMA_VERSION),
});
export type ServerMetadata = z.infer<typeof ServerMetadataSchema>;

/**
 * The event as it travels past ingest: EventBridge `detail`, SNS message and SQS FIFO body.
 * The future-skew rule is not re-checked downstream (a redriven event may be old); the contract
 * is otherwise the same one the API enforced.
 *
 * @example { "eventId": "…", "invoiceId": "INV-1", "stage": "posting", "status": "posted", …,
 *            "server": { "cell": "local", "region": "eu-west-1", "receivedAt": "2026-11-28T09:30:01.120Z", "schemaVersion": "1" } }
 */
export const InvoiceEventDetailSchema = z.intersection(InvoiceEventSchema, z.object({ server: ServerMetadataSchema }));
export type InvoiceEventDetail = z.infer<typeof InvoiceEventDetailSchema>;

/**
 * The EventBridge event the bus delivers to a stage inbox (SQS body). `replay-name` is present
 * only on events re-sent from the archive.
 *
 * @example { "version": "0", "id": "…", "detail-type": "invoice.posting", "source": "bems.invoices",
 *            "account": "123456789012", "time": "2026-11-28T09:30:01Z", "region": "eu-west-1",
 *            "resources": [], "detail": { … } }
 */
export const BusEventSchema = z.object({
  version: z.string(),
  id: z.string(),
  'detail-type': z.enum(STAGES.map(detailTypeFor) as [string, ...string[]]),
  source: z.literal(EVENT_SOURCE),
  account: z.string(),
  time: z.string(),
  region: z.string(),
  resources: z.array(z.string()),
  'replay-name': z.string().optional(),
  detail: InvoiceEventDetailSchema,
});
export type BusEvent = z.infer<typeof BusEventSchema>;

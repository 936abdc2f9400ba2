import { randomUUID } from 'node:crypto';
import type { InvoiceEvent } from '../../schemas/invoiceEvent.ts';
import { STATUSES_BY_STAGE, type Stage } from '../../schemas/stages.ts';

/** Deep-partial overrides for {@link buildInvoiceEvent}. */
export type InvoiceEventOverrides = Partial<Omit<InvoiceEvent, 'vendor' | 'paymentTerms' | 'metadata'>> & {
  vendor?: Partial<InvoiceEvent['vendor']>;
  paymentTerms?: InvoiceEvent['paymentTerms'];
  metadata?: Partial<InvoiceEvent['metadata']>;
};

/** A valid invoice event for `stage` (fresh eventId, occurred a minute ago), with overrides applied. */
export function buildInvoiceEvent(stage: Stage = 'ingestion', overrides: InvoiceEventOverrides = {}): InvoiceEvent {
  const occurredAt = new Date(Date.now() - 60_000).toISOString();
  const { vendor, paymentTerms, metadata, ...rest } = overrides;
  return {
    eventId: randomUUID(),
    invoiceId: `INV-${randomUUID().slice(0, 8)}`,
    stage,
    status: STATUSES_BY_STAGE[stage][0],
    occurredAt,
    invoiceDate: occurredAt.slice(0, 10),
    amount: '1250.00',
    currency: 'EUR',
    vendor: { vendorId: 'V-1001', name: 'Acme GmbH', country: 'DE', ...vendor },
    paymentTerms: paymentTerms ?? { netDays: 30 },
    metadata: { sourceSystem: 'sap-fi', correlationId: 'corr-1', ...metadata },
    ...rest,
  } as InvoiceEvent;
}

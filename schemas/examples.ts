import type { Stage } from './stages.ts';

/**
 * One valid request body per stage, for the OpenAPI document and client documentation. They are
 * part of the contract: `test/unit/schemas/openapi.test.ts` checks that the API and the published
 * schemas accept each (with the clock pinned just after its occurredAt).
 */
export const STAGE_EXAMPLES = {
  ingestion: {
    eventId: 'e2a214e8-bbe9-4675-9d52-490575ffc53d',
    invoiceId: 'INV-2026-000123',
    stage: 'ingestion',
    status: 'received',
    occurredAt: '2026-11-27T09:30:00+01:00',
    invoiceDate: '2026-11-26',
    amount: '1250.00',
    currency: 'EUR',
    vendor: { vendorId: 'V-1001', name: 'Acme GmbH', country: 'DE' },
    paymentTerms: { netDays: 30, dueDate: '2026-12-26' },
    metadata: { sourceSystem: 'sap-fi', correlationId: 'c-42' },
  },
  reconciliation: {
    eventId: '03aa3897-fcf4-46b6-986c-39e8c7bb69f6',
    invoiceId: 'US-INV.88412',
    stage: 'reconciliation',
    status: 'partially_matched',
    occurredAt: '2026-11-26T16:05:12.250-05:00',
    invoiceDate: '2026-11-20',
    amount: '98765.43',
    currency: 'USD',
    vendor: { vendorId: 'VEND_7731', name: 'Northwind Traders Inc.', country: 'US' },
    paymentTerms: { dueDate: '2026-12-20' },
    metadata: { sourceSystem: 'oracle-ap', correlationId: 'rec-2026-11-26-0042' },
  },
  authorization: {
    eventId: '5c22c469-63e9-48fd-a4d4-748ca3c77ebf',
    invoiceId: 'JP:2026:00077',
    stage: 'authorization',
    status: 'approved',
    occurredAt: '2026-11-27T18:00:00+09:00',
    invoiceDate: '2026-11-25',
    amount: '1250000',
    currency: 'JPY',
    vendor: { vendorId: 'JP-3301', name: '株式会社サンプル商事', country: 'JP' },
    paymentTerms: { netDays: 60 },
    metadata: { sourceSystem: 'workday', correlationId: 'auth-77' },
  },
  posting: {
    eventId: 'b2609a0b-dd2b-4550-8c65-6018eee38dc1',
    invoiceId: 'BH-000981',
    stage: 'posting',
    status: 'posted',
    occurredAt: '2026-11-27T11:45:30.123456+03:00',
    invoiceDate: '2026-11-27',
    amount: '1250.125',
    currency: 'BHD',
    vendor: { vendorId: 'BH-12', name: 'Gulf Supplies W.L.L.', country: 'BH' },
    paymentTerms: { netDays: 0, dueDate: '2026-11-27' },
    metadata: { sourceSystem: 'sap-fi', correlationId: 'post-981' },
  },
} as const satisfies Record<Stage, { readonly stage: Stage } & Record<string, unknown>>;

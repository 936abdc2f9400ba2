import { fromMinorUnits, MAX_MINOR_UNITS } from '../../../schemas/money.ts';
import type { SeedEvent } from './seededStore.ts';

/**
 * A day of known invoice events. The window under test is Monday 2026-11-16 00:00Z → Tuesday 00:00Z.
 *
 * - INV-A (EUR) goes through all four stages and is posted; its amount is corrected on posting.
 * - INV-B and INV-C (EUR, the largest amount the contract allows) stall in reconciliation and
 *   authorization: two of them sum beyond 2^53 minor units, so any float sum would be visibly wrong.
 * - INV-D (USD) is rejected at ingestion (closed, final).
 * - INV-E (JPY, no minor digits) fails posting ten minutes before the window ends (open, not stuck yet).
 * - H-01..H-12 (USD) arrive as a burst in one hour: the volume anomaly.
 * - INV-F happened the day before (the comparison period) and INV-G after the window.
 * - INV-C also has a record of the filtered `escalations` consumer, which the dashboards must ignore.
 */

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const T0 = Date.parse('2026-11-16T00:00:00Z');
export const WINDOW = { fromMs: T0, toMs: T0 + DAY };
const at = (hours: number, minutes = 0) => T0 + hours * HOUR + minutes * 60_000;

const ACME = { vendorId: 'V-1', vendorName: 'Acme GmbH' };
const GLOBEX = { vendorId: 'V-2', vendorName: 'Globex AG' };
const INITECH = { vendorId: 'V-3', vendorName: 'Initech Inc' };
const HOOLI = { vendorId: 'V-4', vendorName: 'Hooli SARL' };
/** The largest EUR amount the contract accepts (2^53 − 1 minor units): what every store can hold exactly. */
export const MAX_AMOUNT = fromMinorUnits(MAX_MINOR_UNITS, 'EUR');

const invoiceA = {
  invoiceId: 'INV-A',
  currency: 'EUR',
  ...ACME,
  invoiceDate: '2026-11-16',
  paymentTerms: { netDays: 30 },
};
const invoiceB = {
  invoiceId: 'INV-B',
  currency: 'EUR',
  amount: MAX_AMOUNT,
  ...GLOBEX,
  invoiceDate: '2026-11-01',
  paymentTerms: { dueDate: '2026-11-10' },
};
const invoiceC = {
  invoiceId: 'INV-C',
  currency: 'EUR',
  amount: MAX_AMOUNT,
  ...GLOBEX,
  invoiceDate: '2026-08-01',
  paymentTerms: { netDays: 30 },
};
const invoiceE = {
  invoiceId: 'INV-E',
  currency: 'JPY',
  amount: '120000',
  ...ACME,
  invoiceDate: '2026-11-16',
  paymentTerms: { netDays: 0 },
};

export const EVENTS: SeedEvent[] = [
  { ...invoiceA, amount: '1000.00', stage: 'ingestion', status: 'received', occurredAtMs: at(1), latencyMs: 800 },
  { ...invoiceA, amount: '1000.00', stage: 'ingestion', status: 'captured', occurredAtMs: at(1, 10), latencyMs: 1200 },
  { ...invoiceA, amount: '1000.00', stage: 'reconciliation', status: 'matched', occurredAtMs: at(2), latencyMs: 2500 },
  { ...invoiceA, amount: '1000.00', stage: 'authorization', status: 'approved', occurredAtMs: at(3), latencyMs: 3000 },
  { ...invoiceA, amount: '1000.50', stage: 'posting', status: 'posted', occurredAtMs: at(4), latencyMs: 150_000 },
  { ...invoiceB, stage: 'ingestion', status: 'received', occurredAtMs: at(1, 30), latencyMs: 900 },
  { ...invoiceB, stage: 'reconciliation', status: 'matched', occurredAtMs: at(5), latencyMs: 4000 },
  { ...invoiceC, stage: 'ingestion', status: 'received', occurredAtMs: at(6), latencyMs: 700 },
  { ...invoiceC, stage: 'authorization', status: 'pending_approval', occurredAtMs: at(7), latencyMs: 130_000 },
  {
    ...invoiceC,
    stage: 'authorization',
    status: 'pending_approval',
    occurredAtMs: at(7),
    latencyMs: 5,
    consumer: 'escalations',
  },
  {
    invoiceId: 'INV-D',
    currency: 'USD',
    amount: '250.50',
    ...INITECH,
    invoiceDate: '2026-11-15',
    paymentTerms: { netDays: 14 },
    stage: 'ingestion',
    status: 'rejected',
    occurredAtMs: at(8),
    latencyMs: 600,
  },
  { ...invoiceE, stage: 'ingestion', status: 'received', occurredAtMs: at(10), latencyMs: 1100 },
  { ...invoiceE, stage: 'reconciliation', status: 'matched', occurredAtMs: at(10, 30), latencyMs: 1300 },
  { ...invoiceE, stage: 'authorization', status: 'approved', occurredAtMs: at(11), latencyMs: 1500 },
  { ...invoiceE, stage: 'posting', status: 'failed', occurredAtMs: at(23, 50), latencyMs: 2000 },
  ...Array.from(
    { length: 12 },
    (_, i): SeedEvent => ({
      invoiceId: `H-${String(i + 1).padStart(2, '0')}`,
      currency: 'USD',
      amount: '1.00',
      ...INITECH,
      invoiceDate: '2026-11-16',
      paymentTerms: { netDays: 30 },
      stage: 'ingestion',
      status: 'received',
      occurredAtMs: at(12, i * 4),
      latencyMs: 1000 + i * 10,
    }),
  ),
  {
    invoiceId: 'INV-F',
    currency: 'EUR',
    amount: '10.00',
    ...HOOLI,
    invoiceDate: '2026-11-15',
    paymentTerms: { netDays: 10 },
    stage: 'ingestion',
    status: 'received',
    occurredAtMs: at(-22),
    latencyMs: 1000,
  },
  {
    invoiceId: 'INV-G',
    currency: 'EUR',
    amount: '77.00',
    ...HOOLI,
    invoiceDate: '2026-11-17',
    paymentTerms: { netDays: 10 },
    stage: 'ingestion',
    status: 'received',
    occurredAtMs: at(25),
    latencyMs: 1000,
  },
];

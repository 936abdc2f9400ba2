import type { InvoiceEvent } from '../../schemas/invoiceEvent.ts';
import { STATUSES_BY_STAGE, type Stage } from '../../schemas/stages.ts';
import { buildInvoiceEvent } from '../helpers/invoiceEvents.ts';

/**
 * A believable day of invoice traffic for the dashboard's browser test and screenshots, generated
 * from a fixed seed so every run has the same shape: invoices in four currencies from eight vendors,
 * most moving through all four stages, some rejected, some left stuck, one burst of arrivals (the
 * volume anomaly), and payment terms spread so the cash-flow and aging charts have something to show.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;

const VENDORS = [
  { vendorId: 'V-1001', name: 'Acme GmbH', country: 'DE' },
  { vendorId: 'V-1002', name: 'Globex AG', country: 'CH' },
  { vendorId: 'V-1003', name: 'Initech Inc', country: 'US' },
  { vendorId: 'V-1004', name: 'Umbrella Ltd', country: 'GB' },
  { vendorId: 'V-1005', name: 'Stark Industries', country: 'US' },
  { vendorId: 'V-1006', name: 'Wayne Enterprises', country: 'US' },
  { vendorId: 'V-1007', name: 'Soylent SA', country: 'FR' },
  { vendorId: 'V-1008', name: 'Kaiju Shokai KK', country: 'JP' },
] as const;

const CURRENCIES = ['EUR', 'EUR', 'EUR', 'USD', 'USD', 'GBP', 'JPY'] as const;
const NET_DAYS = [0, 14, 30, 30, 45, 60] as const;

/** mulberry32: a tiny deterministic PRNG, so the seeded day looks the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function amountFor(random: () => number, currency: string): string {
  const major = Math.floor(200 + random() * 48_000);
  if (currency === 'JPY') return String(major * 110);
  return `${major}.${String(Math.floor(random() * 100)).padStart(2, '0')}`;
}

/** Events in the order they happened, all between `nowMs − 20 h` and `nowMs − 1 min`. */
export function seedDashboardEvents(nowMs: number, seed = 20261128): InvoiceEvent[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const latest = nowMs - MINUTE;
  const events: InvoiceEvent[] = [];

  const invoice = (index: number, startMs: number, depth: number, outcome: 'ok' | 'rejected' | 'stuck') => {
    const currency = pick(CURRENCIES);
    const vendor = currency === 'JPY' ? VENDORS[7] : pick(VENDORS.slice(0, 7));
    const invoiceDate = new Date(nowMs - Math.floor(random() * 95) * DAY).toISOString().slice(0, 10);
    const base = {
      invoiceId: `INV-2026-${String(index).padStart(5, '0')}`,
      amount: amountFor(random, currency),
      currency,
      vendor: { ...vendor },
      invoiceDate,
      paymentTerms: { netDays: pick(NET_DAYS) },
      metadata: { sourceSystem: pick(['sap-fi', 'coupa']), correlationId: `corr-${index}` },
    };
    const stages: Stage[] = ['ingestion', 'reconciliation', 'authorization', 'posting'];
    let at = startMs;
    for (let s = 0; s < depth; s++) {
      const stage = stages[s]!;
      const last = s === depth - 1;
      let status: string = STATUSES_BY_STAGE[stage][0];
      if (stage === 'ingestion') status = last && outcome === 'rejected' ? 'rejected' : 'captured';
      if (stage === 'reconciliation') status = 'matched';
      if (stage === 'authorization')
        status = last && outcome === 'rejected' ? 'rejected' : last ? 'pending_approval' : 'approved';
      if (stage === 'posting') status = outcome === 'stuck' ? 'failed' : 'posted';
      events.push(
        buildInvoiceEvent(stage, {
          ...base,
          status: status as InvoiceEvent['status'],
          occurredAt: new Date(Math.min(at, latest)).toISOString(),
        }),
      );
      at += (8 + Math.floor(random() * 70)) * MINUTE;
    }
  };

  let index = 1;
  for (let i = 0; i < 40; i++) {
    const start = nowMs - 20 * 60 * MINUTE + Math.floor(random() * 18 * 60) * MINUTE;
    const roll = random();
    if (roll < 0.55) invoice(index++, start, 4, 'ok');
    else if (roll < 0.65) invoice(index++, start, 1, 'rejected');
    else if (roll < 0.72) invoice(index++, start, 3, 'rejected');
    else if (roll < 0.8) invoice(index++, start, 4, 'stuck');
    else invoice(index++, start, 1 + Math.floor(random() * 3), 'stuck');
  }
  // A month-end style burst: thirty arrivals within ten minutes, about five hours ago, placed inside one
  // clock hour (and one quarter-hour) so the volume anomaly is one interval at any automatic bucket size.
  const burst = Math.floor((nowMs - 5 * 60 * MINUTE) / (60 * MINUTE)) * 60 * MINUTE + 2 * MINUTE;
  for (let i = 0; i < 30; i++) invoice(index++, burst + i * 20_000, 1, 'stuck');

  return events.sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
}

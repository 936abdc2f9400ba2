import { randomUUID } from 'node:crypto';
import { minorUnitDigits } from '../schemas/money.ts';
import { STAGES, STATUSES_BY_STAGE, type Stage } from '../schemas/stages.ts';

/**
 * Valid, unique invoice events for load tests: random stages, statuses, amounts, currencies and
 * vendors over a large pool of invoices, so FIFO message groups spread the way real traffic does
 * (many invoices in parallel, a few events per invoice). Used by the Artillery processor and the
 * benchmark's own generator; a test checks every event against the contract.
 *
 * The invoice ids carry a run id, so the events of one run can be told apart in a shared cell.
 */

/** A POST: the stage in the path and the JSON body (one event, or `{ events }`). */
export interface InvoicePost {
  readonly stage: Stage;
  readonly body: unknown;
  /** The eventIds in the body, in order. */
  readonly eventIds: readonly string[];
  readonly invoiceIds: readonly string[];
}

export interface GeneratorOptions {
  /** Tags invoice ids (`LT-<runId>-<n>`); letters, digits and "-" only. @default random */
  readonly runId?: string;
  /** Distinct invoices to spread events over. @default 100_000 */
  readonly invoicePool?: number;
  /** Distinct vendors. @default 500 */
  readonly vendorPool?: number;
  /** Clock (ms); injectable for tests. @default Date.now */
  readonly now?: () => number;
  /** Random source in [0, 1); injectable for tests. @default Math.random */
  readonly random?: () => number;
}

const CURRENCIES = ['EUR', 'EUR', 'EUR', 'USD', 'USD', 'GBP', 'CHF', 'SEK', 'JPY'] as const;
const COUNTRIES = ['DE', 'FR', 'NL', 'IE', 'ES', 'IT', 'US', 'GB', 'CH', 'SE', 'JP'] as const;
const SOURCES = ['sap-fi', 'coupa', 'oracle-ap', 'netsuite'] as const;
const NET_DAYS = [0, 14, 30, 30, 30, 45, 60, 90] as const;

export class InvoiceEventGenerator {
  readonly runId: string;
  private readonly invoicePool: number;
  private readonly vendorPool: number;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(options: GeneratorOptions = {}) {
    this.runId = options.runId ?? randomUUID().slice(0, 8);
    if (!/^[A-Za-z0-9-]{1,24}$/.test(this.runId)) throw new RangeError(`runId must be 1-24 letters, digits or "-"`);
    this.invoicePool = options.invoicePool ?? 100_000;
    this.vendorPool = options.vendorPool ?? 500;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  private pick<T>(values: readonly T[]): T {
    return values[Math.floor(this.random() * values.length)]!;
  }

  private int(below: number): number {
    return Math.floor(this.random() * below);
  }

  /** A random stage, uniformly over the four. */
  stage(): Stage {
    return this.pick(STAGES);
  }

  /** One event of `stage` (without `stage` when `omitStage`, as clients may send it). */
  event(stage: Stage, omitStage = false): Record<string, unknown> & { eventId: string; invoiceId: string } {
    const now = this.now();
    // A little in the past, as events arrive from upstream systems; never in the future.
    const occurredAt = new Date(now - this.int(120_000)).toISOString();
    const invoiceDate = occurredAt.slice(0, 10);
    const currency = this.pick(CURRENCIES);
    const digits = minorUnitDigits(currency);
    const whole = 10 + this.int(250_000);
    const amount = digits === 0 ? String(whole) : `${whole}.${String(this.int(10 ** digits)).padStart(digits, '0')}`;
    const vendorNumber = this.int(this.vendorPool);
    const event = {
      eventId: randomUUID(),
      invoiceId: `LT-${this.runId}-${this.int(this.invoicePool)}`,
      ...(omitStage ? {} : { stage }),
      status: this.pick(STATUSES_BY_STAGE[stage]),
      occurredAt,
      invoiceDate,
      amount,
      currency,
      vendor: {
        vendorId: `V-${vendorNumber}`,
        name: `Load Test Vendor ${vendorNumber}`,
        country: COUNTRIES[vendorNumber % COUNTRIES.length]!,
      },
      paymentTerms: { netDays: this.pick(NET_DAYS) },
      metadata: { sourceSystem: this.pick(SOURCES), correlationId: `load-${this.runId}` },
    };
    return event;
  }

  /** A single-event POST body. */
  single(stage: Stage = this.stage()): InvoicePost {
    const event = this.event(stage, this.random() < 0.5);
    return { stage, body: event, eventIds: [event.eventId], invoiceIds: [event.invoiceId] };
  }

  /** A batch POST body of `size` events (1–10) of one stage. */
  batch(size = 10, stage: Stage = this.stage()): InvoicePost {
    const events = Array.from({ length: size }, () => this.event(stage, true));
    return {
      stage,
      body: { events },
      eventIds: events.map((e) => e.eventId),
      invoiceIds: events.map((e) => e.invoiceId),
    };
  }
}

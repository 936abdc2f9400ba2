import { z } from 'zod';
import { DECIMAL_AMOUNT_PATTERN, decimalPlaces, isSupportedCurrency, minorUnitDigits } from './money.ts';
import { STAGES, STATUSES_BY_STAGE, type Stage } from './stages.ts';

/** How far in the future `occurredAt` may be: clock skew between finance systems, not time travel. */
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;
export const MAX_NET_DAYS = 3650;
/**
 * SQS FIFO MessageGroupId allows up to 128 characters of alphanumerics and punctuation; we allow a
 * safer subset (no spaces or quotes) so an invoice id is also safe in URLs, logs and Timestream.
 */
export const INVOICE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

const isoDate = z
  .string()
  .regex(DATE_PATTERN, 'must be a calendar date YYYY-MM-DD')
  .refine((value) => {
    const parsed = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
  }, 'is not a real calendar date');

export const VendorSchema = z.strictObject({
  vendorId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_" or "-"'),
  name: z.string().trim().min(1, 'must not be empty').max(200),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as "DE"'),
});

export const PaymentTermsSchema = z
  .strictObject({
    netDays: z.int().min(0).max(MAX_NET_DAYS).optional(),
    dueDate: isoDate.optional(),
  })
  .refine((terms) => terms.netDays !== undefined || terms.dueDate !== undefined, {
    message: 'must give netDays, dueDate, or both',
  });

export const MetadataSchema = z.strictObject({
  sourceSystem: z.string().trim().min(1, 'must not be empty').max(64),
  correlationId: z.string().min(1).max(128).optional(),
});

/** Fields every stage shares; `status` is added per stage. */
function baseFields(now: () => number) {
  return {
    eventId: z.uuid('must be a UUID'),
    invoiceId: z.string().regex(INVOICE_ID_PATTERN, 'must be 1-64 characters: letters, digits and . _ : / -'),
    occurredAt: z.iso
      .datetime({ offset: true, message: 'must be an ISO-8601 date-time with an offset, e.g. 2026-11-28T09:30:00Z' })
      .refine(
        (value) => Date.parse(value) <= now() + MAX_FUTURE_SKEW_MS,
        'must not be more than 5 minutes in the future',
      ),
    invoiceDate: isoDate,
    amount: z.string().regex(DECIMAL_AMOUNT_PATTERN, 'must be an exact decimal string such as "1250.00"'),
    currency: z.string().refine(isSupportedCurrency, 'must be an ISO 4217 currency code such as "EUR"'),
    vendor: VendorSchema,
    paymentTerms: PaymentTermsSchema,
    metadata: MetadataSchema,
  };
}

function addDays(date: string, days: number): string {
  const result = new Date(`${date}T00:00:00Z`);
  result.setUTCDate(result.getUTCDate() + days);
  return result.toISOString().slice(0, 10);
}

/** The due date an event implies: the explicit one, else invoiceDate + netDays. */
export function dueDateOf(event: Pick<InvoiceEvent, 'invoiceDate' | 'paymentTerms'>): string {
  const { dueDate, netDays } = event.paymentTerms;
  return dueDate ?? addDays(event.invoiceDate, netDays ?? 0);
}

/**
 * Rules that span fields; each problem is reported at the field a client must fix. They run even
 * when other fields failed (`when` below) so one response lists every problem, which means the
 * input here is not yet type-checked: each rule first checks that its own fields are well formed.
 */
function crossFieldRules(event: Record<string, unknown>, ctx: z.RefinementCtx) {
  const { amount, currency, invoiceDate, paymentTerms } = event;
  if (
    typeof amount === 'string' &&
    typeof currency === 'string' &&
    isSupportedCurrency(currency) &&
    DECIMAL_AMOUNT_PATTERN.test(amount)
  ) {
    const allowed = minorUnitDigits(currency);
    if (decimalPlaces(amount) > allowed) {
      ctx.addIssue({
        code: 'custom',
        path: ['amount'],
        message: `${currency} allows at most ${allowed} decimal place${allowed === 1 ? '' : 's'}`,
      });
    }
  }
  if (typeof invoiceDate !== 'string' || !isoDate.safeParse(invoiceDate).success) return;
  if (typeof paymentTerms !== 'object' || paymentTerms === null) return;
  const { dueDate, netDays } = paymentTerms as Record<string, unknown>;
  const validDue = typeof dueDate === 'string' && isoDate.safeParse(dueDate).success ? dueDate : undefined;
  const validNet =
    Number.isInteger(netDays) && (netDays as number) >= 0 && (netDays as number) <= MAX_NET_DAYS
      ? (netDays as number)
      : undefined;
  if (validDue !== undefined && validDue < invoiceDate) {
    ctx.addIssue({ code: 'custom', path: ['paymentTerms', 'dueDate'], message: 'must not be before invoiceDate' });
  } else if (validDue !== undefined && validNet !== undefined && addDays(invoiceDate, validNet) !== validDue) {
    ctx.addIssue({
      code: 'custom',
      path: ['paymentTerms', 'dueDate'],
      message: `must equal invoiceDate + netDays (${addDays(invoiceDate, validNet)})`,
    });
  }
}

const runAlways = { when: () => true };

/** Options for building schemas; `now` is injectable so tests can pin the clock. */
export interface SchemaOptions {
  readonly now?: () => number;
}

export function stageEventSchema<S extends Stage>(stage: S, options: SchemaOptions = {}) {
  const now = options.now ?? Date.now;
  const statuses = STATUSES_BY_STAGE[stage] as unknown as readonly [string, ...string[]];
  return z
    .strictObject({
      ...baseFields(now),
      stage: z.literal(stage, { error: `must be "${stage}" (the stage in the URL path)` }),
      status: z.enum(statuses, { error: `must be one of: ${statuses.join(', ')}` }),
    })
    .superRefine((event, ctx) => crossFieldRules(event, ctx), runAlways);
}

/**
 * One invoice event.
 *
 * @example
 * {
 *   "eventId": "7d1f0c1e-2f4b-4a57-9d3e-0c6a3b1f9e21", "invoiceId": "INV-2026-000123",
 *   "stage": "reconciliation", "status": "matched", "occurredAt": "2026-11-28T09:30:00Z",
 *   "invoiceDate": "2026-11-27", "amount": "1250.00", "currency": "EUR",
 *   "vendor": { "vendorId": "V-1001", "name": "Acme GmbH", "country": "DE" },
 *   "paymentTerms": { "netDays": 30 }, "metadata": { "sourceSystem": "sap-fi", "correlationId": "c-42" }
 * }
 */
export const InvoiceEventSchema = z.discriminatedUnion('stage', [
  stageEventSchema('ingestion'),
  stageEventSchema('reconciliation'),
  stageEventSchema('authorization'),
  stageEventSchema('posting'),
]);
export type InvoiceEvent = z.infer<typeof InvoiceEventSchema>;

/** Up to 10 events per request: the PutEvents entry limit, so one POST is one PutEvents call. */
export const MAX_EVENTS_PER_REQUEST = 10;

/**
 * A batch POST body.
 *
 * @example { "events": [ { "eventId": "…", "invoiceId": "INV-1", "status": "received", … } ] }
 */
export function batchRequestSchema<S extends Stage>(stage: S, options: SchemaOptions = {}) {
  return z
    .strictObject({
      events: z
        .array(stageEventSchema(stage, options))
        .min(1, 'must hold at least one event')
        .max(MAX_EVENTS_PER_REQUEST, `must hold at most ${MAX_EVENTS_PER_REQUEST} events`),
    })
    .superRefine((batch, ctx) => {
      if (!Array.isArray(batch.events)) return;
      const seen = new Map<string, number>();
      batch.events.forEach((event: { eventId?: unknown }, index) => {
        if (typeof event?.eventId !== 'string') return;
        const first = seen.get(event.eventId);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['events', index, 'eventId'],
            message: `duplicates events[${first}].eventId; each event in a batch needs its own eventId`,
          });
        } else {
          seen.set(event.eventId, index);
        }
      });
    }, runAlways);
}

export { STAGES };

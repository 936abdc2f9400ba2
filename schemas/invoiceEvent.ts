import * as z from 'zod';
import type {} from 'zod-openapi'; // types the JSON Schema keywords `.meta()` takes (see publishedSchemas.ts)
import {
  addDays,
  CALENDAR_DATE_PATTERN,
  daysBetween,
  isCalendarDate,
  REAL_CALENDAR_DATE_PATTERN,
} from './calendarDate.ts';
import { COUNTRY_CODE_PATTERN, isKnownCountry, knownCountryCodes } from './country.ts';
import { expecting, NO_CONTROL_CHARACTERS, NOT_BLANK_TEXT_PATTERN, requiredString, strictObject } from './fields.ts';
import {
  amountProblem,
  CURRENCY_CODE_PATTERN,
  DECIMAL_AMOUNT_PATTERN,
  isNegativeZeroAmount,
  isSupportedCurrency,
  NON_NEGATIVE_ZERO_AMOUNT_PATTERN,
  SUPPORTED_CURRENCIES,
} from './money.ts';
import { unlessMalformed } from './offsetDateTime.ts';
import { STAGES, STATUSES_BY_STAGE, type Stage } from './stages.ts';

/** How far in the future `occurredAt` may be: clock skew between finance systems, not time travel. */
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;
/** Longest payment term: ten years covers every real contract and keeps due dates computable. */
export const MAX_NET_DAYS = 3650;
/**
 * `invoiceId` is the SQS/SNS FIFO MessageGroupId (≤128 of alphanumerics and punctuation). We
 * allow a safer subset of at most 64: no spaces, quotes or `/`, so an id is also one URL path
 * segment (`GET /invoices/{invoiceId}`), a plain log token and a Timestream dimension value.
 */
export const INVOICE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
/** {@link INVOICE_ID_PATTERN} in words, for every error that refuses an id (a test checks the two agree). */
export const INVOICE_ID_RULE = 'must be 1-64 characters: letters, digits and . _ : - (starting with a letter or digit)';
/**
 * An RFC 9562 UUID (versions 1–8, RFC variant), either case. The nil and max UUIDs do not match:
 * `eventId` is the idempotency key end to end, and a client that sends an uninitialised id for
 * every event would otherwise see all but its first event deduplicated away.
 */
export const EVENT_ID_PATTERN =
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;
export const VENDOR_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export { COUNTRY_CODE_PATTERN };

const OCCURRED_AT_MESSAGE = 'must be an ISO-8601 date-time with an offset, e.g. 2026-11-28T09:30:00+01:00 or …Z';
/**
 * About `.meta()` in this module: zod cannot turn refinements into JSON Schema, so where a
 * refinement does have a JSON Schema form (a pattern of the days that exist, the currencies the
 * runtime knows, "integer") the field's meta carries it, and where it has none the meta's
 * `description` names the check. Only the published schemas and the OpenAPI document read meta
 * (`publishedSchemas.ts`); the API Gateway models ignore it (`requestModel.ts`).
 */

/**
 * A check that applies only once `pattern` matched, so a malformed value gets one issue (the
 * pattern's), not two. Not `abort: true`: zod then skips the event's cross-field rules for the
 * whole object, and a response would no longer list every problem at once.
 */
function whenMatches(pattern: RegExp, check: (value: string) => boolean) {
  return (value: string) => !pattern.test(value) || check(value);
}

export const CalendarDateSchema = requiredString('must be a calendar date YYYY-MM-DD')
  .regex(CALENDAR_DATE_PATTERN, 'must be a calendar date YYYY-MM-DD between 1970 and 2999')
  .refine(whenMatches(CALENDAR_DATE_PATTERN, isCalendarDate), 'is not a real calendar date')
  .meta({
    description: 'A calendar date YYYY-MM-DD that exists, from 1970-01-01 to 2999-12-31.',
    pattern: REAL_CALENDAR_DATE_PATTERN.source,
  });

/**
 * Length and characters are checked on the text as sent, emptiness after trimming. That order
 * keeps the generated API Gateway model (which cannot trim) never stricter than this schema.
 */
const freeText = (max: number) =>
  requiredString()
    .max(max, `must be at most ${max} characters`)
    .regex(NO_CONTROL_CHARACTERS, 'must not contain control characters')
    .trim()
    .min(1, 'must not be empty')
    .meta({
      description:
        `Text without control characters and not only whitespace. Checked by the API beyond this schema: ` +
        `at most ${max} UTF-16 code units (JSON Schema counts code points, so a character outside the ` +
        'Basic Multilingual Plane counts twice for the API). Surrounding whitespace is trimmed.',
      pattern: NOT_BLANK_TEXT_PATTERN.source,
    });

/**
 * @example { "vendorId": "V-1001", "name": "Acme GmbH", "country": "DE" }
 */
export const VendorSchema = strictObject({
  vendorId: requiredString().regex(VENDOR_ID_PATTERN, 'must be 1-64 letters, digits, ".", "_" or "-"'),
  name: freeText(200),
  country: requiredString()
    .regex(COUNTRY_CODE_PATTERN, 'must be an ISO 3166-1 alpha-2 code such as "DE"')
    .refine(whenMatches(COUNTRY_CODE_PATTERN, isKnownCountry), 'is not a known ISO 3166-1 country code')
    .meta({
      description: 'ISO 3166-1 alpha-2 country code, as the runtime knows them.',
      override: ({ jsonSchema }) => {
        jsonSchema.enum = [...knownCountryCodes()];
      },
    }),
});

/** An amount as an exact decimal string (the currency's minor-unit rule is a cross-field check). */
export const AmountSchema = z
  .string(expecting('must be a string holding an exact decimal such as "1250.00" (JSON numbers are not exact)'))
  .regex(DECIMAL_AMOUNT_PATTERN, 'must be an exact decimal string such as "1250.00"')
  .refine((value) => !isNegativeZeroAmount(value), 'must not be negative zero')
  .meta({
    description:
      'An exact decimal string such as "1250.00" (JSON numbers are not exact), not negative zero. ' +
      'Checked by the API beyond this schema: at most as many decimals as the currency has minor-unit ' +
      'digits (JPY 0, EUR 2, BHD 3), and at most 2^53 - 1 minor units either side of zero.',
    pattern: NON_NEGATIVE_ZERO_AMOUNT_PATTERN.source,
  });

export const CurrencySchema = requiredString('must be an ISO 4217 currency code such as "EUR"')
  .regex(CURRENCY_CODE_PATTERN, 'must be an ISO 4217 currency code such as "EUR"')
  .refine(whenMatches(CURRENCY_CODE_PATTERN, isSupportedCurrency), 'is not an ISO 4217 currency code known to BEMS')
  .meta({ description: 'ISO 4217 currency code known to BEMS.', enum: [...SUPPORTED_CURRENCIES] });

/**
 * Net days, a due date, or both; when both are given they must agree (checked with invoiceDate).
 *
 * @example { "netDays": 30, "dueDate": "2026-12-27" }
 */
export const PaymentTermsSchema = strictObject({
  // Not z.int(): its issue aborts the whole object, which would hide the cross-field problems
  // (see `whenMatches`). The JSON Schema says "number", not "integer": API Gateway's validator
  // types 30.0 as a non-integer, and the model must never refuse what this schema accepts.
  netDays: z
    .number(expecting('must be a whole number of days'))
    .refine(Number.isInteger, 'must be a whole number of days')
    .min(0, 'must be at least 0')
    .max(MAX_NET_DAYS, `must be at most ${MAX_NET_DAYS}`)
    .meta({ type: 'integer' })
    .optional(),
  dueDate: CalendarDateSchema.optional(),
})
  .refine((terms) => terms.netDays !== undefined || terms.dueDate !== undefined, {
    message: 'must give netDays, dueDate, or both',
  })
  .meta({
    description:
      'netDays, dueDate, or both. Checked by the API beyond this schema: dueDate is not before ' +
      `invoiceDate, at most ${MAX_NET_DAYS} days after it, and equals invoiceDate + netDays when both are given.`,
    minProperties: 1,
  });

/**
 * @example { "sourceSystem": "sap-fi", "correlationId": "c-42" }
 */
export const MetadataSchema = strictObject({
  sourceSystem: freeText(64),
  correlationId: freeText(128).optional(),
});

/** Options for building schemas. */
export interface SchemaOptions {
  /** Clock for the future-skew rule; injectable so tests can pin it. @default Date.now */
  readonly now?: () => number;
  /**
   * Enforce "occurredAt at most 5 minutes in the future". Only the API checks it: downstream an
   * event is re-validated later (redrive, replay) and must not be rejected for a rule it passed.
   * @default true
   */
  readonly checkFutureSkew?: boolean;
  /**
   * Refuse an `occurredAt` more than this many days in the past. The API sets it from the cell's
   * Timestream magnetic retention: Timestream rejects a record outside it for good, so such an event
   * could be accepted but never recorded. Like the future-skew rule, only the API checks it.
   * @default no limit
   */
  readonly maxAgeDays?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function occurredAtField(options: SchemaOptions) {
  const now = options.now ?? Date.now;
  const field = z.iso
    .datetime({
      offset: true,
      error: (issue) => (issue.input === undefined ? 'is required' : OCCURRED_AT_MESSAGE),
    })
    .refine((value) => unlessMalformed(value, (ms) => ms >= 0), 'must not be before 1970-01-01T00:00:00Z');
  const { maxAgeDays } = options;
  const aged =
    maxAgeDays === undefined
      ? field
      : field.refine(
          (value) => unlessMalformed(value, (ms) => ms >= now() - maxAgeDays * DAY_MS),
          `must not be more than ${maxAgeDays} days in the past (older records are outside this cell's retention)`,
        );
  const checked =
    options.checkFutureSkew === false
      ? aged
      : aged.refine(
          (value) => unlessMalformed(value, (ms) => ms <= now() + MAX_FUTURE_SKEW_MS),
          'must not be more than 5 minutes in the future',
        );
  return checked.meta({
    description:
      'RFC 3339 date-time with an offset (Z or ±hh:mm). Checked by the API beyond this schema: not before ' +
      `1970-01-01T00:00:00Z as an instant, at most ${MAX_FUTURE_SKEW_MS / 60_000} minutes in the future, ` +
      "and not older than the cell's retention (MAX_EVENT_AGE_DAYS).",
  });
}

/** The fields of an event of `stage`, without the cross-field rules (see {@link stageEventSchema}). */
function eventShape<S extends Stage>(stage: S, options: SchemaOptions) {
  const statuses = STATUSES_BY_STAGE[stage] as unknown as readonly [string, ...string[]];
  return {
    eventId: requiredString('must be a UUID')
      .regex(EVENT_ID_PATTERN, 'must be a UUID such as 7d1f0c1e-2f4b-4a57-9d3e-0c6a3b1f9e21')
      // RFC 9562 UUIDs compare case-insensitively, but SNS/SQS deduplication and Timestream
      // identity compare strings: one canonical spelling keeps a retried event a duplicate.
      .toLowerCase(),
    invoiceId: requiredString().regex(INVOICE_ID_PATTERN, INVOICE_ID_RULE),
    // Filled from the URL path when a body omits it; a different value is a client error.
    stage: z.literal(stage, { error: `must be "${stage}" (the stage in the URL path)` }).default(stage),
    status: z.enum(statuses, { error: `must be one of: ${statuses.join(', ')}` }),
    occurredAt: occurredAtField(options),
    invoiceDate: CalendarDateSchema,
    amount: AmountSchema,
    currency: CurrencySchema,
    vendor: VendorSchema,
    paymentTerms: PaymentTermsSchema,
    metadata: MetadataSchema,
  };
}

/** The strict object of one stage's event, before cross-field rules; extended by the envelope. */
export function stageEventObject<S extends Stage>(stage: S, options: SchemaOptions = {}) {
  return strictObject(eventShape(stage, options), 'must be a JSON object holding one invoice event');
}

/**
 * Rules that span fields; each problem is reported at the field a client must fix. They run even
 * when other fields failed (`runAlways`) so one response lists every problem, which means the
 * input here is not yet type-checked: each rule first checks that its own fields are well formed.
 */
export function eventCrossFieldRules(event: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const { amount, currency, invoiceDate, paymentTerms } = event;
  // Only a well-formed amount in a known currency is checked here; the field-level problems of
  // either were already reported at their own paths.
  if (
    typeof currency === 'string' &&
    isSupportedCurrency(currency) &&
    typeof amount === 'string' &&
    DECIMAL_AMOUNT_PATTERN.test(amount) &&
    !isNegativeZeroAmount(amount)
  ) {
    const problem = amountProblem(amount, currency);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['amount'], message: problem });
  }
  if (typeof invoiceDate !== 'string' || !isCalendarDate(invoiceDate)) return;
  if (typeof paymentTerms !== 'object' || paymentTerms === null) return;
  const { dueDate, netDays } = paymentTerms as Record<string, unknown>;
  if (typeof dueDate !== 'string' || !isCalendarDate(dueDate)) return;
  const days = daysBetween(invoiceDate, dueDate);
  const path = ['paymentTerms', 'dueDate'];
  if (days < 0) {
    ctx.addIssue({ code: 'custom', path, message: `must not be before invoiceDate (${invoiceDate})` });
  } else if (days > MAX_NET_DAYS) {
    ctx.addIssue({ code: 'custom', path, message: `must be at most ${MAX_NET_DAYS} days after invoiceDate` });
  } else if (Number.isInteger(netDays) && (netDays as number) >= 0 && (netDays as number) <= MAX_NET_DAYS) {
    const expected = addDays(invoiceDate, netDays as number);
    if (expected !== dueDate) {
      ctx.addIssue({ code: 'custom', path, message: `must equal invoiceDate + netDays (${expected})` });
    }
  }
}

/** Lets a refinement run even when fields already failed, so every problem is listed at once. */
export const runAlways = { when: () => true } as const;

/**
 * Building a zod schema is not free (and zod compiles a fast path for each new object schema on
 * its first parses), while the API parses every request with one of a few: schemas without an
 * injected clock or skew switch are built once per stage and age limit.
 */
const cachedSchemas = new Map<string, unknown>();

function cached<T>(kind: string, stage: Stage, options: SchemaOptions, build: () => T): T {
  if (options.now !== undefined || options.checkFutureSkew !== undefined) return build();
  const key = `${kind}:${stage}:${options.maxAgeDays ?? ''}`;
  let schema = cachedSchemas.get(key) as T | undefined;
  if (schema === undefined) {
    schema = build();
    cachedSchemas.set(key, schema);
  }
  return schema;
}

/**
 * One invoice event of `stage`, as the API accepts it: `stage` may be omitted (it is filled in);
 * `eventId` comes out lower-cased.
 *
 * @example
 * {
 *   "eventId": "7d1f0c1e-2f4b-4a57-9d3e-0c6a3b1f9e21", "invoiceId": "INV-2026-000123",
 *   "stage": "reconciliation", "status": "matched", "occurredAt": "2026-11-28T09:30:00+01:00",
 *   "invoiceDate": "2026-11-27", "amount": "1250.00", "currency": "EUR",
 *   "vendor": { "vendorId": "V-1001", "name": "Acme GmbH", "country": "DE" },
 *   "paymentTerms": { "netDays": 30 }, "metadata": { "sourceSystem": "sap-fi", "correlationId": "c-42" }
 * }
 */
export function stageEventSchema<S extends Stage>(stage: S, options: SchemaOptions = {}) {
  return cached('event', stage, options, () =>
    stageEventObject(stage, options).superRefine(eventCrossFieldRules, runAlways),
  );
}

const downstream = { checkFutureSkew: false } as const;

/**
 * One invoice event of any stage, as it travels after the API (stage required). The future-skew
 * rule is not applied here (see {@link SchemaOptions.checkFutureSkew}).
 *
 * Built on its first parse (`z.lazy`), not at import: no Lambda function parses with it (ingest
 * uses {@link batchRequestSchema}, the others `schemas/envelope.ts`), and building its four stage
 * schemas was part of every cold start (docs/PERFORMANCE.md, "Lambda cold starts").
 *
 * @example see {@link stageEventSchema}
 */
export const InvoiceEventSchema = z.lazy(() =>
  z.discriminatedUnion(
    'stage',
    [
      stageEventSchema('ingestion', downstream),
      stageEventSchema('reconciliation', downstream),
      stageEventSchema('authorization', downstream),
      stageEventSchema('posting', downstream),
    ],
    { error: `must be one of: ${STAGES.join(', ')}` },
  ),
);
export type InvoiceEvent = z.infer<typeof InvoiceEventSchema>;
export type InvoiceEventOf<S extends Stage> = Extract<InvoiceEvent, { stage: S }>;

/** Up to 10 events per request: the PutEvents entry limit, so one POST is one PutEvents call. */
export const MAX_EVENTS_PER_REQUEST = 10;

/**
 * A batch POST body: 1–10 events of one stage with distinct eventIds.
 *
 * @example { "events": [ { "eventId": "…", "invoiceId": "INV-1", "status": "received", … } ] }
 */
export function batchRequestSchema<S extends Stage>(stage: S, options: SchemaOptions = {}) {
  return cached('batch', stage, options, () => buildBatchRequestSchema(stage, options));
}

function buildBatchRequestSchema<S extends Stage>(stage: S, options: SchemaOptions) {
  return strictObject(
    {
      events: z
        .array(stageEventSchema(stage, options), expecting('must be an array of invoice events'))
        .min(1, 'must hold at least one event')
        .max(MAX_EVENTS_PER_REQUEST, `must hold at most ${MAX_EVENTS_PER_REQUEST} events`)
        .meta({
          description:
            `1-${MAX_EVENTS_PER_REQUEST} events of the stage in the path. Checked by the API beyond this ` +
            'schema: every eventId in a batch is distinct (compared case-insensitively).',
        }),
    },
    'must be a JSON object',
  ).superRefine((batch, ctx) => {
    if (!Array.isArray(batch.events)) return;
    const seen = new Map<string, number>();
    batch.events.forEach((event: { eventId?: unknown }, index) => {
      if (typeof event?.eventId !== 'string') return;
      // Compared case-insensitively: the schema lower-cases eventIds, so "A…" and "a…" are one id.
      const id = event.eventId.toLowerCase();
      const first = seen.get(id);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['events', index, 'eventId'],
          message: `duplicates events.${first}.eventId; each event in a batch needs its own eventId`,
        });
      } else {
        seen.set(id, index);
      }
    });
  }, runAlways);
}

export { STAGES };

import fc from 'fast-check';
import { addDays } from '../../schemas/calendarDate.ts';
import type { InvoiceEventOf } from '../../schemas/invoiceEvent.ts';
import { MAX_EVENTS_PER_REQUEST, MAX_NET_DAYS } from '../../schemas/invoiceEvent.ts';
import { fromMinorUnits, maxAmountMinorUnits, minorUnitDigits, SUPPORTED_CURRENCIES } from '../../schemas/money.ts';
import { STAGES, STATUSES_BY_STAGE, type Stage } from '../../schemas/stages.ts';

/**
 * fast-check arbitraries for the event contract: valid events and bodies per stage, and bodies
 * broken in exactly one field together with the path the API must report. For fuzz tests of
 * anything that takes invoice events (ingest, forward, consume, the local cell).
 */

/** Countries with a real-world spread (3-decimal currencies, non-Latin names). */
const COUNTRIES = ['DE', 'US', 'JP', 'BH', 'KW', 'FR', 'GB', 'CH', 'IN', 'BR', 'ZA', 'AU', 'CN', 'SE', 'CL'] as const;

const DAY_MS = 86_400_000;
const FIRST_INVOICE_DAY = 0; // 1970-01-01
const LAST_INVOICE_DAY = Date.UTC(2100, 11, 31) / DAY_MS;

const arbCalendarDate = fc
  .integer({ min: FIRST_INVOICE_DAY, max: LAST_INVOICE_DAY })
  .map((day) => new Date(day * DAY_MS).toISOString().slice(0, 10));

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/**
 * `epochMs` written as local time at `offsetMinutes` from UTC, e.g. 2026-11-28T10:30:00.123+01:00;
 * a zero offset is written `Z` when `zulu` is set, `+00:00` otherwise.
 */
export function formatWithOffset(epochMs: number, offsetMinutes: number, fraction = '', zulu = true): string {
  const local = new Date(epochMs + offsetMinutes * 60_000).toISOString().slice(0, 19);
  if (offsetMinutes === 0 && zulu) return `${local}${fraction}Z`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${fraction}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

const arbFraction = fc.oneof(fc.constant(''), fc.stringMatching(/^\.\d{3}$/), fc.stringMatching(/^\.\d{6}$/));

/**
 * An instant in the past (so the 5-minute future rule holds whenever the event is parsed), in
 * any offset from −12:00 to +14:00 and with 0, 3 or 6 fractional digits.
 */
function arbOccurredAt(latestMs: number): fc.Arbitrary<string> {
  return fc
    .record({
      epochMs: fc.integer({ min: Date.UTC(1970, 0, 2), max: latestMs }),
      offsetMinutes: fc.integer({ min: -48, max: 56 }).map((quarter) => quarter * 15),
      fraction: arbFraction,
      zulu: fc.boolean(),
    })
    .map(({ epochMs, offsetMinutes, fraction, zulu }) => formatWithOffset(epochMs, offsetMinutes, fraction, zulu));
}

/** An amount valid for `currency`: any magnitude up to the contract's bound, sometimes with fewer decimals. */
export function arbAmount(currency: string): fc.Arbitrary<string> {
  const max = maxAmountMinorUnits(currency);
  return fc.record({ minor: fc.bigInt({ min: -max, max }), trimZeros: fc.boolean() }).map(({ minor, trimZeros }) => {
    const text = fromMinorUnits(minor, currency);
    // "12.50" → "12.5", "12.00" → "12": fewer decimals than the currency allows are fine.
    return trimZeros && text.includes('.') ? text.replace(/\.?0+$/, '') : text;
  });
}

const amountsByCurrency = new Map(SUPPORTED_CURRENCIES.map((currency) => [currency, arbAmount(currency)]));
const arbMoney = fc
  .constantFrom(...SUPPORTED_CURRENCIES)
  .chain((currency) => amountsByCurrency.get(currency)!.map((amount) => ({ currency, amount })));

/** Printable names in any script, no surrounding whitespace (the schema would trim it). */
const arbName = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 60 })
  .map((name) => name.trim())
  .filter((name) => name.length > 0 && name.length <= 200 && ![...name].some(isControlCharacter));

function isControlCharacter(char: string): boolean {
  const code = char.codePointAt(0)!;
  return code < 0x20 || code === 0x7f;
}

// Built once: regex-driven arbitraries are costly to construct, and every event uses them.
const arbInvoiceId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/);
const arbVendor = fc.record({
  vendorId: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
  name: arbName,
  country: fc.constantFrom(...COUNTRIES),
});
const arbMetadata = fc.record(
  {
    sourceSystem: fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/),
    correlationId: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9:_-]{0,40}$/),
  },
  { requiredKeys: ['sourceSystem'] },
);

function arbPaymentTerms(invoiceDate: string) {
  const netDays = fc.integer({ min: 0, max: MAX_NET_DAYS });
  return fc.oneof(
    netDays.map((days) => ({ netDays: days })),
    netDays.map((days) => ({ dueDate: addDays(invoiceDate, days) })),
    netDays.map((days) => ({ netDays: days, dueDate: addDays(invoiceDate, days) })),
  );
}

export interface ArbitraryOptions {
  /** Latest `occurredAt` to generate. @default one second before the arbitrary is built */
  readonly latestOccurredAtMs?: number;
}

/** A complete, valid invoice event of `stage` (stage present, eventId lower-case). */
export function arbInvoiceEvent<S extends Stage>(
  stage: S,
  options: ArbitraryOptions = {},
): fc.Arbitrary<InvoiceEventOf<S>> {
  const latest = options.latestOccurredAtMs ?? Date.now() - 1000;
  return fc
    .record({
      eventId: fc.uuid(),
      invoiceId: arbInvoiceId,
      status: fc.constantFrom(...STATUSES_BY_STAGE[stage]),
      occurredAt: arbOccurredAt(latest),
      invoiceDate: arbCalendarDate,
      money: arbMoney,
      vendor: arbVendor,
      metadata: arbMetadata,
    })
    .chain(({ money, invoiceDate, ...rest }) =>
      arbPaymentTerms(invoiceDate).map(
        (paymentTerms) =>
          ({
            ...rest,
            stage,
            invoiceDate,
            amount: money.amount,
            currency: money.currency,
            paymentTerms,
          }) as InvoiceEventOf<S>,
      ),
    );
}

/** Events as a client may send them: with `stage`, or without it (the path supplies it). */
function arbSentEvent(stage: Stage, options: ArbitraryOptions): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(arbInvoiceEvent(stage, options), fc.boolean())
    .map(([event, omitStage]) => (omitStage ? withoutKey(event, 'stage') : { ...event }));
}

/** A valid POST body for `stage`: one event, or `{ events: [1..10] }` with distinct eventIds. */
export function arbValidBody(stage: Stage, options: ArbitraryOptions = {}): fc.Arbitrary<Record<string, unknown>> {
  return fc.oneof(
    arbSentEvent(stage, options),
    fc
      .uniqueArray(arbSentEvent(stage, options), {
        minLength: 1,
        maxLength: MAX_EVENTS_PER_REQUEST,
        selector: (event) => event.eventId,
      })
      .map((events) => ({ events })),
  );
}

function withoutKey(object: object, key: string): Record<string, unknown> {
  const { [key]: _removed, ...rest } = object as Record<string, unknown>;
  return rest;
}

/** Returns a copy of `object` with the value at `path` replaced (or removed when `value` is REMOVE). */
export function setAtPath(object: unknown, path: readonly (string | number)[], value: unknown): unknown {
  const [head, ...tail] = path;
  if (head === undefined) return value;
  const copy = (Array.isArray(object) ? [...object] : { ...(object as object) }) as Record<string | number, unknown>;
  if (tail.length === 0 && value === REMOVE) {
    delete copy[head];
    return copy;
  }
  copy[head] = setAtPath(copy[head], tail, value);
  return copy;
}

/** Marker for {@link setAtPath}: delete the key instead of setting it. */
export const REMOVE: unique symbol = Symbol('remove');

/** One way of breaking one field of a valid event; `path` is where the API must report it. */
export interface EventMutation {
  readonly name: string;
  readonly path: readonly string[];
  /** Broken values for the field (given the event), or REMOVE. */
  readonly values: (event: InvoiceEventOf<Stage>) => fc.Arbitrary<unknown>;
}

const otherStatus = (stage: Stage) =>
  STAGES.flatMap((other) => STATUSES_BY_STAGE[other] as readonly string[]).filter(
    (status) => !(STATUSES_BY_STAGE[stage] as readonly string[]).includes(status),
  );

/** Too many decimals for the event's currency (still a well-formed decimal string). */
function tooManyDecimals(event: InvoiceEventOf<Stage>): string {
  const digits = minorUnitDigits(event.currency);
  const whole = event.amount.split('.')[0];
  return `${whole}.${'0'.repeat(digits)}1`;
}

const unknownKey = fc.stringMatching(/^x[A-Za-z0-9_]{0,15}$/);

/**
 * Mutations covering every field rule. Each breaks exactly one field and nothing else, so the
 * only issues a correct schema may report are at `path`.
 */
export const EVENT_MUTATIONS: readonly EventMutation[] = [
  {
    name: 'eventId is not a UUID',
    path: ['eventId'],
    values: (event) =>
      fc.constantFrom('not-a-uuid', event.eventId.slice(1), '00000000-0000-0000-0000-000000000000', 42, REMOVE),
  },
  {
    name: 'invoiceId is not a safe message group id',
    path: ['invoiceId'],
    values: (event) => fc.constantFrom('', 'A'.repeat(65), `${event.invoiceId} x`, 'INV/1', '-INV', 'INV"1', REMOVE),
  },
  {
    name: 'stage differs from the path',
    path: ['stage'],
    values: (event) => fc.constantFrom(...STAGES.filter((stage) => stage !== event.stage), 'Posting', null),
  },
  {
    name: 'status belongs to another stage',
    path: ['status'],
    values: (event) => fc.constantFrom(...otherStatus(event.stage), 'unknown_status', REMOVE),
  },
  {
    name: 'occurredAt without offset, not a date-time, or in the future',
    path: ['occurredAt'],
    values: (event) =>
      fc.oneof(
        fc.constantFrom(
          event.occurredAt.replace(/(Z|[+-]\d\d:\d\d)$/, ''),
          event.occurredAt.slice(0, 10),
          'yesterday',
          '1969-12-31T23:59:59Z',
          Date.parse(event.occurredAt),
          REMOVE,
        ),
        fc.integer({ min: 6 * 60_000, max: 365 * DAY_MS }).map((ahead) => new Date(Date.now() + ahead).toISOString()),
      ),
  },
  {
    name: 'invoiceDate is not a real calendar date',
    path: ['invoiceDate'],
    values: () => fc.constantFrom('2026-02-30', '2026-13-01', '1969-12-31', '26-11-28', '2026-11-28T00:00:00Z', REMOVE),
  },
  {
    name: 'amount is not an exact decimal for the currency',
    path: ['amount'],
    values: (event) =>
      fc.constantFrom(
        tooManyDecimals(event),
        Number(event.amount),
        '1,250.00',
        '1e3',
        '+5',
        '.5',
        '-0',
        '0012',
        REMOVE,
        ...(minorUnitDigits(event.currency) >= 2 ? ['999999999999999.99'] : []),
      ),
  },
  {
    name: 'currency is not a known ISO 4217 code',
    path: ['currency'],
    values: () => fc.constantFrom('EURO', 'eur', 'XXX', 'ABC', 978, REMOVE),
  },
  {
    name: 'vendor is not an object',
    path: ['vendor'],
    values: () => fc.constantFrom('Acme GmbH', null, [], REMOVE),
  },
  {
    name: 'vendor.vendorId is malformed',
    path: ['vendor', 'vendorId'],
    values: () => fc.constantFrom('', 'V 1', '-V1', 'V'.repeat(65), REMOVE),
  },
  {
    name: 'vendor.name is empty, too long or has control characters',
    path: ['vendor', 'name'],
    values: () => fc.constantFrom('', '   ', 'a'.repeat(201), 'Acme\u0007GmbH', 'Acme\nGmbH', REMOVE),
  },
  {
    name: 'vendor.country is not ISO 3166-1 alpha-2',
    path: ['vendor', 'country'],
    values: () => fc.constantFrom('de', 'DEU', 'XX', 'ZZ', REMOVE),
  },
  {
    name: 'paymentTerms has neither netDays nor dueDate',
    path: ['paymentTerms'],
    values: () => fc.constantFrom({}, 'net 30', REMOVE),
  },
  {
    name: 'paymentTerms.netDays out of range or not whole',
    path: ['paymentTerms', 'netDays'],
    values: () => fc.constantFrom(-1, MAX_NET_DAYS + 1, 1.5, '30', null),
  },
  {
    name: 'paymentTerms.dueDate before invoiceDate, not a date, or inconsistent with netDays',
    path: ['paymentTerms', 'dueDate'],
    values: (event) => {
      const { netDays } = event.paymentTerms;
      const inconsistent = netDays === undefined ? [] : [addDays(event.invoiceDate, netDays + 1)];
      const before = event.invoiceDate > '1970-01-01' ? [addDays(event.invoiceDate, -1)] : [];
      return fc.constantFrom('2026-02-30', addDays(event.invoiceDate, MAX_NET_DAYS + 1), ...before, ...inconsistent);
    },
  },
  {
    name: 'metadata.sourceSystem is empty or too long',
    path: ['metadata', 'sourceSystem'],
    values: () => fc.constantFrom('', ' ', 's'.repeat(65), 'sap\u0000fi', REMOVE),
  },
  {
    name: 'metadata.correlationId is empty or too long',
    path: ['metadata', 'correlationId'],
    values: () => fc.constantFrom('', 'c'.repeat(129), 7),
  },
];

/** A field the contract does not know, at the root or inside a nested object. */
const arbUnknownField = fc
  .tuple(fc.constantFrom<readonly string[]>([], ['vendor'], ['paymentTerms'], ['metadata']), unknownKey)
  .map(([parent, key]) => ({ name: 'unknown field', path: [...parent, key] }));

export interface MutatedEvent {
  readonly mutation: string;
  /** The event with one field broken (possibly with `stage` omitted, as a client may send it). */
  readonly event: Record<string, unknown>;
  /** Where the problem must be reported, e.g. ['vendor', 'country']. */
  readonly path: readonly string[];
}

/** A valid event of `stage` with exactly one field broken. */
export function arbMutatedEvent(stage: Stage, options: ArbitraryOptions = {}): fc.Arbitrary<MutatedEvent> {
  return arbInvoiceEvent(stage, options).chain((event) =>
    fc.oneof(
      {
        weight: EVENT_MUTATIONS.length,
        arbitrary: fc.constantFrom(...EVENT_MUTATIONS).chain((mutation) =>
          mutation.values(event).map((value) => ({
            mutation: mutation.name,
            event: setAtPath(event, mutation.path, value) as Record<string, unknown>,
            path: mutation.path,
          })),
        ),
      },
      {
        // Unknown fields at four levels weigh like a few field rules, not like all of them.
        weight: 3,
        arbitrary: arbUnknownField.map(({ name, path }) => ({
          mutation: name,
          event: setAtPath(event, path, 'surprise') as Record<string, unknown>,
          path,
        })),
      },
    ),
  );
}

/**
 * Rules that read another field: a problem at the key is only detectable while the listed fields
 * are valid (the decimals of an amount depend on its currency), so such pairs are not broken together.
 */
const READS_OTHER_FIELDS: Readonly<Record<string, readonly string[]>> = {
  amount: ['currency'],
  'paymentTerms.dueDate': ['invoiceDate', 'paymentTerms.netDays'],
};

function independent(a: string, b: string): boolean {
  if (a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`)) return false;
  return !(READS_OTHER_FIELDS[a]?.includes(b) || READS_OTHER_FIELDS[b]?.includes(a));
}

export interface EventWithProblems {
  readonly mutations: readonly string[];
  readonly event: Record<string, unknown>;
  /** Dotted paths of the broken fields; every one must be reported, and nothing else. */
  readonly paths: readonly string[];
}

/** A valid event of `stage` with 2–5 independent fields broken at once. */
export function arbEventWithProblems(stage: Stage, options: ArbitraryOptions = {}): fc.Arbitrary<EventWithProblems> {
  return arbInvoiceEvent(stage, options).chain((event) =>
    fc
      .uniqueArray(fc.constantFrom(...EVENT_MUTATIONS), {
        minLength: 2,
        maxLength: 5,
        selector: (mutation) => mutation.path.join('.'),
      })
      .filter((mutations) =>
        mutations.every((m, i) =>
          mutations.every((n, j) => i === j || independent(m.path.join('.'), n.path.join('.'))),
        ),
      )
      .chain((mutations) =>
        fc.tuple(...mutations.map((mutation) => mutation.values(event))).map((values) => ({
          mutations: mutations.map((mutation) => mutation.name),
          event: mutations.reduce<unknown>(
            (mutated, mutation, index) => setAtPath(mutated, mutation.path, values[index]),
            event,
          ) as Record<string, unknown>,
          paths: mutations.map((mutation) => mutation.path.join('.')),
        })),
      ),
  );
}

export interface InvalidBody {
  readonly mutation: string;
  readonly body: Record<string, unknown>;
  /** The dotted path every reported issue must have, e.g. `events.3.amount`. */
  readonly path: string;
}

/**
 * An invalid POST body for `stage` with exactly one problem: one broken event sent alone or inside
 * a batch, or a batch broken as a whole (too many events, a repeated eventId, an unknown field).
 */
export function arbInvalidBody(stage: Stage, options: ArbitraryOptions = {}): fc.Arbitrary<InvalidBody> {
  const validEvents = (min: number, max: number) =>
    fc.uniqueArray(arbSentEvent(stage, options), { minLength: min, maxLength: max, selector: (e) => e.eventId });
  const single = arbMutatedEvent(stage, options).map(({ mutation, event, path }) => ({
    mutation,
    body: event,
    path: path.join('.'),
  }));
  const inBatch = fc
    .tuple(validEvents(0, MAX_EVENTS_PER_REQUEST - 1), arbMutatedEvent(stage, options), fc.nat())
    .filter(([events, broken]) => events.every((event) => event.eventId !== broken.event.eventId))
    .map(([events, broken, at]) => {
      const index = at % (events.length + 1);
      const all = [...events.slice(0, index), broken.event, ...events.slice(index)];
      return {
        mutation: `${broken.mutation} (in a batch)`,
        body: { events: all },
        path: `events.${index}.${broken.path.join('.')}`,
      };
    });
  const tooMany = validEvents(MAX_EVENTS_PER_REQUEST + 1, MAX_EVENTS_PER_REQUEST + 5).map((events) => ({
    mutation: 'batch holds more than 10 events',
    body: { events },
    path: 'events',
  }));
  const empty = fc.constant({ mutation: 'batch holds no events', body: { events: [] }, path: 'events' });
  const duplicate = fc.tuple(validEvents(2, MAX_EVENTS_PER_REQUEST), fc.nat(), fc.nat()).map(([events, a, b]) => {
    const first = a % (events.length - 1);
    const second = first + 1 + (b % (events.length - 1 - first));
    const copy = events.map((event, index) =>
      index === second ? { ...event, eventId: events[first]!.eventId } : event,
    );
    return { mutation: 'batch repeats an eventId', body: { events: copy }, path: `events.${second}.eventId` };
  });
  const unknownTopLevel = fc
    .tuple(validEvents(1, 3), unknownKey)
    .map(([events, key]) => ({ mutation: 'batch has an unknown field', body: { events, [key]: 1 }, path: key }));
  return fc.oneof(
    { arbitrary: single, weight: 4 },
    { arbitrary: inBatch, weight: 4 },
    { arbitrary: tooMany, weight: 1 },
    { arbitrary: empty, weight: 1 },
    { arbitrary: duplicate, weight: 1 },
    { arbitrary: unknownTopLevel, weight: 1 },
  );
}

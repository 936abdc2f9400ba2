import { describe, expect, it } from 'vitest';
import { dueDateOf } from '../../../schemas/dueDate.ts';
import type { FieldIssue } from '../../../schemas/errorResponse.ts';
import {
  batchRequestSchema,
  InvoiceEventSchema,
  MAX_FUTURE_SKEW_MS,
  type SchemaOptions,
  stageEventSchema,
} from '../../../schemas/invoiceEvent.ts';
import { parseRequestBody } from '../../../schemas/parseRequestBody.ts';
import type { Stage } from '../../../schemas/stages.ts';
import { buildInvoiceEvent, type InvoiceEventOverrides } from '../../helpers/invoiceEvents.ts';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const pinnedClock: SchemaOptions = { now: () => NOW };

/** Issues the API reports for one event of `stage` built with `overrides` (clock pinned at NOW). */
function issuesFor(stage: Stage, overrides: InvoiceEventOverrides | Record<string, unknown>): FieldIssue[] {
  const event = buildInvoiceEvent(stage, {
    occurredAt: '2026-11-28T10:00:00+01:00',
    invoiceDate: '2026-11-27',
    ...(overrides as InvoiceEventOverrides),
  });
  const result = parseRequestBody(stage, event, pinnedClock);
  return result.success ? [] : result.issues;
}

/** Asserts exactly one issue, at `path`, whose message contains `messageIncludes`. */
function expectOnlyIssue(issues: FieldIssue[], path: string, messageIncludes: string): void {
  expect(issues).toHaveLength(1);
  expect(issues[0]?.path).toBe(path);
  expect(issues[0]?.message).toContain(messageIncludes);
}

describe('invoice event contract', () => {
  it('accepts a complete event of every stage', () => {
    for (const stage of ['ingestion', 'reconciliation', 'authorization', 'posting'] as const) {
      expect(issuesFor(stage, {})).toEqual([]);
    }
  });

  describe('eventId', () => {
    it('rejects a value that is not a UUID', () => {
      expectOnlyIssue(issuesFor('posting', { eventId: 'evt-1' }), 'eventId', 'must be a UUID');
    });

    it('rejects the nil UUID, which would make every such event a duplicate of the first', () => {
      expectOnlyIssue(
        issuesFor('posting', { eventId: '00000000-0000-0000-0000-000000000000' }),
        'eventId',
        'must be a UUID',
      );
    });

    it('accepts an upper-case UUID and lower-cases it, so deduplication sees one spelling', () => {
      // Prepare
      const event = buildInvoiceEvent('posting', { eventId: '7D1F0C1E-2F4B-4A57-9D3E-0C6A3B1F9E21' });
      // Act
      const result = parseRequestBody('posting', event);
      // Assess
      expect(result.success && result.events[0]?.eventId).toBe('7d1f0c1e-2f4b-4a57-9d3e-0c6a3b1f9e21');
    });

    it('reports a missing eventId as required', () => {
      expectOnlyIssue(issuesFor('posting', { eventId: undefined }), 'eventId', 'is required');
    });
  });

  describe('invoiceId (the SQS FIFO message group id)', () => {
    it.each([
      ['a space', 'INV 1'],
      ['a slash, which would split the timeline URL path', '2026/000123'],
      ['a quote', 'INV"1'],
      ['a leading punctuation mark', '-INV-1'],
      ['65 characters', `INV-${'9'.repeat(61)}`],
      ['nothing', ''],
    ])('rejects an id with %s', (_case, invoiceId) => {
      expectOnlyIssue(issuesFor('posting', { invoiceId }), 'invoiceId', 'must be 1-64 characters');
    });

    it('accepts 64 characters of letters, digits and . _ : -', () => {
      expect(issuesFor('posting', { invoiceId: `A.b_C:d-${'9'.repeat(56)}` })).toEqual([]);
    });
  });

  describe('stage', () => {
    it('fills an omitted stage from the path', () => {
      // Prepare
      const { stage: _omitted, ...event } = buildInvoiceEvent('authorization');
      // Act
      const result = parseRequestBody('authorization', event);
      // Assess
      expect(result.success && result.events[0]?.stage).toBe('authorization');
    });

    it('rejects a stage that differs from the path', () => {
      const event = buildInvoiceEvent('posting', { status: 'posted' });
      const result = parseRequestBody('reconciliation', { ...event, status: 'matched' });
      expect(result.success ? [] : result.issues).toEqual([
        { path: 'stage', message: 'must be "reconciliation" (the stage in the URL path)' },
      ]);
    });
  });

  describe('status', () => {
    it('rejects a status of another stage', () => {
      expectOnlyIssue(
        issuesFor('posting', { status: 'approved' } as Record<string, unknown>),
        'status',
        'must be one of: posted, failed, reversed',
      );
    });
  });

  describe('occurredAt', () => {
    it('rejects a date-time without an offset', () => {
      expectOnlyIssue(issuesFor('posting', { occurredAt: '2026-11-28T09:30:00' }), 'occurredAt', 'with an offset');
    });

    it('rejects a date without a time', () => {
      expectOnlyIssue(issuesFor('posting', { occurredAt: '2026-11-28' }), 'occurredAt', 'ISO-8601 date-time');
    });

    it('accepts +hh:mm offsets and Z, with or without fractional seconds', () => {
      for (const occurredAt of [
        '2026-11-28T13:04:59+01:00',
        '2026-11-28T07:00:00.123456-05:00',
        '2026-11-28T12:00:00Z',
      ]) {
        expect(issuesFor('posting', { occurredAt }), occurredAt).toEqual([]);
      }
    });

    it('accepts an instant up to 5 minutes in the future (clock skew)', () => {
      const occurredAt = new Date(NOW + MAX_FUTURE_SKEW_MS).toISOString();
      expect(issuesFor('posting', { occurredAt })).toEqual([]);
    });

    it('rejects an instant more than 5 minutes in the future, comparing instants across offsets', () => {
      // 13:05:01+01:00 is 12:05:01Z: one second past the allowed skew
      expectOnlyIssue(
        issuesFor('posting', { occurredAt: '2026-11-28T13:05:01+01:00' }),
        'occurredAt',
        'must not be more than 5 minutes in the future',
      );
    });

    it('rejects an instant before 1970 (Timestream times are positive epoch values)', () => {
      expectOnlyIssue(
        issuesFor('posting', { occurredAt: '1970-01-01T00:30:00+01:00' }),
        'occurredAt',
        'must not be before 1970',
      );
    });

    it('rejects an instant older than maxAgeDays when the API sets it, and only then', () => {
      const options = { now: () => NOW, maxAgeDays: 30 };
      const at = (days: number) =>
        buildInvoiceEvent('posting', { occurredAt: new Date(NOW - days * 86_400_000).toISOString() });

      const tooOld = stageEventSchema('posting', options).safeParse(at(30.001));
      expect(tooOld.success).toBe(false);
      expect(tooOld.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
        ['occurredAt', expect.stringContaining('must not be more than 30 days in the past')],
      ]);
      expect(stageEventSchema('posting', options).safeParse(at(29.999)).success).toBe(true);
      expect(stageEventSchema('posting', pinnedClock).safeParse(at(4000)).success).toBe(true);
      expect(InvoiceEventSchema.safeParse(at(4000)).success).toBe(true);
    });

    it('builds the schemas without an injected clock once per stage and age limit', () => {
      expect(stageEventSchema('posting')).toBe(stageEventSchema('posting'));
      expect(batchRequestSchema('posting')).toBe(batchRequestSchema('posting'));
      expect(stageEventSchema('posting', { maxAgeDays: 9 })).toBe(stageEventSchema('posting', { maxAgeDays: 9 }));
      expect(stageEventSchema('posting', { maxAgeDays: 9 })).not.toBe(stageEventSchema('posting'));
      expect(stageEventSchema('posting')).not.toBe(stageEventSchema('ingestion'));
      expect(stageEventSchema('posting', pinnedClock)).not.toBe(stageEventSchema('posting', pinnedClock));
    });

    it('does not apply the future rule after ingest (redriven and replayed events are re-validated later)', () => {
      const event = buildInvoiceEvent('posting', { occurredAt: new Date(Date.now() + 3_600_000).toISOString() });
      expect(InvoiceEventSchema.safeParse(event).success).toBe(true);
      expect(stageEventSchema('posting').safeParse(event).success).toBe(false);
    });
  });

  describe('invoiceDate', () => {
    it.each(['2026-02-30', '2025-02-29', '2026-04-31'])('rejects %s, which is not a real calendar date', (date) => {
      expectOnlyIssue(
        issuesFor('posting', { invoiceDate: date, paymentTerms: { netDays: 30 } }),
        'invoiceDate',
        'not a real calendar date',
      );
    });

    it('accepts 29 February of a leap year', () => {
      expect(issuesFor('posting', { invoiceDate: '2024-02-29', paymentTerms: { netDays: 30 } })).toEqual([]);
    });

    it.each(['2026-11-28T00:00:00Z', '28.11.2026', '1969-12-31'])('rejects %s', (date) => {
      expectOnlyIssue(
        issuesFor('posting', { invoiceDate: date, paymentTerms: { netDays: 1 } }),
        'invoiceDate',
        'YYYY-MM-DD',
      );
    });
  });

  describe('amount and currency', () => {
    it('rejects an amount with too many decimals for JPY', () => {
      expectOnlyIssue(
        issuesFor('posting', { amount: '1250.5', currency: 'JPY' }),
        'amount',
        'JPY allows at most 0 decimal places',
      );
    });

    it('accepts a whole amount for JPY', () => {
      expect(issuesFor('posting', { amount: '1250', currency: 'JPY' })).toEqual([]);
    });

    it('accepts 3 decimals for BHD', () => {
      expect(issuesFor('posting', { amount: '12.345', currency: 'BHD' })).toEqual([]);
    });

    it('rejects 4 decimals for BHD', () => {
      expectOnlyIssue(
        issuesFor('posting', { amount: '12.3456', currency: 'BHD' }),
        'amount',
        'BHD allows at most 3 decimal places',
      );
    });

    it('rejects 3 decimals for USD and accepts fewer than 2', () => {
      expectOnlyIssue(issuesFor('posting', { amount: '9.999', currency: 'USD' }), 'amount', 'USD allows at most 2');
      expect(issuesFor('posting', { amount: '9.5', currency: 'USD' })).toEqual([]);
    });

    it('accepts negative amounts (credit notes) but not negative zero', () => {
      expect(issuesFor('posting', { amount: '-250.50' })).toEqual([]);
      expectOnlyIssue(issuesFor('posting', { amount: '-0.00' }), 'amount', 'must not be negative zero');
    });

    it('rejects an amount sent as a JSON number, which is not exact', () => {
      expectOnlyIssue(
        issuesFor('posting', { amount: 1250.1 } as Record<string, unknown>),
        'amount',
        'JSON numbers are not exact',
      );
    });

    it.each(['1e3', '1,250.00', '+5', '.5', '5.', '012', '1 250'])('rejects the non-decimal string %s', (amount) => {
      expectOnlyIssue(issuesFor('posting', { amount }), 'amount', 'exact decimal string');
    });

    it('rejects an amount beyond 2^53-1 minor units, where numbers stop being exact', () => {
      expect(issuesFor('posting', { amount: '90071992547409.91', currency: 'EUR' })).toEqual([]);
      expectOnlyIssue(
        issuesFor('posting', { amount: '90071992547409.92', currency: 'EUR' }),
        'amount',
        'must be between',
      );
    });

    it.each(['EURO', 'eur', 'XYZ', 'XAU'])(
      'rejects %s, which is not an ISO 4217 code the runtime knows',
      (currency) => {
        expectOnlyIssue(issuesFor('posting', { currency }), 'currency', 'ISO 4217');
      },
    );
  });

  describe('vendor', () => {
    const vendor = { vendorId: 'V-1001', name: 'Acme GmbH', country: 'DE' };

    it('rejects a country that is not ISO 3166-1 alpha-2', () => {
      expectOnlyIssue(issuesFor('posting', { vendor: { ...vendor, country: 'DEU' } }), 'vendor.country', 'alpha-2');
      expectOnlyIssue(issuesFor('posting', { vendor: { ...vendor, country: 'de' } }), 'vendor.country', 'alpha-2');
    });

    it('rejects an alpha-2 code that is no country', () => {
      expectOnlyIssue(issuesFor('posting', { vendor: { ...vendor, country: 'XX' } }), 'vendor.country', 'not a known');
    });

    it('rejects a blank name, and trims the one it accepts', () => {
      expectOnlyIssue(issuesFor('posting', { vendor: { ...vendor, name: '   ' } }), 'vendor.name', 'must not be empty');
      const result = parseRequestBody('posting', buildInvoiceEvent('posting', { vendor: { name: '  Acme  ' } }));
      expect(result.success && result.events[0]?.vendor.name).toBe('Acme');
    });

    it('rejects control characters in the name (they break logs and CSV exports)', () => {
      expectOnlyIssue(
        issuesFor('posting', { vendor: { ...vendor, name: 'Acme\u0000GmbH' } }),
        'vendor.name',
        'control characters',
      );
    });

    it('accepts names in any script', () => {
      expect(issuesFor('posting', { vendor: { ...vendor, name: '株式会社サンプル', country: 'JP' } })).toEqual([]);
    });

    it('rejects a vendorId with spaces', () => {
      expectOnlyIssue(issuesFor('posting', { vendor: { ...vendor, vendorId: 'V 1' } }), 'vendor.vendorId', '1-64');
    });
  });

  describe('paymentTerms', () => {
    it('accepts netDays alone, dueDate alone, or both when they agree', () => {
      expect(issuesFor('posting', { paymentTerms: { netDays: 0 } })).toEqual([]);
      expect(issuesFor('posting', { paymentTerms: { dueDate: '2026-12-27' } })).toEqual([]);
      expect(issuesFor('posting', { paymentTerms: { netDays: 30, dueDate: '2026-12-27' } })).toEqual([]);
    });

    it('rejects terms with neither netDays nor dueDate', () => {
      expectOnlyIssue(
        issuesFor('posting', { paymentTerms: {} }),
        'paymentTerms',
        'must give netDays, dueDate, or both',
      );
    });

    it('rejects netDays outside 0-3650 or not whole', () => {
      expectOnlyIssue(
        issuesFor('posting', { paymentTerms: { netDays: 3651 } }),
        'paymentTerms.netDays',
        'at most 3650',
      );
      expectOnlyIssue(issuesFor('posting', { paymentTerms: { netDays: -1 } }), 'paymentTerms.netDays', 'at least 0');
      expectOnlyIssue(issuesFor('posting', { paymentTerms: { netDays: 7.5 } }), 'paymentTerms.netDays', 'whole number');
    });

    it('rejects a dueDate before invoiceDate', () => {
      expectOnlyIssue(
        issuesFor('posting', { paymentTerms: { dueDate: '2026-11-26' } }),
        'paymentTerms.dueDate',
        'must not be before invoiceDate (2026-11-27)',
      );
    });

    it('rejects a dueDate that disagrees with invoiceDate + netDays, naming the date it implies', () => {
      expectOnlyIssue(
        issuesFor('posting', { paymentTerms: { netDays: 30, dueDate: '2026-12-31' } }),
        'paymentTerms.dueDate',
        'must equal invoiceDate + netDays (2026-12-27)',
      );
    });

    it('rejects a dueDate more than 3650 days after invoiceDate', () => {
      expectOnlyIssue(
        issuesFor('posting', { paymentTerms: { dueDate: '2036-11-25' } }),
        'paymentTerms.dueDate',
        'at most 3650 days after invoiceDate',
      );
    });
  });

  describe('dueDateOf', () => {
    it('is the explicit dueDate, else invoiceDate + netDays across month and leap-year ends', () => {
      expect(dueDateOf({ invoiceDate: '2026-01-31', paymentTerms: { netDays: 30, dueDate: '2026-03-02' } })).toBe(
        '2026-03-02',
      );
      expect(dueDateOf({ invoiceDate: '2028-01-31', paymentTerms: { netDays: 30 } })).toBe('2028-03-01');
      expect(dueDateOf({ invoiceDate: '2026-12-15', paymentTerms: { netDays: 30 } })).toBe('2027-01-14');
    });
  });

  describe('metadata', () => {
    it('requires a sourceSystem and bounds the correlationId', () => {
      expectOnlyIssue(
        issuesFor('posting', { metadata: { sourceSystem: '' } }),
        'metadata.sourceSystem',
        'must not be empty',
      );
      expectOnlyIssue(
        issuesFor('posting', { metadata: { correlationId: 'c'.repeat(129) } }),
        'metadata.correlationId',
        'at most 128 characters',
      );
    });

    it('accepts metadata without a correlationId', () => {
      expect(issuesFor('posting', { metadata: { sourceSystem: 'edi', correlationId: undefined } })).toEqual([]);
    });
  });

  describe('unknown fields', () => {
    it('reports an unknown top-level field at its own path', () => {
      expectOnlyIssue(issuesFor('posting', { amountInCents: 125000 }), 'amountInCents', 'is not a known field');
    });

    it('reports an unknown nested field at its own path', () => {
      expectOnlyIssue(
        issuesFor('posting', { vendor: { iban: 'DE89370400440532013000' } } as Record<string, unknown>),
        'vendor.iban',
        'is not a known field',
      );
    });

    it('reports each of several unknown fields separately', () => {
      const paths = issuesFor('posting', { a: 1, b: 2 }).map((issue) => issue.path);
      expect(paths).toEqual(['a', 'b']);
    });
  });

  it('lists every problem of one event at once, including cross-field ones', () => {
    // Prepare: field-level problems (eventId, country) next to cross-field ones (decimals, due date)
    const issues = issuesFor('posting', {
      eventId: 'nope',
      amount: '12.345',
      vendor: { country: 'de' },
      paymentTerms: { netDays: 30, dueDate: '2026-12-01' },
      note: 'x',
    } as Record<string, unknown>);
    // Assess
    expect(issues.map((issue) => issue.path).sort()).toEqual(
      ['amount', 'eventId', 'note', 'paymentTerms.dueDate', 'vendor.country'].sort(),
    );
  });
});

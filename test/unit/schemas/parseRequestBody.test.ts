import { describe, expect, it } from 'vitest';
import { batchRequestSchema, MAX_EVENTS_PER_REQUEST } from '../../../schemas/invoiceEvent.ts';
import { parseRequestBody } from '../../../schemas/parseRequestBody.ts';
import { buildInvoiceEvent } from '../../helpers/invoiceEvents.ts';

function events(count: number) {
  return Array.from({ length: count }, (_, index) => buildInvoiceEvent('posting', { invoiceId: `INV-${index}` }));
}

describe('POST body (parseRequestBody)', () => {
  it('accepts one event and reports it as not a batch', () => {
    const result = parseRequestBody('posting', buildInvoiceEvent('posting'));
    expect(result.success && { batch: result.batch, count: result.events.length }).toEqual({ batch: false, count: 1 });
  });

  it('accepts a batch of 1 to 10 events, in order', () => {
    for (const count of [1, MAX_EVENTS_PER_REQUEST]) {
      // Prepare
      const batch = events(count);
      // Act
      const result = parseRequestBody('posting', { events: batch });
      // Assess
      expect(result.success && result.batch).toBe(true);
      expect(result.success && result.events.map((event) => event.eventId)).toEqual(batch.map((e) => e.eventId));
    }
  });

  it('rejects a batch of 11 events (one request is one PutEvents call of at most 10 entries)', () => {
    const result = parseRequestBody('posting', { events: events(11) });
    expect(result.success ? [] : result.issues).toEqual([{ path: 'events', message: 'must hold at most 10 events' }]);
  });

  it('rejects an empty batch', () => {
    const result = parseRequestBody('posting', { events: [] });
    expect(result.success ? [] : result.issues).toEqual([{ path: 'events', message: 'must hold at least one event' }]);
  });

  it('reports a duplicate eventId in a batch at events.N.eventId, naming the first occurrence', () => {
    // Prepare
    const batch = events(4);
    batch[3] = { ...batch[3]!, eventId: batch[1]!.eventId };
    // Act
    const result = parseRequestBody('posting', { events: batch });
    // Assess
    expect(result.success ? [] : result.issues).toEqual([
      {
        path: 'events.3.eventId',
        message: 'duplicates events.1.eventId; each event in a batch needs its own eventId',
      },
    ]);
  });

  it('treats eventIds that differ only in case as duplicates', () => {
    const batch = events(2);
    batch[1] = { ...batch[1]!, eventId: batch[0]!.eventId.toUpperCase() };
    const result = parseRequestBody('posting', { events: batch });
    expect(result.success ? [] : result.issues.map((issue) => issue.path)).toEqual(['events.1.eventId']);
  });

  it('reports problems inside a batch at events.N.<field>, for every broken event', () => {
    const batch = events(3);
    const body = { events: [batch[0], { ...batch[1], amount: '1.001' }, { ...batch[2], currency: 'EURO' }] };
    const result = parseRequestBody('posting', body);
    expect(result.success ? [] : result.issues.map((issue) => issue.path)).toEqual([
      'events.1.amount',
      'events.2.currency',
    ]);
  });

  it('fills an omitted stage in every event of a batch and rejects a mismatching one', () => {
    const [first, second] = events(2).map(({ stage: _stage, ...rest }) => rest);
    const ok = parseRequestBody('posting', { events: [first, second] });
    expect(ok.success && ok.events.map((event) => event.stage)).toEqual(['posting', 'posting']);
    const mismatch = parseRequestBody('posting', { events: [first, { ...second, stage: 'ingestion' }] });
    expect(mismatch.success ? [] : mismatch.issues.map((issue) => issue.path)).toEqual(['events.1.stage']);
  });

  it('rejects fields next to events, such as a batch-level stage', () => {
    const result = parseRequestBody('posting', { stage: 'posting', events: events(1) });
    expect(result.success ? [] : result.issues).toEqual([
      { path: 'stage', message: 'is not a known field (unknown fields are rejected)' },
    ]);
  });

  it('rejects events that is not an array', () => {
    const result = parseRequestBody('posting', { events: buildInvoiceEvent('posting') });
    expect(result.success ? [] : result.issues).toEqual([
      { path: 'events', message: 'must be an array of invoice events' },
    ]);
  });

  it.each([
    ['an array', [buildInvoiceEvent('posting')]],
    ['a string', 'hello'],
    ['a number', 42],
    ['null', null],
  ])('rejects a body that is %s with one issue at the root', (_case, body) => {
    const result = parseRequestBody('posting', body);
    expect(result.success ? [] : result.issues).toEqual([
      { path: '', message: 'must be a JSON object: one invoice event, or {"events": [...]} with 1-10 events' },
    ]);
  });

  it('is also available as a zod schema for batches', () => {
    expect(batchRequestSchema('posting').safeParse({ events: events(2) }).success).toBe(true);
  });
});

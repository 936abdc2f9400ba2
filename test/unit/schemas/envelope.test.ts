import { describe, expect, it } from 'vitest';
import {
  BusEventSchema,
  detailTypeFor,
  EVENT_SOURCE,
  InvoiceEventDetailSchema,
  SCHEMA_VERSION,
} from '../../../schemas/envelope.ts';
import { toFieldIssues } from '../../../schemas/errorResponse.ts';
import { buildInvoiceEvent } from '../../helpers/invoiceEvents.ts';

const server = { cell: 'local', region: 'eu-west-1', receivedAt: '2026-11-28T09:30:01.120Z', schemaVersion: '1' };

function detail(overrides: Record<string, unknown> = {}) {
  return { ...buildInvoiceEvent('posting'), server, ...overrides };
}

function busEvent(overrides: Record<string, unknown> = {}) {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'invoice.posting',
    source: EVENT_SOURCE,
    account: '000000000000',
    time: '2026-11-28T09:30:01Z',
    region: 'eu-west-1',
    resources: [],
    detail: detail(),
    ...overrides,
  };
}

function issuePaths(result: { success: boolean; error?: { issues: readonly unknown[] } }): string[] {
  return result.success ? [] : toFieldIssues(result.error!.issues as never).map((issue) => issue.path);
}

describe('InvoiceEventDetail (EventBridge detail, SNS message, SQS FIFO body)', () => {
  it('accepts a validated event with server metadata', () => {
    expect(InvoiceEventDetailSchema.safeParse(detail()).success).toBe(true);
  });

  it('requires server metadata', () => {
    const { server: _missing, ...event } = detail();
    expect(issuePaths(InvoiceEventDetailSchema.safeParse(event))).toEqual(['server']);
  });

  it('rejects unknown fields next to server, as the API does', () => {
    expect(issuePaths(InvoiceEventDetailSchema.safeParse(detail({ surprise: 1 })))).toEqual(['surprise']);
    expect(issuePaths(InvoiceEventDetailSchema.safeParse(detail({ server: { ...server, extra: 1 } })))).toEqual([
      'server.extra',
    ]);
  });

  it('carries the account that received the event, and still accepts an event stamped before it did', () => {
    const stamped = detail({ server: { ...server, account: '123456789012' } });
    expect(InvoiceEventDetailSchema.parse(stamped).server.account).toBe('123456789012');
    expect(InvoiceEventDetailSchema.safeParse(detail()).success).toBe(true);
    for (const account of ['', '12345', '12345678901x', 123456789012]) {
      const result = InvoiceEventDetailSchema.safeParse(detail({ server: { ...server, account } }));
      expect(issuePaths(result), String(account)).toEqual(['server.account']);
    }
  });

  it(`rejects a schemaVersion other than "${SCHEMA_VERSION}"`, () => {
    const result = InvoiceEventDetailSchema.safeParse(detail({ server: { ...server, schemaVersion: '2' } }));
    expect(issuePaths(result)).toEqual(['server.schemaVersion']);
  });

  it('still applies the cross-field rules (decimals per currency)', () => {
    expect(issuePaths(InvoiceEventDetailSchema.safeParse(detail({ amount: '1.5', currency: 'JPY' })))).toEqual([
      'amount',
    ]);
  });

  it('accepts an occurredAt far in the future (only the API applies the clock rule)', () => {
    const occurredAt = new Date(Date.now() + 86_400_000).toISOString();
    expect(InvoiceEventDetailSchema.safeParse(detail({ occurredAt })).success).toBe(true);
  });

  it('requires stage downstream (nothing fills it after the API)', () => {
    const { stage: _missing, ...event } = detail();
    expect(issuePaths(InvoiceEventDetailSchema.safeParse(event))).toEqual(['stage']);
  });
});

describe('BusEvent (EventBridge event as an inbox SQS body)', () => {
  it('accepts the event the bus delivers, with and without replay-name', () => {
    expect(BusEventSchema.safeParse(busEvent()).success).toBe(true);
    expect(BusEventSchema.safeParse(busEvent({ 'replay-name': 'bems-local-replay-1' })).success).toBe(true);
  });

  it('tolerates envelope fields EventBridge may add', () => {
    expect(BusEventSchema.safeParse(busEvent({ 'new-envelope-field': true })).success).toBe(true);
  });

  it('rejects a detail-type that does not name the stage of detail (rules route on it)', () => {
    const result = BusEventSchema.safeParse(busEvent({ 'detail-type': detailTypeFor('ingestion') }));
    expect(issuePaths(result)).toEqual(['detail-type']);
  });

  it('rejects another source', () => {
    expect(issuePaths(BusEventSchema.safeParse(busEvent({ source: 'someone.else' })))).toEqual(['source']);
  });

  it('reports a broken detail at detail.<field>', () => {
    expect(issuePaths(BusEventSchema.safeParse(busEvent({ detail: detail({ amount: 12 }) })))).toEqual([
      'detail.amount',
    ]);
  });
});

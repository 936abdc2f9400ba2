import { describe, expect, it } from 'vitest';
import { analyticsValuesOf, mapToRecord } from '../../../handlers/consume/mapToRecord.ts';
import {
  ANALYTICS_UNIQUE_KEY,
  LAKEHOUSE_COLUMNS,
  ANALYTICS_MEASURE_NAME as MEASURE_NAME,
  toAnalyticsRow,
} from '../../../schemas/analyticsRecord.ts';
import { ATHENA_COLUMNS } from '../../../schemas/athenaTable.ts';
import { buildInvoiceEvent } from '../../helpers/invoiceEvents.ts';
import { buildEventDetail, withoutAccount } from '../../helpers/sqsEvents.ts';

function measures(record: ReturnType<typeof mapToRecord>) {
  return Object.fromEntries(record.MeasureValues!.map((m) => [m.Name, { type: m.Type, value: m.Value }]));
}

/** One event with every field set, for both the Timestream record and the lakehouse row. */
const detail = buildEventDetail(
  buildInvoiceEvent('authorization', {
    eventId: '7d1f0c1e-2f4b-4a57-9d3e-0c6a3b1f9e21',
    invoiceId: 'INV-2026-000123',
    status: 'escalated',
    occurredAt: '2026-11-28T09:30:00+01:00',
    invoiceDate: '2026-11-27',
    amount: '1250.5',
    currency: 'EUR',
    vendor: { vendorId: 'V-1001', name: 'Acme GmbH', country: 'DE' },
    paymentTerms: { netDays: 30 },
    metadata: { sourceSystem: 'sap-fi' },
  }),
  { cell: 'euw1-a', account: '123456789012', region: 'eu-west-1', receivedAt: '2026-11-28T08:30:01.500Z' },
);
const processedAt = Date.parse('2026-11-28T08:30:03.000Z');

describe('mapToRecord', () => {
  it('uses the eventId among the dimensions so the record identity is the event', () => {
    const record = mapToRecord({ detail, consumer: 'recorder', replayed: false, processedAt });

    expect(record.Dimensions).toEqual([
      { Name: 'cell', Value: 'euw1-a', DimensionValueType: 'VARCHAR' },
      { Name: 'account_id', Value: '123456789012', DimensionValueType: 'VARCHAR' },
      { Name: 'region', Value: 'eu-west-1', DimensionValueType: 'VARCHAR' },
      { Name: 'stage', Value: 'authorization', DimensionValueType: 'VARCHAR' },
      { Name: 'consumer', Value: 'recorder', DimensionValueType: 'VARCHAR' },
      { Name: 'invoice_id', Value: 'INV-2026-000123', DimensionValueType: 'VARCHAR' },
      { Name: 'event_id', Value: '7d1f0c1e-2f4b-4a57-9d3e-0c6a3b1f9e21', DimensionValueType: 'VARCHAR' },
      { Name: 'vendor_id', Value: 'V-1001', DimensionValueType: 'VARCHAR' },
      { Name: 'currency', Value: 'EUR', DimensionValueType: 'VARCHAR' },
    ]);
  });

  it('leaves the account out of an event stamped before ingest recorded it (Timestream refuses an empty value)', () => {
    const record = mapToRecord({ detail: withoutAccount(detail), consumer: 'recorder', replayed: false, processedAt });

    expect(record.Dimensions!.map((d) => d.Name)).not.toContain('account_id');
    expect(record.Dimensions!.every((d) => d.Value !== '')).toBe(true);
    expect(record.Dimensions).toHaveLength(
      mapToRecord({ detail, consumer: 'recorder', replayed: false, processedAt }).Dimensions!.length - 1,
    );
  });

  it('is a version-1 multi-measure record at occurredAt in milliseconds', () => {
    const record = mapToRecord({ detail, consumer: 'recorder', replayed: false, processedAt });

    expect(record).toMatchObject({
      MeasureName: MEASURE_NAME,
      MeasureValueType: 'MULTI',
      Time: String(Date.parse('2026-11-28T08:30:00Z')),
      TimeUnit: 'MILLISECONDS',
      Version: 1,
    });
  });

  it('records the amount exactly (minor units and normalized text) and as a double for charts', () => {
    const m = measures(mapToRecord({ detail, consumer: 'recorder', replayed: false, processedAt }));

    expect(m.amount_minor).toEqual({ type: 'BIGINT', value: '125050' });
    expect(m.amount_text).toEqual({ type: 'VARCHAR', value: '1250.50' });
    expect(m.amount).toEqual({ type: 'DOUBLE', value: '1250.5' });
  });

  it('records times as epoch milliseconds and the latency between receipt and processing', () => {
    const m = measures(mapToRecord({ detail, consumer: 'recorder', replayed: true, processedAt }));

    expect(m.received_at).toEqual({ type: 'TIMESTAMP', value: String(Date.parse('2026-11-28T08:30:01.500Z')) });
    expect(m.processed_at).toEqual({ type: 'TIMESTAMP', value: String(processedAt) });
    expect(m.latency_ms).toEqual({ type: 'BIGINT', value: '1500' });
    // invoiceDate 2026-11-27 + 30 net days
    expect(m.due_at).toEqual({ type: 'TIMESTAMP', value: String(Date.parse('2026-12-27T00:00:00Z')) });
    expect(m.replayed).toEqual({ type: 'BOOLEAN', value: 'true' });
    expect(m.status).toEqual({ type: 'VARCHAR', value: 'escalated' });
    expect(m.vendor_name).toEqual({ type: 'VARCHAR', value: 'Acme GmbH' });
    expect(m.vendor_country).toEqual({ type: 'VARCHAR', value: 'DE' });
    expect(m.invoice_date).toEqual({ type: 'VARCHAR', value: '2026-11-27' });
    expect(m.source_system).toEqual({ type: 'VARCHAR', value: 'sap-fi' });
  });

  it('uses the currency minor units: JPY has none, BHD has three', () => {
    const jpy = buildEventDetail(buildInvoiceEvent('posting', { status: 'posted', amount: '125000', currency: 'JPY' }));
    const bhd = buildEventDetail(buildInvoiceEvent('posting', { status: 'posted', amount: '12.5', currency: 'BHD' }));

    const jpyMeasures = measures(mapToRecord({ detail: jpy, consumer: 'recorder', replayed: false, processedAt }));
    const bhdMeasures = measures(mapToRecord({ detail: bhd, consumer: 'recorder', replayed: false, processedAt }));

    expect([jpyMeasures.amount_minor!.value, jpyMeasures.amount_text!.value]).toEqual(['125000', '125000']);
    expect([bhdMeasures.amount_minor!.value, bhdMeasures.amount_text!.value]).toEqual(['12500', '12.500']);
  });
});

describe('toAnalyticsRow (the lakehouse row)', () => {
  const item = { detail, consumer: 'recorder', replayed: false, processedAt };

  it('holds every field of the Timestream record under its own name, typed for JSON, instants as epoch microseconds', () => {
    const row = toAnalyticsRow(analyticsValuesOf(item));

    expect(row).toEqual({
      time: Date.parse('2026-11-28T08:30:00Z') * 1000,
      cell: 'euw1-a',
      account_id: '123456789012',
      region: 'eu-west-1',
      stage: 'authorization',
      consumer: 'recorder',
      invoice_id: 'INV-2026-000123',
      event_id: '7d1f0c1e-2f4b-4a57-9d3e-0c6a3b1f9e21',
      vendor_id: 'V-1001',
      currency: 'EUR',
      status: 'escalated',
      amount: 1250.5,
      amount_minor: 125050,
      amount_text: '1250.50',
      vendor_name: 'Acme GmbH',
      vendor_country: 'DE',
      invoice_date: '2026-11-27',
      received_at: Date.parse('2026-11-28T08:30:01.500Z') * 1000,
      processed_at: processedAt * 1000,
      latency_ms: 1500,
      due_at: Date.parse('2026-12-27T00:00:00Z') * 1000,
      source_system: 'sap-fi',
      replayed: false,
    });
    expect(Object.keys(row).sort()).toEqual(Object.values(LAKEHOUSE_COLUMNS).sort());
    expect(Object.keys(row).sort()).toEqual(Object.values(ATHENA_COLUMNS).sort());
  });

  it('carries the same values as the Timestream record, field by field (instants × 1,000)', () => {
    const row = toAnalyticsRow(analyticsValuesOf(item));
    const record = mapToRecord(item);

    expect(row[LAKEHOUSE_COLUMNS.time]).toBe(Number(record.Time) * 1000);
    for (const d of record.Dimensions!) expect(row[d.Name!]).toBe(d.Value);
    for (const m of record.MeasureValues!) {
      const value = row[LAKEHOUSE_COLUMNS[m.Name as keyof typeof LAKEHOUSE_COLUMNS]];
      expect(String(value), m.Name).toBe(m.Type === 'TIMESTAMP' ? `${m.Value}000` : m.Value);
    }
  });

  it('has no account_id (NULL in the table) for an event stamped before ingest recorded the account', () => {
    const row = toAnalyticsRow(analyticsValuesOf({ ...item, detail: withoutAccount(detail) }));

    expect(row).not.toHaveProperty(LAKEHOUSE_COLUMNS.account_id);
    expect(row).toMatchObject({ cell: 'euw1-a', region: 'eu-west-1', event_id: detail.eventId });
  });

  it('refuses a fractional millisecond instant rather than invent microseconds', () => {
    const values = analyticsValuesOf(item);

    expect(() => toAnalyticsRow({ ...values, measures: { ...values.measures, due_at: '1.5' } })).toThrow(/due_at/);
  });

  it('has a unique key that names the event and the consumer, both columns of the row', () => {
    const row = toAnalyticsRow(analyticsValuesOf(item));

    expect(ANALYTICS_UNIQUE_KEY.map((column) => row[column])).toEqual([detail.eventId, 'recorder']);
  });

  it('refuses an integer field outside Number’s exact range rather than round it', () => {
    const values = analyticsValuesOf(item);

    expect(() =>
      toAnalyticsRow({ ...values, measures: { ...values.measures, amount_minor: '9007199254740993' } }),
    ).toThrow(/amount_minor/);
  });
});

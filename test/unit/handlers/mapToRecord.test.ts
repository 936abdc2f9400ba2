import { describe, expect, it } from 'vitest';
import { mapToRecord } from '../../../handlers/consume/mapToRecord.ts';
import { ANALYTICS_MEASURE_NAME as MEASURE_NAME } from '../../../schemas/analyticsRecord.ts';
import { buildInvoiceEvent } from '../../helpers/invoiceEvents.ts';
import { buildEventDetail } from '../../helpers/sqsEvents.ts';

function measures(record: ReturnType<typeof mapToRecord>) {
  return Object.fromEntries(record.MeasureValues!.map((m) => [m.Name, { type: m.Type, value: m.Value }]));
}

describe('mapToRecord', () => {
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
    { cell: 'euw1-a', region: 'eu-west-1', receivedAt: '2026-11-28T08:30:01.500Z' },
  );
  const processedAt = Date.parse('2026-11-28T08:30:03.000Z');

  it('uses the eventId among the dimensions so the record identity is the event', () => {
    const record = mapToRecord({ detail, consumer: 'recorder', replayed: false, processedAt });

    expect(record.Dimensions).toEqual([
      { Name: 'cell', Value: 'euw1-a', DimensionValueType: 'VARCHAR' },
      { Name: 'region', Value: 'eu-west-1', DimensionValueType: 'VARCHAR' },
      { Name: 'stage', Value: 'authorization', DimensionValueType: 'VARCHAR' },
      { Name: 'consumer', Value: 'recorder', DimensionValueType: 'VARCHAR' },
      { Name: 'invoice_id', Value: 'INV-2026-000123', DimensionValueType: 'VARCHAR' },
      { Name: 'event_id', Value: '7d1f0c1e-2f4b-4a57-9d3e-0c6a3b1f9e21', DimensionValueType: 'VARCHAR' },
      { Name: 'vendor_id', Value: 'V-1001', DimensionValueType: 'VARCHAR' },
      { Name: 'currency', Value: 'EUR', DimensionValueType: 'VARCHAR' },
    ]);
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

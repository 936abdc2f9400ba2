import { randomUUID } from 'node:crypto';
import type { _Record, MeasureValue } from '@aws-sdk/client-timestream-write';

/** The BEMS record of one (event, consumer), as the consume handler writes it (BRIEF: Timestream record). */
export interface BemsRecordSpec {
  cell?: string;
  region?: string;
  stage?: string;
  consumer?: string;
  invoiceId?: string;
  eventId?: string;
  vendorId?: string;
  currency?: string;
  status?: string;
  amountText?: string;
  amountMinor?: string;
  occurredAtMs?: number;
  receivedAtMs?: number;
  processedAtMs?: number;
  dueAtMs?: number;
  replayed?: boolean;
  version?: number;
}

export function bemsDimensions(spec: BemsRecordSpec = {}): NonNullable<_Record['Dimensions']> {
  const dims: Record<string, string> = {
    cell: spec.cell ?? 'local',
    region: spec.region ?? 'eu-west-1',
    stage: spec.stage ?? 'ingestion',
    consumer: spec.consumer ?? 'recorder',
    invoice_id: spec.invoiceId ?? `INV-${randomUUID().slice(0, 8)}`,
    event_id: spec.eventId ?? randomUUID(),
    vendor_id: spec.vendorId ?? 'V-1001',
    currency: spec.currency ?? 'EUR',
  };
  return Object.entries(dims).map(([Name, Value]) => ({ Name, Value, DimensionValueType: 'VARCHAR' }));
}

export function bemsMeasures(spec: BemsRecordSpec = {}): MeasureValue[] {
  const occurredAt = spec.occurredAtMs ?? Date.now() - 60_000;
  const receivedAt = spec.receivedAtMs ?? occurredAt + 1_000;
  const processedAt = spec.processedAtMs ?? receivedAt + 250;
  const amountText = spec.amountText ?? '1250.00';
  return [
    { Name: 'status', Value: spec.status ?? 'received', Type: 'VARCHAR' },
    { Name: 'amount', Value: amountText, Type: 'DOUBLE' },
    { Name: 'amount_minor', Value: spec.amountMinor ?? amountText.replace('.', ''), Type: 'BIGINT' },
    { Name: 'amount_text', Value: amountText, Type: 'VARCHAR' },
    { Name: 'vendor_name', Value: 'Acme GmbH', Type: 'VARCHAR' },
    { Name: 'vendor_country', Value: 'DE', Type: 'VARCHAR' },
    { Name: 'invoice_date', Value: new Date(occurredAt).toISOString().slice(0, 10), Type: 'VARCHAR' },
    { Name: 'received_at', Value: String(receivedAt), Type: 'TIMESTAMP' },
    { Name: 'processed_at', Value: String(processedAt), Type: 'TIMESTAMP' },
    { Name: 'latency_ms', Value: String(processedAt - receivedAt), Type: 'BIGINT' },
    { Name: 'due_at', Value: String(spec.dueAtMs ?? occurredAt + 30 * 86_400_000), Type: 'TIMESTAMP' },
    { Name: 'source_system', Value: 'sap-fi', Type: 'VARCHAR' },
    { Name: 'replayed', Value: String(spec.replayed ?? false), Type: 'BOOLEAN' },
  ];
}

/** A complete multi-measure BEMS record (no CommonAttributes needed). */
export function bemsRecord(spec: BemsRecordSpec = {}): _Record {
  const occurredAt = spec.occurredAtMs ?? Date.now() - 60_000;
  return {
    Dimensions: bemsDimensions(spec),
    MeasureName: 'invoice_event',
    MeasureValueType: 'MULTI',
    MeasureValues: bemsMeasures({ ...spec, occurredAtMs: occurredAt }),
    Time: String(occurredAt),
    TimeUnit: 'MILLISECONDS',
    Version: spec.version ?? 1,
  };
}

/** The same record split the way a batching consumer sends it: shared attributes in CommonAttributes. */
export const BEMS_COMMON_ATTRIBUTES: _Record = {
  MeasureName: 'invoice_event',
  MeasureValueType: 'MULTI',
  TimeUnit: 'MILLISECONDS',
  Version: 1,
  Dimensions: [
    { Name: 'cell', Value: 'local' },
    { Name: 'region', Value: 'eu-west-1' },
  ],
};

export function bemsRecordForCommon(spec: BemsRecordSpec = {}): _Record {
  const full = bemsRecord(spec);
  return {
    Dimensions: full.Dimensions!.filter((d) => d.Name !== 'cell' && d.Name !== 'region'),
    MeasureValues: full.MeasureValues!,
    Time: full.Time!,
  };
}

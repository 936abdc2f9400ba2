import { READ_MODEL_COLUMNS as C, READ_MODEL_VIEW } from '../../schemas/analyticsRecord.ts';
import { primaryConsumerPredicate, stageOrderCase } from '../../schemas/readModelSql.ts';
import type { Stage } from '../../schemas/stages.ts';

/**
 * The invoice timeline, defined once: every counted event of one invoice (each stage's first
 * consumer, unless a consumer is named), in the order it happened — by time (occurredAt), then stage
 * position, then when BEMS received it, then eventId. The local API (`GET /invoices/{id}`) and the
 * dashboards' drill-down both read it and present it in their own shape.
 */

/** One analytics record of the read model, typed. */
export interface InvoiceEventRecord {
  readonly cell: string;
  /** The AWS account that received the event; null for an event recorded before ingest stamped it. */
  readonly accountId: string | null;
  readonly region: string;
  readonly stage: string;
  readonly consumer: string;
  readonly invoiceId: string;
  readonly eventId: string;
  readonly vendorId: string;
  readonly currency: string;
  readonly status: string | null;
  /** The exact decimal amount as sent by the client. */
  readonly amountText: string | null;
  /** The exact amount in minor units, as decimal text (a bigint on its way out of SQLite). */
  readonly amountMinor: string | null;
  /** The amount as a double: for charts only, never for money arithmetic. */
  readonly amount: number | null;
  readonly vendorName: string | null;
  readonly vendorCountry: string | null;
  readonly invoiceDate: string | null;
  /** Record time = the event's occurredAt. */
  readonly timeMs: number;
  readonly time: string;
  readonly receivedAtMs: number | null;
  readonly processedAtMs: number | null;
  readonly latencyMs: number | null;
  readonly dueAtMs: number | null;
  readonly sourceSystem: string | null;
  readonly replayed: boolean | null;
  readonly version: number;
  readonly writtenAtMs: number;
}

export interface TimelineScope {
  /** Another consumer's records instead of each stage's first consumer's. */
  readonly consumer?: string | undefined;
  readonly database?: string | undefined;
  readonly table?: string | undefined;
}

export interface SqlStatement {
  readonly sql: string;
  readonly params: (string | number)[];
}

/** Read-model columns of an {@link InvoiceEventRecord}, by property. */
const RECORD_COLUMNS = {
  cell: C.cell,
  accountId: C.account_id,
  region: C.region,
  stage: C.stage,
  consumer: C.consumer,
  invoiceId: C.invoice_id,
  eventId: C.event_id,
  vendorId: C.vendor_id,
  currency: C.currency,
  status: C.status,
  amountText: C.amount_text,
  // TEXT keeps the exact integer on its way into JavaScript.
  amountMinor: `CAST(${C.amount_minor} AS TEXT)`,
  amount: C.amount,
  vendorName: C.vendor_name,
  vendorCountry: C.vendor_country,
  invoiceDate: C.invoice_date,
  timeMs: C.time,
  receivedAtMs: C.received_at,
  processedAtMs: C.processed_at,
  latencyMs: C.latency_ms,
  dueAtMs: C.due_at,
  sourceSystem: C.source_system,
  replayed: C.replayed,
  version: 'version',
  writtenAtMs: 'written_at_ms',
} as const;

type RecordRow = { readonly [K in keyof typeof RECORD_COLUMNS]: unknown };

/** The timeline of one invoice as one statement over the read model. */
export function invoiceTimelineSql(
  invoiceId: string,
  primaryConsumers: Readonly<Record<Stage, string>>,
  scope: TimelineScope = {},
): SqlStatement {
  const conditions = [
    scope.consumer === undefined
      ? primaryConsumerPredicate(primaryConsumers, C.stage, C.consumer)
      : `${C.consumer} = ?`,
    `${C.invoice_id} = ?`,
  ];
  const params: (string | number)[] = scope.consumer === undefined ? [invoiceId] : [scope.consumer, invoiceId];
  // The unary `+` keeps SQLite from choosing an index that leads with database_name, table_name (the
  // store's UNIQUE identity key until its schema version 4) over the invoice index: such an index
  // would make every lookup scan the table's records.
  for (const [column, value] of [
    ['database_name', scope.database],
    ['table_name', scope.table],
  ] as const) {
    if (value === undefined) continue;
    conditions.push(`+${column} = ?`);
    params.push(value);
  }
  const columns = Object.entries(RECORD_COLUMNS).map(([property, column]) => `${column} AS "${property}"`);
  return {
    sql:
      `SELECT ${columns.join(', ')} FROM ${READ_MODEL_VIEW} WHERE ${conditions.join(' AND ')} ` +
      `ORDER BY ${C.time}, ${stageOrderCase(C.stage)}, ${C.received_at}, ${C.event_id}`,
    params,
  };
}

const textOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
const numberOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/** A row of {@link invoiceTimelineSql}, typed. */
export function toInvoiceEventRecord(row: Record<string, unknown>): InvoiceEventRecord {
  const r = row as RecordRow;
  const timeMs = Number(r.timeMs);
  return {
    cell: String(r.cell),
    accountId: textOrNull(r.accountId),
    region: String(r.region),
    stage: String(r.stage),
    consumer: String(r.consumer),
    invoiceId: String(r.invoiceId),
    eventId: String(r.eventId),
    vendorId: String(r.vendorId),
    currency: String(r.currency),
    status: textOrNull(r.status),
    amountText: textOrNull(r.amountText),
    amountMinor: textOrNull(r.amountMinor),
    amount: numberOrNull(r.amount),
    vendorName: textOrNull(r.vendorName),
    vendorCountry: textOrNull(r.vendorCountry),
    invoiceDate: textOrNull(r.invoiceDate),
    timeMs,
    time: new Date(timeMs).toISOString(),
    receivedAtMs: numberOrNull(r.receivedAtMs),
    processedAtMs: numberOrNull(r.processedAtMs),
    latencyMs: numberOrNull(r.latencyMs),
    dueAtMs: numberOrNull(r.dueAtMs),
    sourceSystem: textOrNull(r.sourceSystem),
    replayed: r.replayed === null || r.replayed === undefined ? null : r.replayed === 1,
    version: Number(r.version),
    writtenAtMs: Number(r.writtenAtMs),
  };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** What both presentations of a timeline event show the same way. */
export function timelineEventBase(record: InvoiceEventRecord) {
  return {
    eventId: record.eventId,
    stage: record.stage,
    occurredAt: record.time,
    receivedAt: iso(record.receivedAtMs),
    processedAt: iso(record.processedAtMs),
    latencyMs: record.latencyMs,
    currency: record.currency,
    vendorId: record.vendorId,
    replayed: record.replayed === true,
  };
}

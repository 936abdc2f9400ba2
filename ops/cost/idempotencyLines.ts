import { GB, type LineContext, millions } from './costLines.ts';
import type { IdempotencyStorePrices } from './idempotencyPrices.ts';

/**
 * What the idempotency store costs (the same for both analytics stores: it sits in front of the bus).
 *
 * Per new event the ingest function writes a claim (INPROGRESS, a PartiQL INSERT, gathered with the
 * rest of the request's into one BatchExecuteStatement, ADR 0022) and a put of the COMPLETED record
 * (gathered into one BatchWriteItem, ADR 0021): 2 write units (an item is ~350 bytes, under 1 KB) in
 * 2/B requests for requests of B events. On-demand DynamoDB bills write units, not requests — a
 * batch of 10 writes is 10 units — so batching cuts the calls (Lambda time) and not this line. A
 * repeat costs its failed INSERT (`DuplicateItem`) and the conditional PutItem it falls back to
 * (2 write units; the old item comes back with the PutItem, no read). A repeat that finds the record
 * in progress reads it (strongly consistent, 1 read unit per GetItem). Storage holds each event's
 * record for the window plus the time TTL takes to delete it (free, but "within a few days").
 */
export interface IdempotencyAssumptions {
  /** Write units per new event. @default 2 (the INSERT claim + the COMPLETED put) */
  readonly writesPerNewEvent: number;
  /** Write units per repeat. @default 2 (the INSERT that finds the key taken + the conditional PutItem) */
  readonly writesPerRepeat: number;
  /** Events per ingest request (the producer client batches 10): one call claims them, one settles them. @default 10 */
  readonly eventsPerRequest: number;
  /** Requests that repeat an event already accepted, per event accepted. @default 0.01 */
  readonly repeatShare: number;
  /** Bytes of one record: key, hashes, status, timestamps and the stored outcome. @default 350 */
  readonly itemBytes: number;
  /** The cell's `api.idempotencyWindowHours`. @default 24 */
  readonly windowHours: number;
  /** How long after expiry TTL deletes a record (AWS: typically within days). @default 48 */
  readonly ttlDeletionLagHours: number;
}

export const DEFAULT_IDEMPOTENCY_ASSUMPTIONS: IdempotencyAssumptions = {
  writesPerNewEvent: 2,
  writesPerRepeat: 2,
  eventsPerRequest: 10,
  repeatShare: 0.01,
  itemBytes: 350,
  windowHours: 24,
  ttlDeletionLagHours: 48,
};

/** DynamoDB calls per new event: one BatchExecuteStatement per request to claim, one BatchWriteItem to settle. */
export function idempotencyRequestsPerEvent(a: Pick<IdempotencyAssumptions, 'eventsPerRequest'>): number {
  return 2 / Math.max(1, a.eventsPerRequest);
}

/** DynamoDB adds 100 bytes of indexing overhead to each item's billed storage. */
const ITEM_OVERHEAD_BYTES = 100;

export function addIdempotencyLines(
  ctx: LineContext,
  prices: IdempotencyStorePrices,
  a: IdempotencyAssumptions = DEFAULT_IDEMPOTENCY_ASSUMPTIONS,
): void {
  const writes = ctx.events * (a.writesPerNewEvent + a.writesPerRepeat * a.repeatShare);
  ctx.add(
    'dynamoDb',
    `idempotency writes (${a.writesPerNewEvent} per event in ${idempotencyRequestsPerEvent(a)} requests + repeats)`,
    prices.dynamoDbWriteRequestsPerMillion,
    millions(writes),
  );
  // Only repeats that race an in-progress claim read; a small share of the repeats.
  ctx.add(
    'dynamoDb',
    'idempotency reads (repeats in progress)',
    prices.dynamoDbReadRequestsPerMillion,
    millions(ctx.events * a.repeatShare * 0.1),
  );
  const heldItems = ctx.eventsPerDay * ((a.windowHours + a.ttlDeletionLagHours) / 24);
  ctx.add(
    'dynamoDb',
    `idempotency storage (${a.windowHours} h window + ${a.ttlDeletionLagHours} h TTL lag)`,
    prices.dynamoDbStoragePerGbMonth,
    (heldItems * (a.itemBytes + ITEM_OVERHEAD_BYTES)) / GB,
  );
}

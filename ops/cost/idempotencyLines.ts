import { GB, type LineContext, millions } from './costLines.ts';
import type { IdempotencyStorePrices } from './idempotencyPrices.ts';

/**
 * What the idempotency store costs (the same for both analytics stores: it sits in front of the bus).
 *
 * Powertools' utility makes per new event a conditional PutItem (INPROGRESS) and an UpdateItem
 * (COMPLETED): 2 write units (an item is ~350 bytes, under 1 KB). A repeat costs its failed
 * conditional PutItem (1 write unit; the old item comes back with it, no read). A repeat that finds
 * the record in progress reads it (strongly consistent, 1 read unit per GetItem). Storage holds each
 * event's record for the window plus the time TTL takes to delete it (free, but "within a few days").
 */
export interface IdempotencyAssumptions {
  /** @default 2 (PutItem + UpdateItem) */
  readonly writesPerNewEvent: number;
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
  repeatShare: 0.01,
  itemBytes: 350,
  windowHours: 24,
  ttlDeletionLagHours: 48,
};

/** DynamoDB adds 100 bytes of indexing overhead to each item's billed storage. */
const ITEM_OVERHEAD_BYTES = 100;

export function addIdempotencyLines(
  ctx: LineContext,
  prices: IdempotencyStorePrices,
  a: IdempotencyAssumptions = DEFAULT_IDEMPOTENCY_ASSUMPTIONS,
): void {
  const writes = ctx.events * (a.writesPerNewEvent + a.repeatShare);
  ctx.add(
    'dynamoDb',
    `idempotency writes (${a.writesPerNewEvent} per event + repeats)`,
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

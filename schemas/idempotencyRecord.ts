/**
 * The idempotency table's contract: the attributes Powertools' idempotency utility writes, which
 * the ingest handler configures (`handlers/ingest/EventIdempotency.ts`), the CDK table
 * (`cells/constructs/IdempotencyTable.ts`) and the local cell's DynamoDB emulator are built with.
 *
 * @example { "id": "bems-ingest#3q2+7w…", "expiration": 1796380800, "status": "COMPLETED",
 *            "validation": "Yk1…", "data": { "eventId": "7d1f…", "receivedAt": "2026-12-07T09:30:00.000Z" } }
 */
export const IDEMPOTENCY_RECORD = {
  /** Partition key (string): the key prefix and a hash of the eventId. */
  partitionKey: 'id',
  /** Epoch seconds at which the record lapses: the table's TTL attribute. */
  ttlAttribute: 'expiration',
} as const;

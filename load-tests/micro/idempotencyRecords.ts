import { createHash, randomUUID } from 'node:crypto';
import { type AttributeValue, BatchWriteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RECORD_ATTRIBUTES } from '../../handlers/ingest/batchedPersistenceLayer.ts';
import { IDEMPOTENCY_KEY_PREFIX } from '../../handlers/ingest/EventIdempotency.ts';

/**
 * Idempotency records shaped as the ingest handler leaves them (a COMPLETED record per published
 * event, keyed by the SHA-256 of its eventId as Powertools computes it, base64), for filling a table
 * before a measurement: the bench's cell holds ~140,000 of them by its burst phase, a fresh cell none.
 */

/** Powertools' record key of an eventId: the prefix and the base64 SHA-256 of the eventId's JSON. */
export function recordKeyOf(eventId: string): string {
  return `${IDEMPOTENCY_KEY_PREFIX}#${createHash('sha256').update(JSON.stringify(eventId)).digest('base64')}`;
}

/** A COMPLETED record of a new random eventId, as the batched settlement writes it. */
export function completedRecord(nowMs = Date.now()): Record<string, AttributeValue> {
  const eventId = randomUUID();
  return {
    [RECORD_ATTRIBUTES.keyAttr]: { S: recordKeyOf(eventId) },
    [RECORD_ATTRIBUTES.expiryAttr]: { N: String(Math.round(nowMs / 1000) + 86_400) },
    [RECORD_ATTRIBUTES.statusAttr]: { S: 'COMPLETED' },
    [RECORD_ATTRIBUTES.validationKeyAttr]: { S: createHash('sha256').update(eventId).digest('base64') },
    [RECORD_ATTRIBUTES.dataAttr]: {
      M: { eventId: { S: eventId }, receivedAt: { S: new Date(nowMs).toISOString() } },
    },
  };
}

/** Writes `count` COMPLETED records into `table`, 25 per BatchWriteItem, 8 calls in flight. */
export async function prefillIdempotencyRecords(client: DynamoDBClient, table: string, count: number): Promise<void> {
  let left = count;
  const worker = async () => {
    while (left > 0) {
      const n = Math.min(25, left);
      left -= n;
      const writes = Array.from({ length: n }, () => ({ PutRequest: { Item: completedRecord() } }));
      const output = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: writes } }));
      const unprocessed = output.UnprocessedItems?.[table]?.length ?? 0;
      if (unprocessed > 0) throw new Error(`prefill: ${unprocessed} records left unprocessed`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

import { BatchWriteItemCommand, DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { EventIdempotency } from '../../../handlers/ingest/EventIdempotency.ts';
import { buildInvoiceEvent } from '../../helpers/invoiceEvents.ts';

/**
 * The batched settlement's handling of what the emulator never does: `UnprocessedItems` (DynamoDB's
 * answer under throttling) and more writes in one turn than one call may carry. The DynamoDB answers
 * here are AWS's documented shapes; the protocol against a real store is in ingestIdempotency.test.ts.
 */
const TABLE = 'bems-test-idempotency';

function setup() {
  const client = new DynamoDBClient({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  const dynamo = mockClient(client);
  const idempotency = new EventIdempotency({ tableName: TABLE, client, windowHours: 24 });
  const sent = () => dynamo.commandCalls(BatchWriteItemCommand).map((c) => c.args[0].input.RequestItems?.[TABLE] ?? []);
  return { dynamo, idempotency, sent };
}
const event = () => buildInvoiceEvent('ingestion');
const outcome = (e: { eventId: string }) => ({ eventId: e.eventId, receivedAt: '2026-12-07T00:00:00.000Z' });

describe('batched settlement of idempotency claims', () => {
  it('sends again what DynamoDB hands back as UnprocessedItems, and only that', async () => {
    // Prepare
    const { dynamo, idempotency, sent } = setup();
    const [a, b] = [event(), event()];
    let calls = 0;
    dynamo.on(BatchWriteItemCommand).callsFake((input: { RequestItems: Record<string, WriteRequest[]> }) => {
      const requests = input.RequestItems[TABLE]!;
      return calls++ === 0 ? { UnprocessedItems: { [TABLE]: [requests[1]!] } } : { UnprocessedItems: {} };
    });

    // Act
    await Promise.all([idempotency.complete(a, outcome(a)), idempotency.release(b)]);

    // Assess
    const batches = sent();
    expect(batches.map((r) => r.length)).toEqual([2, 1]);
    expect(batches[0]![0]!.PutRequest?.Item?.status).toEqual({ S: 'COMPLETED' });
    expect(batches[0]![0]!.PutRequest?.Item?.data?.M?.eventId).toEqual({ S: a.eventId });
    expect(batches[0]![0]!.PutRequest?.Item?.validation?.S).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(batches[1]![0]!.DeleteRequest).toBeDefined();
  });

  it('rejects the writes still unprocessed after its retries, so the caller logs them', async () => {
    const { dynamo, idempotency, sent } = setup();
    dynamo.on(BatchWriteItemCommand).callsFake((input: { RequestItems: Record<string, WriteRequest[]> }) => ({
      UnprocessedItems: input.RequestItems,
    }));
    const e = event();
    await expect(idempotency.complete(e, outcome(e))).rejects.toThrow(/unprocessed after retries/);
    expect(sent()).toHaveLength(4);
  });

  it('splits a turn of more than 25 writes into calls of at most 25, and names a key once per call', async () => {
    const { dynamo, idempotency, sent } = setup();
    dynamo.on(BatchWriteItemCommand).resolves({ UnprocessedItems: {} });
    const events = Array.from({ length: 30 }, event);
    const twice = events[0]!;
    await Promise.all([...events.map((e) => idempotency.complete(e, outcome(e))), idempotency.release(twice)]);
    const batches = sent();
    expect(batches.map((r) => r.length)).toEqual([25, 6]);
    for (const batch of batches) {
      const keys = batch.map((r) => (r.PutRequest?.Item ?? r.DeleteRequest?.Key)?.id?.S);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  it('rejects every write of a call that failed', async () => {
    const { dynamo, idempotency } = setup();
    dynamo.on(BatchWriteItemCommand).rejects(new Error('ProvisionedThroughputExceeded'));
    const e = event();
    await expect(idempotency.release(e)).rejects.toThrow('ProvisionedThroughputExceeded');
  });
});

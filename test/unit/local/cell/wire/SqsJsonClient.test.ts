import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqsJsonClient, SqsJsonError } from '../../../../../local/cell/wire/SqsJsonClient.ts';

/**
 * The local cell's own SQS client (pollers, EventBridge deliveries) against fauxqs: what it sends
 * must arrive exactly as the SDK would send it, and errors must surface with the SDK's names.
 */
const REGION = 'eu-west-1';
let fauxqs: FauxqsServer;
let client: SqsJsonClient;

beforeAll(async () => {
  fauxqs = await startFauxqs({ port: 0, logger: false, defaultRegion: REGION });
  client = new SqsJsonClient({ endpoint: `http://127.0.0.1:${fauxqs.port}`, region: REGION });
});

afterAll(async () => {
  client?.destroy();
  await fauxqs?.stop();
});

describe('SqsJsonClient', () => {
  it('sends a batch, receives it with system and message attributes (binary as bytes) and deletes it', async () => {
    // Prepare
    const { queueUrl } = fauxqs.createQueue('wire-standard');
    const bytes = Uint8Array.from([0, 1, 2, 250, 255]);

    // Act
    const sent = await client.sendMessageBatch({
      QueueUrl: queueUrl,
      Entries: [
        {
          Id: 'a',
          MessageBody: 'first é',
          MessageAttributes: {
            stage: { DataType: 'String', StringValue: 'posting' },
            blob: { DataType: 'Binary', BinaryValue: bytes },
          },
        },
        { Id: 'b', MessageBody: 'second' },
      ],
    });
    const received = await client.receiveMessage({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    });
    const deleted = await client.deleteMessageBatch({
      QueueUrl: queueUrl,
      Entries: (received.Messages ?? []).map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
    });

    // Assess
    expect(sent.Successful?.map((s) => s.Id).sort()).toEqual(['a', 'b']);
    expect(sent.Failed ?? []).toEqual([]);
    const messages = received.Messages ?? [];
    expect(messages.map((m) => m.Body).sort()).toEqual(['first é', 'second']);
    const first = messages.find((m) => m.Body === 'first é')!;
    expect(first.Attributes?.ApproximateReceiveCount).toBe('1');
    expect(first.MessageAttributes?.stage).toMatchObject({ DataType: 'String', StringValue: 'posting' });
    expect(first.MessageAttributes?.blob?.BinaryValue).toEqual(Buffer.from(bytes));
    expect(deleted.Successful).toHaveLength(2);
    expect(fauxqs.inspectQueue('wire-standard')!.messages).toMatchObject({ ready: [], inflight: [] });
  });

  it('keeps FIFO group and deduplication fields', async () => {
    const { queueUrl } = fauxqs.createQueue('wire.fifo', { attributes: { FifoQueue: 'true' } });

    await client.sendMessageBatch({
      QueueUrl: queueUrl,
      Entries: [
        { Id: '1', MessageBody: 'x', MessageGroupId: 'INV-1', MessageDeduplicationId: 'e-1' },
        { Id: '2', MessageBody: 'x again', MessageGroupId: 'INV-1', MessageDeduplicationId: 'e-1' },
      ],
    });
    const received = await client.receiveMessage({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      MessageSystemAttributeNames: ['All'],
    });

    expect(received.Messages?.map((m) => [m.Body, m.Attributes?.MessageGroupId])).toEqual([['x', 'INV-1']]);
  });

  it('rejects with the SQS error name and fault of an error answer', async () => {
    const missing = `http://127.0.0.1:${fauxqs.port}/000000000000/no-such-queue`;

    const error = await client.receiveMessage({ QueueUrl: missing }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SqsJsonError);
    expect(error).toMatchObject({ name: 'QueueDoesNotExist', $fault: 'client' });
    expect((error as SqsJsonError).$metadata.httpStatusCode).toBeGreaterThanOrEqual(400);
  });

  it('gives up on a server that does not answer, after the wait plus its timeout', async () => {
    // Prepare: a server that accepts the request and never answers.
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const impatient = new SqsJsonClient({ endpoint: `http://127.0.0.1:${port}`, region: REGION, timeoutMs: 200 });

    try {
      // Act
      const started = Date.now();
      const error = await impatient.deleteMessageBatch({ QueueUrl: 'q', Entries: [] }).catch((e: unknown) => e);

      // Assess
      expect(error).toMatchObject({
        name: 'TimeoutError',
        message: expect.stringMatching(/no response within 200 ms/),
      });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      impatient.destroy();
      silent.closeAllConnections();
      silent.close();
    }
  });
});

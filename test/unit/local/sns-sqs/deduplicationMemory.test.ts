import { randomUUID } from 'node:crypto';
import { getHeapSnapshot } from 'node:v8';
import { CreateTopicCommand, PublishBatchCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestCounter } from '../../../../local/cell/metering/index.ts';
import { type RunningSnsSqs, startSnsSqs } from '../../../../local/sns-sqs/index.ts';
import { ownCopy } from '../../../../local/sns-sqs/ownDeduplicationIds.ts';
import { ACCOUNT, queueUrl, REGION, tempDataDir } from './support.ts';

const QUEUES = ['memory-recorder.fifo', 'memory-audit.fifo'] as const;
const BATCHES = 5;

/**
 * How many strings longer than `prefix` that start with it live in this thread's heap (a heap
 * snapshot runs a full garbage collection first, so only what something still references is
 * there). The snapshot's JSON lists its strings as `"…","…"`: `","` before the prefix and no `"`
 * right after it match such a string, and neither `prefix` itself nor a text that contains it.
 */
async function liveStringsExtending(prefix: string): Promise<number> {
  const needle = new RegExp(`","${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^"]`, 'g');
  const overlap = prefix.length + 3;
  let count = 0;
  let tail = '';
  for await (const chunk of getHeapSnapshot()) {
    const text = tail + String(chunk);
    // A match that lies wholly in the carried-over tail was counted with the previous chunk.
    for (const match of text.matchAll(needle)) if (match.index + match[0].length > tail.length) count++;
    tail = text.slice(-overlap);
  }
  return count;
}

describe('SNS/SQS FIFO deduplication memory', () => {
  const data = tempDataDir();
  let snsSqs: RunningSnsSqs;
  let topicArn: string;

  beforeAll(async () => {
    snsSqs = await startSnsSqs({ dataDir: data.dir, region: REGION, counter: new RequestCounter() });
    for (const name of QUEUES) {
      await snsSqs.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { FifoQueue: 'true' } }));
    }
    const topic = await snsSqs.sns.send(
      new CreateTopicCommand({ Name: 'memory.fifo', Attributes: { FifoTopic: 'true' } }),
    );
    topicArn = topic.TopicArn!;
    for (const name of QUEUES) {
      await snsSqs.sns.send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: 'sqs',
          Endpoint: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`,
          Attributes: { RawMessageDelivery: 'true' },
        }),
      );
    }
  });

  afterAll(async () => {
    await snsSqs?.stop();
    data.remove();
  });

  it('keeps the deduplication IDs of published batches, not the request bodies they came in', async () => {
    // Prepare: batches of a few KB each (one chunk each, as the cell's are) with a marker in each
    // message and deduplication IDs long enough for V8 to slice them out of the body.
    const marker = `body-marker-${randomUUID()}`;
    const padding = 'x'.repeat(256);
    const dedupIds: string[] = [];

    // Act: publish, then drain both queues, so that only the deduplication caches remember them.
    for (let b = 0; b < BATCHES; b++) {
      const entries = Array.from({ length: 10 }, (_, i) => {
        const dedupId = `dedup-${randomUUID()}`;
        dedupIds.push(dedupId);
        return {
          Id: `e${i}`,
          Message: `${marker} ${padding}`,
          MessageGroupId: `group-${b}-${i}`,
          MessageDeduplicationId: dedupId,
        };
      });
      const published = await snsSqs.sns.send(
        new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: entries }),
      );
      expect(published.Failed ?? []).toEqual([]);
    }
    for (const name of QUEUES) await drain(queueUrl(snsSqs, name));

    // Assess: the IDs are still remembered (a republish is a duplicate) …
    for (const name of QUEUES) {
      const queue = snsSqs.fauxqs.inspectQueue(name);
      expect(queue?.messages.ready.length).toBe(0);
    }
    const again = await snsSqs.sns.send(
      new PublishBatchCommand({
        TopicArn: topicArn,
        PublishBatchRequestEntries: [
          { Id: 'again', Message: 'again', MessageGroupId: 'g', MessageDeduplicationId: dedupIds[0]! },
        ],
      }),
    );
    expect(again.Successful).toHaveLength(1);
    const receivedAgain = await snsSqs.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl(snsSqs, QUEUES[0]), WaitTimeSeconds: 0 }),
    );
    expect(receivedAgain.Messages ?? []).toEqual([]);
    // … and no request body of a batch is.
    expect(await liveStringsExtending('Action=PublishBatch&')).toBe(0);
  });

  async function drain(url: string): Promise<void> {
    for (;;) {
      const { Messages = [] } = await snsSqs.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (Messages.length === 0) return;
      await snsSqs.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: url,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
  }
});

describe('ownCopy', () => {
  it('returns the same text', () => {
    const body = `Action=PublishBatch&MessageDeduplicationId=${randomUUID()}&rest`;
    const sliced = body.slice(43, 79);
    expect(ownCopy(sliced)).toBe(sliced);
    expect(ownCopy('')).toBe('');
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTopicCommand, PublishBatchCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { FauxqsServer } from 'fauxqs';
import type { RunningSnsSqs } from '../../../../local/sns-sqs/index.ts';

export const REGION = 'eu-west-1';
export const ACCOUNT = '000000000000';
export const STANDARD = 'orders';
export const FIFO_QUEUES = ['orders-recorder.fifo', 'orders-audit.fifo'] as const;

export function tempDataDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'bems-snssqs-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export const queueUrl = (snsSqs: RunningSnsSqs, name: string) => `${snsSqs.endpoint}/${ACCOUNT}/${name}`;

/** A standard queue with 10 messages and a FIFO topic fanning a batch of 10 out to two FIFO queues. */
export async function populate(snsSqs: RunningSnsSqs): Promise<void> {
  await snsSqs.sqs.send(new CreateQueueCommand({ QueueName: STANDARD }));
  for (const name of FIFO_QUEUES)
    await snsSqs.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { FifoQueue: 'true' } }));
  const { TopicArn } = await snsSqs.sns.send(
    new CreateTopicCommand({ Name: 'orders.fifo', Attributes: { FifoTopic: 'true' } }),
  );
  for (const name of FIFO_QUEUES) {
    await snsSqs.sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
  }
  await snsSqs.sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: queueUrl(snsSqs, STANDARD),
      Entries: Array.from({ length: 10 }, (_, i) => ({
        Id: `s${i}`,
        MessageBody: `standard ${i} 🧾`,
        MessageAttributes: { n: { DataType: 'Number', StringValue: String(i) } },
      })),
    }),
  );
  await snsSqs.sns.send(
    new PublishBatchCommand({
      TopicArn,
      PublishBatchRequestEntries: Array.from({ length: 10 }, (_, i) => ({
        Id: `p${i}`,
        Message: `fifo ${i}`,
        MessageGroupId: `group-${i % 3}`,
        MessageDeduplicationId: `dedup-${i}`,
        MessageAttributes: { stage: { DataType: 'String', StringValue: 'ingestion' } },
      })),
    }),
  );
}

/** Everything a restart must restore, per queue: each message with its state, in queue order. */
export function snapshot(fauxqs: FauxqsServer) {
  return Object.fromEntries(
    [STANDARD, ...FIFO_QUEUES].map((name) => {
      const inspected = fauxqs.inspectQueue(name);
      if (!inspected) throw new Error(`queue ${name} missing`);
      const { ready, delayed, inflight } = inspected.messages;
      return [
        name,
        {
          ready: ready.map((m) => ({ ...m })),
          delayed: delayed.map((m) => ({ ...m })),
          inflight: inflight
            .map((entry) => ({ ...entry, message: { ...entry.message } }))
            .sort((a, b) => a.message.messageId.localeCompare(b.message.messageId)),
        },
      ];
    }),
  );
}

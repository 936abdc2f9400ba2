import {
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  SetSubscriptionAttributesCommand,
  type SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { CellTopology, ConsumerSpec, QueueSpec } from '../../cells/topology.ts';
import type { Stage } from '../../schemas/stages.ts';

export interface QueueAddress {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
}

/** One queue the cell polls, with its DLQ and where it sits in the topology. */
export interface ProvisionedQueue extends QueueAddress {
  readonly spec: QueueSpec;
  readonly stage: Stage;
  /** `inbox` (bus → forward) or `consumer` (topic → consume). */
  readonly role: 'inbox' | 'consumer';
  /** Consumer name when `role` is `consumer`. */
  readonly consumer?: string;
  readonly dlq: QueueAddress;
}

export interface ProvisionedTopology {
  readonly queues: readonly ProvisionedQueue[];
  readonly topicArns: Readonly<Record<Stage, string>>;
  readonly inboxUrls: Readonly<Record<Stage, string>>;
}

interface Clients {
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  /** The endpoint clients use; queue URLs are built on it so they stay valid across restarts. */
  readonly endpoint: string;
  readonly account: string;
}

const DAY_SECONDS = 86_400;

/**
 * Creates (or reconciles) every queue, DLQ, topic and subscription of a cell, with the real SNS/SQS
 * APIs. Idempotent: a restart on the same data directory finds everything in place, and a changed
 * cell definition (visibility timeout, maxReceiveCount, filter policy) is applied to what exists.
 */
export async function provisionTopology(topology: CellTopology, clients: Clients): Promise<ProvisionedTopology> {
  const queues: ProvisionedQueue[] = [];
  const topicArns = {} as Record<Stage, string>;
  const inboxUrls = {} as Record<Stage, string>;
  for (const stage of topology.stages) {
    const inbox = await ensureQueueWithDlq(stage.inbox, clients);
    queues.push({ ...inbox, spec: stage.inbox, stage: stage.stage, role: 'inbox' });
    inboxUrls[stage.stage] = inbox.url;
    const topic = await clients.sns.send(
      new CreateTopicCommand({
        Name: stage.topicName,
        Attributes: { FifoTopic: 'true', ContentBasedDeduplication: 'false' },
      }),
    );
    const topicArn = required(topic.TopicArn, `TopicArn of ${stage.topicName}`);
    topicArns[stage.stage] = topicArn;
    for (const consumer of stage.consumers) {
      const queue = await ensureQueueWithDlq(consumer.queue, clients);
      await ensureSubscription(topicArn, queue.arn, consumer, clients.sns);
      queues.push({
        ...queue,
        spec: consumer.queue,
        stage: stage.stage,
        role: 'consumer',
        consumer: consumer.consumer,
      });
    }
  }
  return { queues, topicArns, inboxUrls };
}

async function ensureQueueWithDlq(spec: QueueSpec, clients: Clients): Promise<QueueAddress & { dlq: QueueAddress }> {
  const dlq = await ensureQueue(spec.dlqName, spec.fifo, clients, {
    MessageRetentionPeriod: String(spec.settings.dlqRetentionDays * DAY_SECONDS),
  });
  const queue = await ensureQueue(spec.name, spec.fifo, clients, {
    VisibilityTimeout: String(spec.settings.visibilityTimeoutSeconds),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: spec.settings.maxReceiveCount }),
  });
  return { ...queue, dlq };
}

/**
 * CreateQueue with only the identity attributes, then SetQueueAttributes: CreateQueue refuses an
 * existing queue whose attributes differ, and a changed definition must win over the stored one.
 */
async function ensureQueue(
  name: string,
  fifo: boolean,
  clients: Clients,
  attributes: Record<string, string>,
): Promise<QueueAddress> {
  await clients.sqs.send(
    new CreateQueueCommand({ QueueName: name, ...(fifo ? { Attributes: { FifoQueue: 'true' } } : {}) }),
  );
  const url = `${clients.endpoint}/${clients.account}/${name}`;
  await clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
  const { Attributes } = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  return { name, url, arn: required(Attributes?.QueueArn, `QueueArn of ${name}`) };
}

/** Raw delivery (the consumer reads the event JSON as the SQS body) and the consumer's filter policy. */
async function ensureSubscription(topicArn: string, queueArn: string, consumer: ConsumerSpec, sns: SNSClient) {
  const desired: Record<string, string> = {
    RawMessageDelivery: 'true',
    // "{}" matches everything: how a filter policy is removed from an existing subscription.
    FilterPolicy: consumer.filterPolicy ? JSON.stringify(consumer.filterPolicy) : '{}',
  };
  const existing = await findSubscription(topicArn, queueArn, sns);
  if (!existing) {
    const attributes = consumer.filterPolicy ? desired : { RawMessageDelivery: 'true' };
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: queueArn,
        Attributes: attributes,
        ReturnSubscriptionArn: true,
      }),
    );
    return;
  }
  const { Attributes: current = {} } = await sns.send(
    new GetSubscriptionAttributesCommand({ SubscriptionArn: existing }),
  );
  for (const [name, value] of Object.entries(desired)) {
    const currentValue = current[name] ?? (name === 'FilterPolicy' ? '{}' : undefined);
    if (currentValue !== value) {
      await sns.send(
        new SetSubscriptionAttributesCommand({ SubscriptionArn: existing, AttributeName: name, AttributeValue: value }),
      );
    }
  }
}

async function findSubscription(topicArn: string, queueArn: string, sns: SNSClient): Promise<string | undefined> {
  let NextToken: string | undefined;
  do {
    const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken }));
    const match = page.Subscriptions?.find((s) => s.Protocol === 'sqs' && s.Endpoint === queueArn);
    if (match?.SubscriptionArn) return match.SubscriptionArn;
    NextToken = page.NextToken;
  } while (NextToken);
  return undefined;
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`fauxqs returned no ${what}`);
  return value;
}

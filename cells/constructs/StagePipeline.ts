import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { ConsumerSpec, StageSpec } from '../topology.ts';
import type { CellOutputs } from './CellOutputs.ts';
import { QueueWithDlq } from './QueueWithDlq.ts';

export interface StagePipelineProps {
  /** The stage as `cellTopology()` describes it: names, rule pattern, consumers and queue settings. */
  readonly spec: StageSpec;
  readonly bus: events.IEventBus;
  readonly encryptionKey: kms.IKey;
}

/** One consumer of a stage: its FIFO queue (with FIFO DLQ) and its subscription to the stage topic. */
export interface StageConsumer {
  readonly spec: ConsumerSpec;
  readonly queue: QueueWithDlq;
  readonly subscription: sns.Subscription;
}

/**
 * The messaging of one stage (DESIGN §2): bus rule → SQS standard inbox (+DLQ) → [forward λ] →
 * SNS FIFO topic → one SQS FIFO queue per consumer (+FIFO DLQ) → [consume λ].
 *
 * The functions are wired by the stack; this construct owns the queues, rule, topic and
 * subscriptions and exposes them for event sources, alarms and outputs.
 */
export class StagePipeline extends Construct {
  public readonly spec: StageSpec;
  public readonly rule: events.Rule;
  public readonly inbox: QueueWithDlq;
  public readonly topic: sns.Topic;
  public readonly consumers: readonly StageConsumer[];

  constructor(scope: Construct, id: string, props: StagePipelineProps) {
    super(scope, id);
    const { spec, encryptionKey } = props;
    this.spec = spec;

    this.inbox = new QueueWithDlq(this, 'Inbox', { spec: spec.inbox, encryptionKey });
    this.rule = new events.Rule(this, 'Rule', {
      ruleName: spec.ruleName,
      description: `BEMS ${spec.stage} events to the ${spec.stage} inbox`,
      eventBus: props.bus,
      eventPattern: { source: [...spec.eventPattern.source], detailType: [...spec.eventPattern['detail-type']] },
      targets: [
        new targets.SqsQueue(this.inbox.queue, {
          // An event EventBridge cannot deliver after a day of retries lands in the inbox DLQ: the
          // same place, in the same shape (the bus event), as one the forwarder gave up on, so
          // one redrive recovers both.
          deadLetterQueue: this.inbox.deadLetterQueue,
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });

    this.topic = new sns.Topic(this, 'Topic', {
      topicName: spec.topicName,
      displayName: `BEMS ${spec.stage}`,
      fifo: true,
      // Deduplication is by eventId (MessageDeduplicationId set by the forwarder), never by body.
      contentBasedDeduplication: false,
      // One message group per invoice: throughput scales with groups instead of the per-topic FIFO limit.
      fifoThroughputScope: sns.FifoThroughputScope.MESSAGE_GROUP,
      masterKey: encryptionKey,
      enforceSSL: true,
    });

    this.consumers = spec.consumers.map((consumerSpec) => {
      const queue = new QueueWithDlq(this, `Consumer-${consumerSpec.consumer}`, {
        spec: consumerSpec.queue,
        encryptionKey,
      });
      // Not SqsSubscription: it would add a key-policy statement that references this topic, and
      // the topic is encrypted with the same key (a circular dependency). CellKey lets SNS use the
      // key for the cell's topics by ARN pattern; the queue policy names this topic exactly.
      const queuePolicy = queue.queue.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal('sns.amazonaws.com')],
          actions: ['sqs:SendMessage'],
          resources: [queue.queue.queueArn],
          conditions: { ArnEquals: { 'aws:SourceArn': this.topic.topicArn } },
        }),
      );
      const subscription = new sns.Subscription(this, `Subscription-${consumerSpec.consumer}`, {
        topic: this.topic,
        protocol: sns.SubscriptionProtocol.SQS,
        endpoint: queue.queue.queueArn,
        rawMessageDelivery: true,
        // SNS gives up on an undeliverable message after its retries; keep it next to the
        // consumer's failed messages instead of losing it.
        deadLetterQueue: queue.deadLetterQueue,
      });
      if (queuePolicy.policyDependable) subscription.node.addDependency(queuePolicy.policyDependable);
      if (consumerSpec.filterPolicy) {
        // The definition holds the policy as SNS JSON already (cells/definition.ts), so it goes to
        // CloudFormation as written rather than through the CDK's builder types.
        const cfn = subscription.node.defaultChild as sns.CfnSubscription;
        cfn.filterPolicy = consumerSpec.filterPolicy;
        cfn.filterPolicyScope = 'MessageAttributes';
      }
      return { spec: consumerSpec, queue, subscription };
    });
  }

  /** The stage's topic, inbox and consumer queues with their DLQs, under `stages/<stage>/` (`CellOutputs`). */
  addOutputs(out: CellOutputs): void {
    const { stage } = this.spec;
    const path = `stages/${stage}`;
    out.add(`${path}/topic-arn`, this.topic.topicArn, `SNS FIFO topic of ${stage}`);
    out.add(`${path}/inbox-url`, this.inbox.queue.queueUrl, `Inbox queue of ${stage}`);
    out.add(`${path}/inbox-dlq-url`, this.inbox.deadLetterQueue.queueUrl, `Inbox DLQ of ${stage}`);
    for (const { spec, queue } of this.consumers) {
      const consumerPath = `${path}/consumers/${spec.consumer}`;
      out.add(`${consumerPath}/queue-url`, queue.queue.queueUrl, `FIFO queue of ${spec.consumer} in ${stage}`);
      out.add(`${consumerPath}/dlq-url`, queue.deadLetterQueue.queueUrl, `FIFO DLQ of ${spec.consumer} in ${stage}`);
    }
  }
}

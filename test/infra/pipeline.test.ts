import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCells } from '../../cells/cells.config.ts';
import type { CellDefinition } from '../../cells/definition.ts';
import { allQueues, cellTopology } from '../../cells/topology.ts';
import { STAGES } from '../../schemas/stages.ts';
import {
  analyticsEnvironmentOf,
  isTimestreamCell,
  type SynthesizedCells,
  synthCells,
  variantCell,
} from './support/synthCells.ts';
import { byName, joinedJson, logicalIdOf, nameOf, resourcesOf, statementsOfRole } from './support/templateQueries.ts';

/**
 * The messaging of an AWS cell (DESIGN §2): bus + archive, a rule per stage into an SQS standard
 * inbox with DLQ, the forwarder, an SNS FIFO topic per stage, a FIFO queue + FIFO DLQ per consumer,
 * the consumers, and the Timestream store (of a `timestream` cell; test/infra/lakehouse.test.ts has
 * the store of a `lakehouse` cell).
 */
let synth: SynthesizedCells;
const cells: CellDefinition[] = [...awsCells(), variantCell()];
const template = (cellId: string): Template => synth.templates.get(cellId)!;

beforeAll(() => {
  synth = synthCells(cells);
});
afterAll(() => synth?.cleanUp());

describe.each(cells.map((cell) => [cell.id, cell] as const))('cell %s messaging', (cellId, cell) => {
  const topology = cellTopology(cell);
  const consumerCount = topology.stages.reduce((n, s) => n + s.consumers.length, 0);

  it('has one custom bus, encrypted with the cell key, and an archive of every BEMS event', () => {
    const t = template(cellId);
    t.resourceCountIs('AWS::Events::EventBus', 1);
    t.hasResourceProperties('AWS::Events::EventBus', {
      Name: topology.busName,
      KmsKeyIdentifier: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
    });
    t.hasResource('AWS::Events::Archive', {
      Properties: {
        // Unique per stack (the stack id's UUID group): a kept archive never blocks the next create.
        ArchiveName: { 'Fn::Join': ['-', [topology.archiveName, Match.anyValue()]] },
        EventPattern: { source: ['bems.invoices'] },
        RetentionDays: cell.archiveRetentionDays,
        KmsKeyIdentifier: Match.anyValue(),
      },
      DeletionPolicy: 'RetainExceptOnCreate',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('keeps archived events indefinitely unless the definition says otherwise', () => {
    const [, archive] = [...resourcesOf(template(cellId), 'AWS::Events::Archive')][0]!;
    expect(archive.Properties.RetentionDays).toBe(cellId === 'test-b' ? 30 : 0);
  });

  it('routes each stage with its own rule into that stage inbox, with the inbox DLQ for failed deliveries', () => {
    const t = template(cellId);
    t.resourceCountIs('AWS::Events::Rule', STAGES.length);
    for (const stage of topology.stages) {
      const [, rule] = byName(t, 'AWS::Events::Rule', 'Name', stage.ruleName);
      expect(rule.Properties.EventPattern).toEqual(stage.eventPattern);
      const [target] = rule.Properties.Targets;
      expect(nameOf(t, target.Arn, 'QueueName')).toBe(stage.inbox.name);
      expect(nameOf(t, target.DeadLetterConfig.Arn, 'QueueName')).toBe(stage.inbox.dlqName);
      expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 });
    }
  });

  it('creates one SNS FIFO topic per stage, deduplicating by id and scaling per message group', () => {
    const t = template(cellId);
    const fifoTopics = t.findResources('AWS::SNS::Topic', { Properties: { FifoTopic: true } });
    expect(Object.keys(fifoTopics)).toHaveLength(STAGES.length);
    for (const stage of topology.stages) {
      t.hasResourceProperties('AWS::SNS::Topic', {
        TopicName: stage.topicName,
        FifoTopic: true,
        ContentBasedDeduplication: false,
        FifoThroughputScope: 'MessageGroup',
        KmsMasterKeyId: Match.anyValue(),
      });
    }
  });

  it('creates an SQS FIFO queue and a FIFO DLQ per consumer, with maxReceiveCount and high-throughput FIFO', () => {
    const t = template(cellId);
    const fifoQueues = t.findResources('AWS::SQS::Queue', { Properties: { FifoQueue: true } });
    expect(Object.keys(fifoQueues)).toHaveLength(2 * consumerCount);
    for (const consumer of topology.stages.flatMap((s) => s.consumers)) {
      const [, queue] = byName(t, 'AWS::SQS::Queue', 'QueueName', consumer.queue.name);
      const [, dlq] = byName(t, 'AWS::SQS::Queue', 'QueueName', consumer.queue.dlqName);
      expect(queue.Properties).toMatchObject({
        FifoQueue: true,
        DeduplicationScope: 'messageGroup',
        FifoThroughputLimit: 'perMessageGroupId',
        VisibilityTimeout: consumer.queue.settings.visibilityTimeoutSeconds,
        MessageRetentionPeriod: 14 * 86_400,
        RedrivePolicy: { maxReceiveCount: consumer.queue.settings.maxReceiveCount },
      });
      expect(nameOf(t, queue.Properties.RedrivePolicy.deadLetterTargetArn, 'QueueName')).toBe(consumer.queue.dlqName);
      expect(dlq.Properties).toMatchObject({
        FifoQueue: true,
        MessageRetentionPeriod: consumer.queue.settings.dlqRetentionDays * 86_400,
      });
    }
  });

  it('creates a standard inbox and standard DLQ per stage', () => {
    const t = template(cellId);
    for (const stage of topology.stages) {
      const [, inbox] = byName(t, 'AWS::SQS::Queue', 'QueueName', stage.inbox.name);
      const [, dlq] = byName(t, 'AWS::SQS::Queue', 'QueueName', stage.inbox.dlqName);
      expect(inbox.Properties.FifoQueue).toBeUndefined();
      expect(dlq.Properties.FifoQueue).toBeUndefined();
      expect(inbox.Properties.RedrivePolicy.maxReceiveCount).toBe(stage.inbox.settings.maxReceiveCount);
      expect(inbox.Properties.VisibilityTimeout).toBe(stage.inbox.settings.visibilityTimeoutSeconds);
    }
    t.resourceCountIs('AWS::SQS::Queue', 2 * (STAGES.length + consumerCount));
  });

  it('lets only its own queue use each DLQ (redrive allow policy) and keeps DLQs when the stack goes', () => {
    const t = template(cellId);
    for (const queue of allQueues(topology)) {
      const [, dlq] = byName(t, 'AWS::SQS::Queue', 'QueueName', queue.dlqName);
      expect(dlq.Properties.RedriveAllowPolicy).toEqual({
        redrivePermission: 'byQueue',
        sourceQueueArns: [`arn:aws:sqs:${cell.region}:${cell.account}:${queue.name}`],
      });
    }
    const dlqs = t.findResources('AWS::SQS::Queue', { DeletionPolicy: 'RetainExceptOnCreate' });
    expect(Object.keys(dlqs)).toHaveLength(allQueues(topology).length);
  });

  it('subscribes each consumer queue to its stage topic with raw delivery, its filter policy and a DLQ', () => {
    const t = template(cellId);
    const subscriptions = [...resourcesOf(t, 'AWS::SNS::Subscription')].filter(
      ([, s]) => s.Properties.Protocol === 'sqs',
    );
    expect(subscriptions).toHaveLength(consumerCount);
    for (const stage of topology.stages) {
      for (const consumer of stage.consumers) {
        const matching = subscriptions.filter(
          ([, s]) => nameOf(t, s.Properties.Endpoint, 'QueueName') === consumer.queue.name,
        );
        expect(matching).toHaveLength(1);
        const [, subscription] = matching[0]!;
        expect(nameOf(t, subscription.Properties.TopicArn, 'TopicName')).toBe(stage.topicName);
        expect(subscription.Properties.RawMessageDelivery).toBe(true);
        expect(nameOf(t, subscription.Properties.RedrivePolicy.deadLetterTargetArn, 'QueueName')).toBe(
          consumer.queue.dlqName,
        );
        expect(subscription.Properties.FilterPolicy).toEqual(consumer.filterPolicy);
        if (consumer.filterPolicy) expect(subscription.Properties.FilterPolicyScope).toBe('MessageAttributes');
      }
    }
  });

  it('lets SNS deliver to a consumer queue only from that stage topic', () => {
    const t = template(cellId);
    for (const stage of topology.stages) {
      for (const consumer of stage.consumers) {
        const [queueId] = byName(t, 'AWS::SQS::Queue', 'QueueName', consumer.queue.name);
        const policies = [...resourcesOf(t, 'AWS::SQS::QueuePolicy')].filter(([, p]) =>
          p.Properties.Queues.some((q: unknown) => logicalIdOf(q) === queueId),
        );
        const statements = policies.flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
        const fromSns = statements.filter((s) => s.Principal?.Service === 'sns.amazonaws.com');
        expect(fromSns).toHaveLength(1);
        expect(fromSns[0]).toMatchObject({ Effect: 'Allow', Action: 'sqs:SendMessage' });
        expect(nameOf(t, fromSns[0].Condition.ArnEquals['aws:SourceArn'], 'TopicName')).toBe(stage.topicName);
      }
    }
  });

  it('feeds the forward function from every inbox with the tuned batch, window and maximum concurrency', () => {
    const t = template(cellId);
    const [forwardId] = byName(t, 'AWS::Lambda::Function', 'FunctionName', `bems-${cellId}-forward`);
    const mappings = [...resourcesOf(t, 'AWS::Lambda::EventSourceMapping')].filter(
      ([, m]) => logicalIdOf(m.Properties.FunctionName) === forwardId,
    );
    expect(mappings).toHaveLength(STAGES.length);
    for (const stage of topology.stages) {
      const [, mapping] = mappings.find(
        ([, m]) => nameOf(t, m.Properties.EventSourceArn, 'QueueName') === stage.inbox.name,
      )!;
      const { settings } = stage.inbox;
      expect(mapping.Properties).toMatchObject({
        BatchSize: settings.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: settings.maxConcurrency },
      });
      expect(mapping.Properties.MaximumBatchingWindowInSeconds).toBe(
        settings.batchingWindowSeconds > 0 ? settings.batchingWindowSeconds : undefined,
      );
    }
  });

  it('gives the forwarder the stage topics as STAGE_TOPIC_ARNS and publish rights on exactly those', () => {
    const t = template(cellId);
    const [, forward] = byName(t, 'AWS::Lambda::Function', 'FunctionName', `bems-${cellId}-forward`);
    const topicArns = joinedJson(forward.Properties.Environment.Variables.STAGE_TOPIC_ARNS);
    expect(Object.keys(topicArns).sort()).toEqual([...STAGES].sort());
    for (const stage of topology.stages) {
      const id = /^<(.+)>$/.exec(topicArns[stage.stage])![1];
      expect(nameOf(t, { Ref: id }, 'TopicName')).toBe(stage.topicName);
    }
  });

  it('runs one consume function per stage and Lambda consumer, fed by that one queue: batch 10, partial batch responses, maximum concurrency', () => {
    const t = template(cellId);
    const feeds = topology.stages.flatMap((s) => s.consumers.filter((c) => c.kind === 'lambda'));
    const consumeFunctions = [...resourcesOf(t, 'AWS::Lambda::Function').values()].filter((f) =>
      String(f.Properties.FunctionName).startsWith(`bems-${cellId}-consume-`),
    );
    expect(consumeFunctions).toHaveLength(feeds.length);
    for (const { stage, consumer: name } of feeds) {
      const [consumeId, consume] = byName(
        t,
        'AWS::Lambda::Function',
        'FunctionName',
        `bems-${cellId}-consume-${stage}-${name}`,
      );
      expect(consume.Properties.Environment.Variables).toMatchObject({
        CONSUMER_NAME: name,
        ...analyticsEnvironmentOf(cell),
      });
      const mappings = [...resourcesOf(t, 'AWS::Lambda::EventSourceMapping')].filter(
        ([, m]) => logicalIdOf(m.Properties.FunctionName) === consumeId,
      );
      expect(mappings.map(([, m]) => nameOf(t, m.Properties.EventSourceArn, 'QueueName'))).toEqual([
        `bems-${cellId}-${stage}-${name}.fifo`,
      ]);
      for (const [, mapping] of mappings) {
        const feed = feeds.find((f) => f.queue.name === nameOf(t, mapping.Properties.EventSourceArn, 'QueueName'))!;
        expect(mapping.Properties).toMatchObject({
          BatchSize: 10,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          ScalingConfig: { MaximumConcurrency: feed.queue.settings.maxConcurrency },
        });
        // SQS FIFO event sources take no batching window.
        expect(mapping.Properties.MaximumBatchingWindowInSeconds).toBeUndefined();
      }
    }
  });

  it('keeps every queue-fed function timeout at most a sixth of its queues visibility timeout', () => {
    const t = template(cellId);
    const functions = resourcesOf(t, 'AWS::Lambda::Function');
    for (const [, mapping] of resourcesOf(t, 'AWS::Lambda::EventSourceMapping')) {
      const fn = functions.get(logicalIdOf(mapping.Properties.FunctionName))!;
      const [, queue] = byName(
        t,
        'AWS::SQS::Queue',
        'QueueName',
        nameOf(t, mapping.Properties.EventSourceArn, 'QueueName'),
      );
      expect(fn.Properties.Timeout * 6).toBeLessThanOrEqual(queue.Properties.VisibilityTimeout);
    }
  });

  it('gives every consume function its own role and log group, and its own queue only to consume', () => {
    const t = template(cellId);
    const partitions = topology.stages.flatMap((s) => s.consumers.filter((c) => c.kind === 'lambda'));
    const seen = { roles: new Set<string>(), logGroups: new Set<string>() };
    for (const { stage, consumer, queue } of partitions) {
      const [, fn] = byName(t, 'AWS::Lambda::Function', 'FunctionName', `bems-${cellId}-consume-${stage}-${consumer}`);
      const roleId = logicalIdOf(fn.Properties.Role);
      seen.roles.add(roleId);
      seen.logGroups.add(logicalIdOf(fn.Properties.LoggingConfig.LogGroup));
      const received = statementsOfRole(t, roleId)
        .filter((st) => [st.Action].flat().includes('sqs:ReceiveMessage'))
        .flatMap((st) => [st.Resource].flat())
        .map((resource) => nameOf(t, resource, 'QueueName'));
      expect(received).toEqual([queue.name]);
    }
    expect(seen.roles.size).toBe(partitions.length);
    expect(seen.logGroups.size).toBe(partitions.length);
  });

  // Timestream only: a lakehouse cell has no Timestream resource (test/infra/lakehouse.test.ts asserts that).
  if (isTimestreamCell(cell))
    it('stores records in an encrypted Timestream database and a table with the configured retention and magnetic writes', () => {
      const t = template(cellId);
      t.hasResource('AWS::Timestream::Database', {
        Properties: { DatabaseName: topology.timestreamDatabase, KmsKeyId: Match.anyValue() },
        DeletionPolicy: 'RetainExceptOnCreate',
      });
      t.hasResource('AWS::Timestream::Table', {
        Properties: {
          DatabaseName: topology.timestreamDatabase,
          TableName: topology.timestreamTable,
          RetentionProperties: {
            MemoryStoreRetentionPeriodInHours: String(cell.timestream.memoryRetentionHours),
            MagneticStoreRetentionPeriodInDays: String(cell.timestream.magneticRetentionDays),
          },
          MagneticStoreWriteProperties: {
            EnableMagneticStoreWrites: true,
            MagneticStoreRejectedDataLocation: {
              S3Configuration: {
                BucketName: { Ref: Match.anyValue() },
                EncryptionOption: 'SSE_KMS',
                KmsKeyId: Match.anyValue(),
                ObjectKeyPrefix: 'rejected-records/',
              },
            },
          },
          Schema: {
            CompositePartitionKey: [{ Type: 'DIMENSION', Name: 'invoice_id', EnforcementInRecord: 'OPTIONAL' }],
          },
        },
        DependsOn: [Match.stringLikeRegexp('TimeseriesDatabase')],
      });
    });

  // Timestream only: a lakehouse cell has no Timestream resource (test/infra/lakehouse.test.ts asserts that).
  if (isTimestreamCell(cell))
    it('reports Timestream rejected records into a KMS-encrypted, private, TLS-only bucket', () => {
      const t = template(cellId);
      t.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() },
              BucketKeyEnabled: true,
            },
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
      });
    });

  // Timestream only: a lakehouse cell has no Timestream resource (test/infra/lakehouse.test.ts asserts that).
  if (isTimestreamCell(cell))
    it('lets each consume function write to its table only', () => {
      const t = template(cellId);
      for (const { stage, consumer: name } of topology.stages.flatMap((s) =>
        s.consumers.filter((c) => c.kind === 'lambda'),
      )) {
        const fnName = `bems-${cellId}-consume-${stage}-${name}`;
        const [, consume] = byName(t, 'AWS::Lambda::Function', 'FunctionName', fnName);
        const writes = statementsOfRole(t, logicalIdOf(consume.Properties.Role)).filter(
          (s) => s.Action === 'timestream:WriteRecords',
        );
        expect(writes).toHaveLength(1);
        expect(JSON.stringify(writes[0].Resource)).toContain(
          `database/${topology.timestreamDatabase}/table/${topology.timestreamTable}`,
        );
      }
    });
});

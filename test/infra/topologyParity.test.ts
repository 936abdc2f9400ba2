import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_CELLS, LOCAL_CELL } from '../../cells/cells.config.ts';
import { type CellDefinition, parseCellDefinitions } from '../../cells/definition.ts';
import { type CellTopology, cellTopology, type QueueSpec } from '../../cells/topology.ts';
import { type SynthesizedCells, synthCells } from './support/synthCells.ts';
import { byName, type CfnResource, joinedJson, logicalIdOf, nameOf, resourcesOf } from './support/templateQueries.ts';

/**
 * The local cell and the CDK are both built from `cellTopology(definition)`; this checks the CDK
 * side: the rule patterns, queues, DLQs, topics, subscriptions and event sources read back from
 * the synthesized template equal the topology. It runs for the example AWS cells and for the
 * local cell's own definition (synthesized as if it were deployed: an AWS account, no local key),
 * so the cell `npm start` runs has exactly the topology the CDK would deploy for it.
 */
const localAsAws = {
  ...LOCAL_CELL,
  account: '123456789012',
  apiClients: LOCAL_CELL.apiClients.map(({ localKey: _localKey, ...client }) => client),
};
const cells: CellDefinition[] = parseCellDefinitions([...AWS_CELLS, localAsAws]);
let synth: SynthesizedCells;

beforeAll(() => {
  synth = synthCells(cells);
});
afterAll(() => synth?.cleanUp());

/** The parts of a queue both cells must agree on. */
function queueView(spec: QueueSpec) {
  return {
    name: spec.name,
    fifo: spec.fifo,
    dlqName: spec.dlqName,
    visibilityTimeoutSeconds: spec.settings.visibilityTimeoutSeconds,
    maxReceiveCount: spec.settings.maxReceiveCount,
    batchSize: spec.settings.batchSize,
    maxConcurrency: spec.settings.maxConcurrency,
  };
}

function expectedTopology(topology: CellTopology, cell: CellDefinition) {
  return {
    busName: topology.busName,
    archiveName: topology.archiveName,
    // A lakehouse cell has no Timestream database (test/infra/lakehouse.test.ts).
    ...(cell.analytics.store === 'timestream' ? { timestreamDatabase: topology.timestreamDatabase } : {}),
    stages: topology.stages.map((stage) => ({
      ruleName: stage.ruleName,
      eventPattern: stage.eventPattern,
      inbox: queueView(stage.inbox),
      topicName: stage.topicName,
      consumers: stage.consumers.map((c) => ({
        consumer: c.consumer,
        queue: queueView(c.queue),
        filterPolicy: c.filterPolicy,
      })),
    })),
  };
}

/** Reads the topology back from a synthesized template, following references the way AWS would. */
function synthesizedTopology(t: Template) {
  const resources = t.toJSON().Resources as Record<string, CfnResource>;
  const mappings = [...resourcesOf(t, 'AWS::Lambda::EventSourceMapping').values()];
  const queueAt = (reference: unknown) => {
    const id = logicalIdOf(reference);
    const queue = resources[id]!.Properties;
    const [mapping] = mappings.filter((m) => logicalIdOf(m.Properties.EventSourceArn) === id);
    return {
      view: {
        name: queue.QueueName,
        fifo: queue.FifoQueue === true,
        dlqName: nameOf(t, queue.RedrivePolicy.deadLetterTargetArn, 'QueueName'),
        visibilityTimeoutSeconds: queue.VisibilityTimeout,
        maxReceiveCount: queue.RedrivePolicy.maxReceiveCount,
        batchSize: mapping!.Properties.BatchSize,
        maxConcurrency: mapping!.Properties.ScalingConfig.MaximumConcurrency,
      },
      consumerFunction: resources[logicalIdOf(mapping!.Properties.FunctionName)]!,
    };
  };
  const forward = [...resourcesOf(t, 'AWS::Lambda::Function').values()].find((f) =>
    String(f.Properties.FunctionName).endsWith('-forward'),
  )!;
  const topicIdByStage = joinedJson(forward.Properties.Environment.Variables.STAGE_TOPIC_ARNS) as Record<
    string,
    string
  >;
  const subscriptions = [...resourcesOf(t, 'AWS::SNS::Subscription').values()].filter(
    (s) => s.Properties.Protocol === 'sqs',
  );
  const [busId, bus] = [...resourcesOf(t, 'AWS::Events::EventBus')][0]!;
  const [, archive] = [...resourcesOf(t, 'AWS::Events::Archive')][0]!;
  const database = [...resourcesOf(t, 'AWS::Timestream::Database').values()][0];

  return {
    busName: bus.Properties.Name,
    archiveName: archive.Properties.ArchiveName,
    ...(database ? { timestreamDatabase: database.Properties.DatabaseName } : {}),
    stages: [...resourcesOf(t, 'AWS::Events::Rule').values()].map((rule) => {
      const stage = rule.Properties.EventPattern['detail-type'][0].replace('invoice.', '');
      const topicId = /^<(.+)>$/.exec(topicIdByStage[stage]!)![1]!;
      expect(logicalIdOf(rule.Properties.EventBusName)).toBe(busId);
      return {
        ruleName: rule.Properties.Name,
        eventPattern: rule.Properties.EventPattern,
        inbox: queueAt(rule.Properties.Targets[0].Arn).view,
        topicName: nameOf(t, { Ref: topicId }, 'TopicName'),
        consumers: subscriptions
          .filter((s) => logicalIdOf(s.Properties.TopicArn) === topicId)
          .map((s) => {
            const { view, consumerFunction } = queueAt(s.Properties.Endpoint);
            return {
              consumer: consumerFunction.Properties.Environment.Variables.CONSUMER_NAME,
              queue: view,
              filterPolicy: s.Properties.FilterPolicy,
            };
          }),
      };
    }),
  };
}

describe.each(cells.map((cell) => [cell.id, cell] as const))('cell %s', (cellId, cell) => {
  it('synthesizes exactly the rule patterns, queues, DLQs, topics and subscriptions of cellTopology()', () => {
    const t = synth.templates.get(cellId)!;
    expect(synthesizedTopology(t)).toEqual(expectedTopology(cellTopology(cell), cell));
  });

  it('creates no queue the topology does not name', () => {
    const t = synth.templates.get(cellId)!;
    const topology = cellTopology(cell);
    const named = topology.stages
      .flatMap((s) => [s.inbox, ...s.consumers.map((c) => c.queue)])
      .flatMap((q) => [q.name, q.dlqName]);
    const synthesized = [...resourcesOf(t, 'AWS::SQS::Queue').values()].map((q) => q.Properties.QueueName);
    expect(synthesized.sort()).toEqual(named.sort());
    for (const stage of topology.stages) byName(t, 'AWS::SNS::Topic', 'TopicName', stage.topicName);
  });
});

describe('the local cell definition', () => {
  it('is synthesized under its own names, the ones the local cell provisions', () => {
    const t = synth.templates.get('local')!;
    byName(t, 'AWS::SQS::Queue', 'QueueName', 'bems-local-ingestion-inbox');
    byName(t, 'AWS::SNS::Topic', 'TopicName', 'bems-local-posting.fifo');
    byName(t, 'AWS::Events::EventBus', 'Name', 'bems-local-bus');
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_CELLS, LOCAL_CELL } from '../../cells/cells.config.ts';
import { type CellDefinition, parseCellDefinitions } from '../../cells/definition.ts';
import { type CellTopology, cellTopology, type QueueSpec } from '../../cells/topology.ts';
import { startLocalCell } from '../../local/cell/index.ts';
import type { LocalFunctionDescription } from '../../local/cell/LocalCell.ts';
import { LOCAL_OVERRIDES } from '../../local/cell/localEnvironment.ts';
import { GAME_DAY_ENV, isRuntimeVariable, MONITOR_ENV } from '../../schemas/functionEnvironment.ts';
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

/**
 * `maxConcurrency` is a Lambda event source setting: a Fargate consumer's queue has no mapping to read
 * it from (its concurrency is its tasks), so the definition's value stands in on both sides.
 */
function queueSettingOf(queueName: string): number {
  const spec = cells
    .flatMap((c) => cellTopology(c).stages.flatMap((s) => s.consumers))
    .find((c) => c.queue.name === queueName);
  return spec!.queue.settings.maxConcurrency;
}

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

/**
 * The archive's name without the stack's suffix: the stack appends the stack id's UUID group
 * (`stackUniqueSuffix`) so an archive a deleted stack kept never blocks the next create.
 */
function archiveBaseName(name: unknown): unknown {
  const join = (name as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  expect(join?.[0]).toBe('-');
  expect(JSON.stringify(join?.[1][1])).toContain('AWS::StackId');
  return join?.[1][0];
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
  const containers = [...resourcesOf(t, 'AWS::ECS::TaskDefinition').values()].flatMap(
    (task) => task.Properties.ContainerDefinitions as { Environment: { Name: string; Value: unknown }[] }[],
  );
  const queueAt = (reference: unknown) => {
    const id = logicalIdOf(reference);
    const queue = resources[id]!.Properties;
    const [mapping] = mappings.filter((m) => logicalIdOf(m.Properties.EventSourceArn) === id);
    const view = {
      name: queue.QueueName,
      fifo: queue.FifoQueue === true,
      dlqName: nameOf(t, queue.RedrivePolicy.deadLetterTargetArn, 'QueueName'),
      visibilityTimeoutSeconds: queue.VisibilityTimeout,
      maxReceiveCount: queue.RedrivePolicy.maxReceiveCount,
    };
    if (mapping) {
      return {
        view: {
          ...view,
          batchSize: mapping.Properties.BatchSize,
          maxConcurrency: mapping.Properties.ScalingConfig.MaximumConcurrency,
        },
        consumerName:
          resources[logicalIdOf(mapping.Properties.FunctionName)]!.Properties.Environment.Variables.CONSUMER_NAME,
      };
    }
    // A Fargate consumer's queue: the container that polls it names it in POLLER_QUEUE_URL.
    const env = containers
      .map((c) => Object.fromEntries(c.Environment.map((e) => [e.Name, e.Value])))
      .find((e) => e.POLLER_QUEUE_URL && logicalIdOf(e.POLLER_QUEUE_URL) === id)!;
    return {
      view: { ...view, batchSize: Number(env.POLLER_BATCH_SIZE), maxConcurrency: queueSettingOf(queue.QueueName) },
      consumerName: env.CONSUMER_NAME,
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
    archiveName: archiveBaseName(archive.Properties.ArchiveName),
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
            const { view, consumerName } = queueAt(s.Properties.Endpoint);
            return {
              consumer: consumerName,
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

/**
 * The function plan (`cells/functionPlan.ts`) on both sides: the functions the template deploys and
 * the functions a running local cell runs, compared on their names, environment variables and event
 * sources with every batch setting. Run for the local cell and for euw1-a (two consumers in one
 * stage: the consume functions are grouped per consumer, as on AWS) started as a local cell.
 */
const [euw1] = AWS_CELLS;
const runAsLocal = {
  ...euw1!,
  account: '000000000000',
  apiClients: euw1!.apiClients.map((client) => ({ ...client, localKey: `parity-${client.name}-key-0123456789` })),
};
const use1 = AWS_CELLS.find((c) => c.id === 'use1-a')!;
const planCells = [
  { templateOf: 'local', definition: parseCellDefinitions([LOCAL_CELL])[0]! },
  { templateOf: 'euw1-a', definition: parseCellDefinitions([runAsLocal])[0]! },
  // A Fargate consumer: the ECS task definition's container and the local process get one environment.
  {
    templateOf: 'use1-a',
    definition: parseCellDefinitions([
      {
        ...use1,
        account: '000000000000',
        apiClients: use1.apiClients.map((client) => ({ ...client, localKey: `parity-${client.name}-key-0123456789` })),
      },
    ])[0]!,
  },
];

/** The Fargate services of a template: service name → its container's environment. */
function deployedServices(t: Template): Map<string, Record<string, unknown>> {
  const resources = t.toJSON().Resources as Record<string, CfnResource>;
  return new Map(
    [...resourcesOf(t, 'AWS::ECS::Service').values()].map((service) => {
      const task = resources[logicalIdOf(service.Properties.TaskDefinition)]!;
      const [container] = task.Properties.ContainerDefinitions as { Environment: { Name: string; Value: unknown }[] }[];
      const env = Object.fromEntries(
        container!.Environment.filter((e) => !isRuntimeVariable(e.Name)).map((e) => [e.Name, e.Value]),
      );
      return [service.Properties.ServiceName as string, env];
    }),
  );
}

/** One function as both sides are compared: what the template says, or what the local cell runs. */
interface PlannedFunction {
  readonly functionName: string;
  readonly environment: Readonly<Record<string, unknown>>;
  readonly eventSources: readonly {
    readonly queueName: string;
    readonly batchSize: number;
    readonly batchingWindowSeconds: number;
    readonly maxConcurrency: number;
    readonly reportBatchItemFailures: boolean;
  }[];
}

/** The functions of a synthesized template, with their event source mappings. */
function deployedFunctions(t: Template): PlannedFunction[] {
  const resources = t.toJSON().Resources as Record<string, CfnResource>;
  const mappings = [...resourcesOf(t, 'AWS::Lambda::EventSourceMapping').values()];
  return [...resourcesOf(t, 'AWS::Lambda::Function')]
    .filter(([, fn]) => typeof fn.Properties.FunctionName === 'string')
    .map(([id, fn]) => ({
      functionName: fn.Properties.FunctionName,
      // The FIS extension's variables of the game days: AWS only (the local cell injects faults itself).
      environment: Object.fromEntries(
        Object.entries(fn.Properties.Environment?.Variables ?? {}).filter(
          ([name]) => !(Object.values(GAME_DAY_ENV) as string[]).includes(name),
        ),
      ),
      eventSources: mappings
        .filter((m) => logicalIdOf(m.Properties.FunctionName) === id)
        .map(({ Properties: m }) => ({
          queueName: resources[logicalIdOf(m.EventSourceArn)]!.Properties.QueueName,
          batchSize: m.BatchSize,
          batchingWindowSeconds: m.MaximumBatchingWindowInSeconds ?? 0,
          maxConcurrency: m.ScalingConfig?.MaximumConcurrency,
          reportBatchItemFailures: (m.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
        })),
    }));
}

/** A local variable and the AWS variables it stands in for. */
const LOCAL_STAND_INS: Readonly<Record<string, readonly string[]>> = {
  [MONITOR_ENV.stateFile]: [MONITOR_ENV.stateBucket, MONITOR_ENV.stateKey],
  [MONITOR_ENV.parkedDirectory]: [MONITOR_ENV.parkedBucket],
};
/** AWS variables of a stand-in whose value is a plain string (the file path locally stands for it). */
const STAND_IN_VALUES: readonly string[] = [MONITOR_ENV.stateKey];

/** The functions a running local cell runs, with the runtime's variables left out (Lambda sets those on AWS). */
function localFunctions(functions: readonly LocalFunctionDescription[]): PlannedFunction[] {
  return functions.map((fn) => ({
    functionName: fn.functionName,
    environment: Object.fromEntries(
      Object.entries(fn.environment)
        .filter(([name]) => !isRuntimeVariable(name))
        // The alert state lives in a file locally (no S3 emulator), in an S3 object on AWS; the
        // parked store in a directory locally, in an S3 bucket on AWS.
        .flatMap(([name, value]) => (LOCAL_STAND_INS[name] ?? [name]).map((standIn) => [standIn, value])),
    ),
    eventSources: fn.eventSources.map((source) => ({
      queueName: source.queueName,
      batchSize: source.batchSize,
      batchingWindowSeconds: source.batchingWindowSeconds,
      maxConcurrency: source.maxConcurrency,
      reportBatchItemFailures: source.reportBatchItemFailures,
    })),
  }));
}

const sortByFunction = <T extends { functionName: string }>(list: readonly T[]) =>
  [...list].sort((a, b) => a.functionName.localeCompare(b.functionName));
const sortByQueue = <T extends { queueName: string }>(list: readonly T[]) =>
  [...list].sort((a, b) => a.queueName.localeCompare(b.queueName));

/**
 * A template value against the local one. A reference to a resource (`<LogicalId>` once joined) has
 * another value locally by design (an emulator's ARN or URL) and only has to be there; everything
 * else, down to every key of a JSON value, must be equal.
 */
function expectSameValue(deployed: unknown, local: unknown, path: string): void {
  if (typeof deployed === 'string' && /<[^>]+>/.test(deployed)) {
    expect(typeof local, path).toBe('string');
  } else if (typeof deployed === 'object' && deployed !== null) {
    expect(typeof local === 'object' && local !== null ? Object.keys(local).sort() : local, path).toEqual(
      Object.keys(deployed).sort(),
    );
    for (const [key, value] of Object.entries(deployed))
      expectSameValue(value, (local as Record<string, unknown>)[key], `${path}.${key}`);
  } else {
    expect(local, path).toEqual(deployed);
  }
}

/** A variable's value as comparable JSON: references become `<LogicalId>` strings. */
function comparable(value: unknown): unknown {
  if (typeof value === 'string') {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  if (typeof value === 'object' && value !== null && 'Fn::Join' in value) return joinedJson(value);
  return `<${logicalIdOf(value)}>`;
}

describe.each(planCells)(
  'the function plan of cell $templateOf, deployed and run locally',
  ({ templateOf, definition }) => {
    let dataDir: string;
    let running: PlannedFunction[];
    let runningServices: Map<string, Record<string, string>>;

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'bems-parity-'));
      const cell = await startLocalCell({ port: 0, dataDir, cell: definition, quiet: true, monitorIntervalMs: 0 });
      running = localFunctions(cell.functions);
      runningServices = new Map(
        cell.services.map((s) => [
          s.plan.functionName,
          Object.fromEntries(Object.entries(s.environment).filter(([name]) => !isRuntimeVariable(name))),
        ]),
      );
      await cell.stop();
    }, 60_000);

    it('runs the same Fargate services, each with the environment of its task definition', () => {
      const deployed = deployedServices(synth.templates.get(templateOf)!);
      expect([...runningServices.keys()].sort()).toEqual([...deployed.keys()].sort());
      expect(deployed.size).toBe(definition.id === 'use1-a' ? 1 : 0);
      for (const [name, env] of deployed) {
        const local = runningServices.get(name)!;
        expect(Object.keys(local).sort(), name).toEqual(Object.keys(env).sort());
        for (const [variable, value] of Object.entries(env)) {
          if (LOCAL_OVERRIDES.includes(variable)) continue;
          expectSameValue(comparable(value), comparable(local[variable]), `${name} ${variable}`);
        }
      }
    });
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

    it('has the same functions with the same event sources, batch sizes, windows, maximum concurrency and ReportBatchItemFailures', () => {
      const deployed = deployedFunctions(synth.templates.get(templateOf)!);
      const view = (list: PlannedFunction[]) =>
        sortByFunction(list).map((fn) => ({
          functionName: fn.functionName,
          eventSources: sortByQueue(fn.eventSources),
        }));
      expect(view(running)).toEqual(view(deployed));
    });

    it('gives every function the same environment variables, with the same values where no resource is referenced', () => {
      const deployed = sortByFunction(deployedFunctions(synth.templates.get(templateOf)!));
      const local = sortByFunction(running);
      expect(local.map((fn) => fn.functionName)).toEqual(deployed.map((fn) => fn.functionName));
      deployed.forEach((fn, i) => {
        const localEnvironment = local[i]!.environment;
        expect(Object.keys(localEnvironment).sort(), fn.functionName).toEqual(Object.keys(fn.environment).sort());
        for (const [name, value] of Object.entries(fn.environment)) {
          if (LOCAL_OVERRIDES.includes(name) || STAND_IN_VALUES.includes(name)) continue;
          expectSameValue(comparable(value), comparable(localEnvironment[name]), `${fn.functionName} ${name}`);
        }
      });
    });
  },
);

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_CELLS, awsCells } from '../../cells/cells.config.ts';
import { PROJECT_ROOT } from '../../cells/constructs/CellFunction.ts';
import { POLLER_DOCKERFILE } from '../../cells/constructs/StageConsumers.ts';
import { type CellDefinitionError, parseCellDefinitions } from '../../cells/definition.ts';
import { cellTopology } from '../../cells/topology.ts';
import { type SynthesizedCells, synthCells } from './support/synthCells.ts';
import {
  byName,
  type CfnResource,
  logicalIdOf,
  nameOf,
  resourcesOf,
  statementsOfRole,
} from './support/templateQueries.ts';

/**
 * A `fargate` consumer on AWS (use1-a's posting/ledger in the example config): an ECS Fargate
 * service on arm64 in private subnets without a public IP, the consume handler under the poller
 * runtime from a Dockerfile asset, scaled by target tracking on backlog per task, with a task role
 * that can consume its one queue and write to the store. And one given an existing VPC by id.
 */
const use1 = AWS_CELLS.find((c) => c.id === 'use1-a')!;
const { domain: _domain, ...use1WithoutDomain } = use1;
const givenVpc = {
  ...use1WithoutDomain,
  id: 'use1-vpc',
  network: {
    vpcId: 'vpc-0123456789abcdef0',
    privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
  },
};
const cells = parseCellDefinitions([use1, givenVpc]);
let synth: SynthesizedCells;
const template = (id: string): Template => synth.templates.get(id)!;

beforeAll(() => {
  synth = synthCells(cells);
});
afterAll(() => synth?.cleanUp());

/** posting/ledger of a cell as the topology describes it. */
const ledgerOf = (cellId: string) =>
  cellTopology(cells.find((c) => c.id === cellId)!).stages.find((s) => s.stage === 'posting')!.consumers[1]!;

function service(t: Template, cellId: string): CfnResource {
  return byName(t, 'AWS::ECS::Service', 'ServiceName', `bems-${cellId}-consume-posting-ledger`)[1];
}

function containerOf(t: Template, svc: CfnResource) {
  const task = t.toJSON().Resources[logicalIdOf(svc.Properties.TaskDefinition)] as CfnResource;
  return { task, container: task.Properties.ContainerDefinitions[0] };
}

describe('the example config', () => {
  it('has a Fargate consumer in at least one cell', () => {
    const kinds = awsCells().flatMap((cell) =>
      cellTopology(cell).stages.flatMap((s) => s.consumers.map((c) => c.kind)),
    );
    expect(kinds).toContain('fargate');
  });
});

describe.each(['use1-a', 'use1-vpc'])('cell %s: the Fargate consumer posting/ledger', (cellId) => {
  const ledger = ledgerOf(cellId);
  it('is an ECS Fargate service in private subnets without a public IP, at minTasks', () => {
    const t = template(cellId);
    const svc = service(t, cellId);
    expect(svc.Properties).toMatchObject({
      LaunchType: 'FARGATE',
      DesiredCount: ledger.fargate!.minTasks,
      DeploymentConfiguration: {
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        MinimumHealthyPercent: 100,
      },
    });
    const network = svc.Properties.NetworkConfiguration.AwsvpcConfiguration;
    expect(network.AssignPublicIp).toBe('DISABLED');
    if (cellId === 'use1-vpc') {
      expect(network.Subnets).toEqual(givenVpc.network.privateSubnetIds);
      expect(resourcesOf(t, 'AWS::EC2::VPC').size).toBe(0);
    } else {
      for (const subnet of network.Subnets) {
        const tags = (t.toJSON().Resources[logicalIdOf(subnet)] as CfnResource).Properties.Tags;
        expect(tags).toContainEqual({ Key: 'aws-cdk:subnet-type', Value: 'Private' });
      }
    }
    // No Lambda function serves that queue.
    expect([...resourcesOf(t, 'AWS::Lambda::Function').values()].map((f) => f.Properties.FunctionName)).not.toContain(
      `bems-${cellId}-consume-posting-ledger`,
    );
  });

  it('runs the poller image on arm64 with the consume environment, read-only, not as root, logging to its own group', () => {
    const t = template(cellId);
    const { task, container } = containerOf(t, service(t, cellId));
    expect(task.Properties).toMatchObject({
      RequiresCompatibilities: ['FARGATE'],
      NetworkMode: 'awsvpc',
      Cpu: String(ledger.fargate!.cpu),
      Memory: String(ledger.fargate!.memoryMiB),
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
    });
    expect(container).toMatchObject({ ReadonlyRootFilesystem: true, User: 'node', StopTimeout: 120 });
    const env = Object.fromEntries(
      (container.Environment as { Name: string; Value: unknown }[]).map((e) => [e.Name, e.Value]),
    );
    expect(env).toMatchObject({
      CONSUMER_NAME: 'ledger',
      POWERTOOLS_SERVICE_NAME: 'bems-consume',
      TIMESTREAM_DATABASE_NAME: `bems-${cellId}`,
      POLLER_SERVICE_NAME: `bems-${cellId}-consume-posting-ledger`,
      POLLER_BATCH_SIZE: '10',
      POLLER_WAIT_TIME_SECONDS: '20',
      POLLER_VISIBILITY_TIMEOUT_SECONDS: String(ledger.queue.settings.visibilityTimeoutSeconds),
    });
    expect(nameOf(t, env.POLLER_QUEUE_URL, 'QueueName')).toBe(ledger.queue.name);
    expect(logicalIdOf(env.POLLER_QUEUE_ARN)).toBe(logicalIdOf(env.POLLER_QUEUE_URL));
    const logs = container.LogConfiguration;
    expect(logs.LogDriver).toBe('awslogs');
    expect(nameOf(t, logs.Options['awslogs-group'], 'LogGroupName')).toBe(`/ecs/bems-${cellId}-consume-posting-ledger`);
  });

  it('builds the image from the poller Dockerfile for linux/arm64 (staged, not built, by synthesis)', () => {
    const t = template(cellId);
    const { container } = containerOf(t, service(t, cellId));
    expect(JSON.stringify(container.Image)).toContain('container-assets');
    // The stack's asset manifest: what `cdk deploy` builds and pushes.
    const manifest = JSON.parse(
      readFileSync(path.join(synth.assembly.directory, `Bems-${cellId}.assets.json`), 'utf8'),
    );
    const images = Object.values(manifest.dockerImages) as { source: { dockerFile: string; platform: string } }[];
    expect(images.map((i) => i.source)).toEqual([
      expect.objectContaining({ dockerFile: POLLER_DOCKERFILE, platform: 'linux/arm64' }),
    ]);
  });

  it('scales between minTasks and maxTasks on visible messages per running task (target tracking)', () => {
    const t = template(cellId);
    const [targetId, target] = [...resourcesOf(t, 'AWS::ApplicationAutoScaling::ScalableTarget')][0]!;
    expect(target.Properties).toMatchObject({
      MinCapacity: ledger.fargate!.minTasks,
      MaxCapacity: ledger.fargate!.maxTasks,
      ScalableDimension: 'ecs:service:DesiredCount',
      ServiceNamespace: 'ecs',
    });
    const [policy] = [...resourcesOf(t, 'AWS::ApplicationAutoScaling::ScalingPolicy').values()];
    expect(logicalIdOf(policy!.Properties.ScalingTargetId)).toBe(targetId);
    const config = policy!.Properties.TargetTrackingScalingPolicyConfiguration;
    expect(config.TargetValue).toBe(ledger.fargate!.backlogPerTask);
    const queries = config.CustomizedMetricSpecification.Metrics as {
      Id: string;
      Expression?: string;
      ReturnData: boolean;
      MetricStat?: {
        Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: unknown }[] };
      };
    }[];
    const byId = new Map(queries.map((q) => [q.Id, q]));
    const visible = byId.get('visible')!.MetricStat!.Metric;
    expect(visible).toMatchObject({ Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible' });
    expect(nameOf(t, visible.Dimensions[0]!.Value, 'QueueName')).toBe(ledger.queue.name);
    expect(byId.get('tasks')!.MetricStat!.Metric).toMatchObject({
      Namespace: 'ECS/ContainerInsights',
      MetricName: 'RunningTaskCount',
    });
    // The one returned series, evaluated on sample minutes: 350 visible over 2 tasks is 175 per task.
    const returned = queries.filter((q) => q.ReturnData);
    expect(returned).toHaveLength(1);
    const perTask = (values: Record<string, number>) =>
      Function(...Object.keys(values), `return ${returned[0]!.Expression};`)(...Object.values(values)) as number;
    expect(perTask({ visible: 350, tasks: 2 })).toBe(175);
    expect(perTask({ visible: 0, tasks: 1 })).toBe(0);
    // Container Insights publishes RunningTaskCount.
    const [cluster] = [...resourcesOf(t, 'AWS::ECS::Cluster').values()];
    expect(cluster!.Properties.ClusterSettings).toEqual([{ Name: 'containerInsights', Value: 'enabled' }]);
  });

  it('lets the task consume its one queue and write to the table, nothing else', () => {
    const t = template(cellId);
    const { task } = containerOf(t, service(t, cellId));
    const statements = statementsOfRole(t, logicalIdOf(task.Properties.TaskRoleArn));
    const sqs = statements.filter((s) => [s.Action].flat().some((a: string) => a.startsWith('sqs:')));
    expect(sqs.flatMap((s) => [s.Resource].flat()).map((r) => nameOf(t, r, 'QueueName'))).toEqual([ledger.queue.name]);
    expect(sqs.flatMap((s) => [s.Action].flat())).toContain('sqs:ChangeMessageVisibility');
    const writes = statements.filter((s) => s.Action === 'timestream:WriteRecords');
    expect(writes).toHaveLength(1);
    const unscoped = statements.filter((s) => s.Resource === '*').flatMap((s) => [s.Action].flat());
    expect(unscoped).toEqual(['timestream:DescribeEndpoints']);
  });
});

describe('the cell definition', () => {
  const base = { id: 'x', account: '111111111111', region: 'eu-west-1', apiClients: [{ name: 'a' }] };
  const problems = (input: object): string[] => {
    try {
      parseCellDefinitions([input as never]);
      return [];
    } catch (error) {
      return (error as CellDefinitionError).problems as string[];
    }
  };

  it('refuses Fargate options on a Lambda consumer, minTasks above maxTasks, and a network without a Fargate consumer', () => {
    expect(
      problems({ ...base, stages: { posting: { consumers: [{ name: 'r', fargate: { minTasks: 2 } }] } } }),
    ).toEqual([
      'cell "x": stages.posting.consumers.r.fargate: options of a "fargate" consumer on one whose kind is "lambda"',
    ]);
    expect(
      problems({
        ...base,
        stages: { posting: { consumers: [{ name: 'r', kind: 'fargate', fargate: { minTasks: 5, maxTasks: 2 } }] } },
      }),
    ).toEqual(['cell "x": stages.posting.consumers.r.fargate: minTasks 5 is more than maxTasks 2']);
    expect(problems({ ...base, network: givenVpc.network })).toEqual([
      'cell "x": network: the cell has no "fargate" consumer to run in it',
    ]);
    expect(problems({ ...base, stages: { posting: { consumers: [{ name: 'r', kind: 'ecs' }] } } })[0]).toContain(
      'stages.posting.consumers.0.kind',
    );
  });

  it('refuses a function name Lambda would refuse, naming what to shorten', () => {
    const long = {
      ...base,
      id: 'a-twenty-four-char-cell1',
      stages: { reconciliation: { consumers: [{ name: 'a-very-long-consumer-nam' }] } },
    };
    expect(() => synthCells(parseCellDefinitions([long as never]))).toThrow(/has \d+ characters; Lambda allows 64/);
  });
});

describe('the image build', () => {
  it('bundles the poller with esbuild into one module that starts and refuses a missing environment clearly', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bems-poller-'));
    try {
      const outfile = path.join(dir, 'poller.mjs');
      const build = spawnSync(
        process.execPath,
        [path.join(PROJECT_ROOT, 'runtimes', 'fargatePoller', 'build.mjs'), outfile],
        {
          encoding: 'utf8',
        },
      );
      expect(build.status, build.stderr).toBe(0);
      const run = spawnSync(process.execPath, [outfile], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
      expect(run.status).toBe(78);
      expect(run.stderr).toContain('POLLER_QUEUE_URL is not set');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

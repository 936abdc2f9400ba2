import { Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCells } from '../../cells/cells.config.ts';
import {
  FIS_CONFIG_PREFIX,
  FIS_EXTENSION_LAYER_PARAMETER,
  GAME_DAY_DEFAULTS,
  GAME_DAY_EXPERIMENTS,
  GameDays,
} from '../../cells/constructs/GameDays.ts';
import type { CellDefinition } from '../../cells/definition.ts';
import { cellTopology } from '../../cells/topology.ts';
import { type SynthesizedCells, synthCells, variantCell } from './support/synthCells.ts';
import { byName, type CfnResource, logicalIdOf, resourcesOf, statementsOfRole } from './support/templateQueries.ts';

/**
 * Game days on AWS (issue 8): FIS experiment templates that inject Lambda invocation errors, added
 * latency and an outage into each consume function, stopped by the queue-age SLA alarms of that
 * function's queues, run by a role that can do nothing else.
 */
let synth: SynthesizedCells;
// Every cell opted in here; a cell that does not opt in has none of it (governanceSafeDefaults.test.ts).
const cells: CellDefinition[] = [...awsCells(), variantCell()].map((cell) => ({
  ...cell,
  gameDays: { enabled: true },
}));
const template = (cellId: string): Template => synth.templates.get(cellId)!;

beforeAll(() => {
  synth = synthCells(cells);
});
afterAll(() => synth?.cleanUp());

/** Consume functions (Lambda consumers; FIS's Lambda faults do not reach a Fargate one) by consumer name, with their queues. */
function consumersOf(cell: CellDefinition): Map<string, string[]> {
  const consumers = new Map<string, string[]>();
  for (const stage of cellTopology(cell).stages)
    for (const { consumer, queue } of stage.consumers.filter((c) => c.kind === 'lambda'))
      consumers.set(consumer, [...(consumers.get(consumer) ?? []), queue.name]);
  return consumers;
}

function functionNamed(t: Template, name: string): [string, CfnResource] {
  return byName(t, 'AWS::Lambda::Function', 'FunctionName', name);
}

/** The logical ids of a consumer's consume functions, one per stage it serves. */
function consumeFunctionIds(t: Template, cell: CellDefinition, consumer: string): string[] {
  return cellTopology(cell)
    .stages.filter((s) => s.consumers.some((c) => c.consumer === consumer && c.kind === 'lambda'))
    .map((s) => functionNamed(t, `bems-${cell.id}-consume-${s.stage}-${consumer}`)[0])
    .sort();
}

function experimentTemplates(t: Template): CfnResource[] {
  return [...resourcesOf(t, 'AWS::FIS::ExperimentTemplate').values()];
}

describe.each(cells.map((cell) => [cell.id, cell] as const))('cell %s game days', (cellId, cell) => {
  const consumers = consumersOf(cell);
  const prefix = `bems-${cellId}`;

  it('has an errors, a latency and an outage experiment for every consume function', () => {
    const t = template(cellId);
    const names = experimentTemplates(t)
      .map((x) => x.Properties.Tags.Name)
      .sort();
    const expected = [...consumers.keys()].flatMap((c) =>
      GAME_DAY_EXPERIMENTS.map((e) => `${prefix}-gameday-${c}-${e}`),
    );
    expect(names).toEqual(expected.sort());
  });

  it("injects invocation errors and added latency into exactly the consumer's consume functions, one per stage", () => {
    const t = template(cellId);
    for (const [consumer] of consumers) {
      const fnIds = consumeFunctionIds(t, cell, consumer);
      const ofConsumer = experimentTemplates(t).filter((x) => x.Properties.Tags.Name.includes(`-gameday-${consumer}-`));
      const actions = Object.fromEntries(
        ofConsumer.flatMap((x) => Object.entries(x.Properties.Actions as Record<string, unknown>)),
      );
      expect(actions.errors).toMatchObject({
        ActionId: 'aws:lambda:invocation-error',
        Parameters: {
          duration: GAME_DAY_DEFAULTS.errors.duration,
          invocationPercentage: String(GAME_DAY_DEFAULTS.errors.invocationPercentage),
          preventExecution: 'true',
        },
        Targets: { Functions: 'ConsumeFunction' },
      });
      expect(actions.latency).toMatchObject({
        ActionId: 'aws:lambda:invocation-add-delay',
        Parameters: {
          startupDelayMilliseconds: String(GAME_DAY_DEFAULTS.latency.startupDelayMilliseconds),
          invocationPercentage: String(GAME_DAY_DEFAULTS.latency.invocationPercentage),
        },
      });
      expect(actions.outage).toMatchObject({
        ActionId: 'aws:lambda:invocation-error',
        Parameters: { invocationPercentage: '100', preventExecution: 'true' },
      });
      for (const experiment of ofConsumer) {
        const { ConsumeFunction } = experiment.Properties.Targets;
        expect(ConsumeFunction.ResourceType).toBe('aws:lambda:function');
        expect(ConsumeFunction.SelectionMode).toBe('ALL');
        expect(ConsumeFunction.ResourceArns.map(logicalIdOf).sort()).toEqual(fnIds);
        expect(experiment.Properties.ExperimentOptions).toEqual({
          AccountTargeting: 'single-account',
          EmptyTargetResolutionMode: 'fail',
        });
      }
    }
  });

  it("stops every experiment on the queue-age SLA alarms of the function's own queues", () => {
    const t = template(cellId);
    for (const [consumer, queueNames] of consumers) {
      const alarmIds = queueNames.map(
        (q) => byName(t, 'AWS::CloudWatch::Alarm', 'AlarmName', `${q}-oldest-message-age`)[0],
      );
      for (const experiment of experimentTemplates(t).filter((x) => x.Properties.Tags.Name.includes(`-${consumer}-`))) {
        const conditions = experiment.Properties.StopConditions as { Source: string; Value: unknown }[];
        expect(conditions.map((c) => c.Source)).toEqual(queueNames.map(() => 'aws:cloudwatch:alarm'));
        expect(conditions.map((c) => logicalIdOf(c.Value)).sort()).toEqual([...alarmIds].sort());
      }
      // The SLA alarm fires at the 2-minute visibility SLA.
      for (const alarmId of alarmIds) {
        const alarm = resourcesOf(t, 'AWS::CloudWatch::Alarm').get(alarmId)!;
        expect(alarm.Properties).toMatchObject({ MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 120 });
      }
    }
  });

  it('runs them with a role only FIS experiments of this account can assume, allowed nothing but the fault configuration', () => {
    const t = template(cellId);
    const roleIds = new Set(experimentTemplates(t).map((x) => logicalIdOf(x.Properties.RoleArn)));
    expect(roleIds.size).toBe(1);
    const [roleId] = [...roleIds];
    const role = resourcesOf(t, 'AWS::IAM::Role').get(roleId!)!;
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const [trust] = role.Properties.AssumeRolePolicyDocument.Statement;
    expect(trust).toMatchObject({
      Action: 'sts:AssumeRole',
      Effect: 'Allow',
      Principal: { Service: 'fis.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': cell.account } },
    });
    expect(JSON.stringify(trust.Condition.ArnLike['aws:SourceArn'])).toContain(':experiment/*');

    const statements = statementsOfRole(t, roleId!);
    const bucketId = logicalIdOf(experimentBucket(t));
    const functionIds = [...consumers.keys()].flatMap((c) => consumeFunctionIds(t, cell, c)).sort();
    const byAction = new Map(statements.map((s) => [[s.Action].flat().sort().join(','), s]));
    const write = 's3:DeleteObject,s3:PutObject';
    expect([...byAction.keys()].sort()).toEqual(['kms:GenerateDataKey', 'lambda:GetFunction', write]);
    expect(JSON.stringify(byAction.get(write)!.Resource)).toContain(`/${FIS_CONFIG_PREFIX}*`);
    expect(logicalIdOf(byAction.get(write)!.Resource['Fn::Join'][1][0])).toBe(bucketId);
    expect([byAction.get('lambda:GetFunction')!.Resource].flat().map(logicalIdOf).sort()).toEqual(functionIds);
    expect(logicalIdOf(byAction.get('kms:GenerateDataKey')!.Resource)).toBe(logicalIdOf(cellKeyArn(t)));
    expect(statements.filter((s) => s.Resource === '*')).toEqual([]);
  });

  it('gives the consume functions the FIS extension and read access to the configuration prefix, and no other function', () => {
    const t = template(cellId);
    const bucketId = logicalIdOf(experimentBucket(t));
    const parameter = Object.values(t.toJSON().Parameters as Record<string, { Type: string; Default: string }>).find(
      (p) => p.Default === FIS_EXTENSION_LAYER_PARAMETER,
    );
    expect(parameter?.Type).toBe('AWS::SSM::Parameter::Value<String>');
    for (const [id, fn] of resourcesOf(t, 'AWS::Lambda::Function')) {
      const isConsumer = (fn.Properties.FunctionName as string).startsWith(`${prefix}-consume-`);
      const env = fn.Properties.Environment.Variables;
      if (!isConsumer) {
        expect(fn.Properties.Layers, id).toBeUndefined();
        expect(env.AWS_LAMBDA_EXEC_WRAPPER, id).toBeUndefined();
        continue;
      }
      expect(fn.Properties.Layers).toHaveLength(1);
      expect(env.AWS_LAMBDA_EXEC_WRAPPER).toBe('/opt/aws-fis/bootstrap');
      expect(JSON.stringify(env.AWS_FIS_CONFIGURATION_LOCATION)).toContain(`/${FIS_CONFIG_PREFIX}`);
      const locationParts = env.AWS_FIS_CONFIGURATION_LOCATION['Fn::Join'][1] as unknown[];
      expect(locationParts.filter((part) => typeof part !== 'string').map(logicalIdOf)).toContain(bucketId);
      const reads = statementsOfRole(t, logicalIdOf(fn.Properties.Role)).filter((s) =>
        JSON.stringify(s.Resource).includes(bucketId),
      );
      expect(reads.map((s) => s.Action).sort()).toEqual(['s3:GetObject', 's3:ListBucket']);
      expect(reads.find((s) => s.Action === 's3:ListBucket')!.Condition).toEqual({
        StringLike: { 's3:prefix': [`${FIS_CONFIG_PREFIX}*`] },
      });
    }
  });

  it('keeps fault configurations in a bucket encrypted with the cell key, TLS only, for one day', () => {
    const t = template(cellId);
    const bucket = resourcesOf(t, 'AWS::S3::Bucket').get(logicalIdOf(experimentBucket(t)))!;
    const encryption = bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0];
    expect(logicalIdOf(encryption.ServerSideEncryptionByDefault.KMSMasterKeyID)).toBe(logicalIdOf(cellKeyArn(t)));
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([{ ExpirationInDays: 1, Status: 'Enabled' }]);
  });

  it('publishes every template id for the game-day runbook', () => {
    const t = template(cellId);
    const parameters = new Set([...resourcesOf(t, 'AWS::SSM::Parameter').values()].map((p) => p.Properties.Name));
    for (const consumer of consumers.keys())
      for (const experiment of GAME_DAY_EXPERIMENTS)
        expect(parameters).toContain(`/bems/${cellId}/gamedays/${consumer}/${experiment}`);
  });
});

describe('game-day settings', () => {
  it('are checked up front, with every problem in one error', () => {
    const stack = new Stack();
    const build = () =>
      new GameDays(stack, 'GameDays', {
        prefix: 'bems-x',
        enabled: true,
        targets: [],
        slaAlarmOf: () => {
          throw new Error('not reached');
        },
        encryptionKey: new kms.Key(stack, 'Key'),
        settings: {
          errors: { duration: '10 minutes', invocationPercentage: 0 },
          latency: { duration: 'PT1M', invocationPercentage: 50, startupDelayMilliseconds: 0 },
        },
      });
    expect(build).toThrow(
      /errors\.duration "10 minutes"[\s\S]*errors\.invocationPercentage[\s\S]*startupDelayMilliseconds[\s\S]*no consume functions/,
    );
  });
});

describe('cdk-nag on the game-day resources', () => {
  it('acknowledges only the configuration-prefix wildcard and the bucket access log, each with its reason', () => {
    const suppressed = synth.report.pluginReports
      .flatMap((r) => r.suppressedViolations ?? [])
      .filter((v) => v.violatingConstructs?.some((c) => c.constructPath.includes('/GameDays/')));
    expect(new Set(suppressed.map((v) => v.ruleName.replace(/<[^>]+>/, '<bucket>')))).toEqual(
      new Set(['AwsSolutions-S1', `AwsSolutions-IAM5[Resource::<bucket>/${FIS_CONFIG_PREFIX}*]`]),
    );
    const violations = synth.report.pluginReports.flatMap((r) => r.violations);
    expect(violations).toEqual([]);
  });
});

/** The game-day bucket, found through what the experiment role may write to. */
function experimentBucket(t: Template): unknown {
  const [roleId] = new Set(experimentTemplates(t).map((x) => logicalIdOf(x.Properties.RoleArn)));
  const write = statementsOfRole(t, roleId!).find((s) => [s.Action].flat().includes('s3:PutObject'))!;
  return write.Resource['Fn::Join'][1][0];
}

function cellKeyArn(t: Template): unknown {
  const [keyId] = Object.keys(t.findResources('AWS::KMS::Key'));
  return { Ref: keyId };
}

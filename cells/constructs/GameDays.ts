import { Duration, type RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as fis from 'aws-cdk-lib/aws-fis';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { GAME_DAY_ENV } from '../../schemas/functionEnvironment.ts';
import { acknowledge } from './acknowledge.ts';
import type { CellFunction } from './CellFunction.ts';
import type { CellOutputs } from './CellOutputs.ts';
import { dataRemovalPolicy, encryptedBucketProps } from './cellData.ts';
import type { QueueWithDlq } from './QueueWithDlq.ts';

/** One consumer to run game days on: its consume functions (one per stage) and their queues. */
export interface GameDayTarget {
  /** Consumer name, e.g. `recorder`; part of template names. */
  readonly consumer: string;
  /** Its consume functions, one per stage it serves. */
  readonly functions: readonly CellFunction[];
  /** Their FIFO queues, one per stage. */
  readonly queues: readonly QueueWithDlq[];
}

/** An invocation fault: how long, on which share of invocations. */
export interface InvocationFault {
  /** ISO 8601 duration of the fault, e.g. `PT10M`. */
  readonly duration: string;
  /** Share of invocations (1–100) the fault hits. */
  readonly invocationPercentage: number;
}

export interface GameDaySettings {
  /** Some invocations fail without running the handler: retries and redeliveries absorb them. */
  readonly errors: InvocationFault;
  /** Some invocations start late: throughput drops, queue age grows, nothing fails. */
  readonly latency: InvocationFault & { readonly startupDelayMilliseconds: number };
  /** Every invocation fails: the backlog grows until the SLA alarm stops the experiment. */
  readonly outage: InvocationFault;
}

/**
 * Game-day defaults. Errors at 25 % mean a message fails five receives in a row (maxReceiveCount)
 * with a chance of 0.1 %; the latency (5 s) stays inside the consume timeout (10 s for the default
 * 60 s visibility timeout); the outage lasts longer than the 2-minute SLA on purpose, so the stop
 * condition is exercised before anything exhausts its receives (5 × 60 s).
 */
export const GAME_DAY_DEFAULTS: GameDaySettings = {
  errors: { duration: 'PT10M', invocationPercentage: 25 },
  latency: { duration: 'PT10M', invocationPercentage: 50, startupDelayMilliseconds: 5_000 },
  outage: { duration: 'PT5M', invocationPercentage: 100 },
};

/** The experiments each target gets, by the name in its template and output path. */
export const GAME_DAY_EXPERIMENTS = ['errors', 'latency', 'outage'] as const;
export type GameDayExperiment = (typeof GAME_DAY_EXPERIMENTS)[number];

/** Where FIS writes fault configurations and the Lambda extension reads them. */
export const FIS_CONFIG_PREFIX = 'FisConfigs/';

/**
 * The public SSM parameter with the FIS Lambda extension layer ARN of the Region (the cell's
 * functions run on arm64). Resolved at deploy time, so synthesis needs no AWS account.
 */
export const FIS_EXTENSION_LAYER_PARAMETER = '/aws/service/fis/lambda-extension/AWS-FIS-extension-arm64/1.x.x';

/** FIS allows at most this many stop conditions per experiment template (service quota). */
const MAX_STOP_CONDITIONS = 5;

export interface GameDaysProps {
  readonly prefix: string;
  /**
   * Whether the cell opted in to game days (`gameDays.enabled` in its definition). Off, nothing is
   * created and the consume functions carry no FIS extension: no layer, no wrapper, no read access
   * to fault configurations — code that can make a function fail is only there when wanted.
   * @default false
   */
  readonly enabled?: boolean;
  /** The consume functions, one experiment set each. */
  readonly targets: readonly GameDayTarget[];
  /**
   * The queue-age SLA alarm of a queue (ApproximateAgeOfOldestMessage ≥ 2 minutes). The alarms of
   * a target's queues are the stop conditions of its experiments.
   */
  readonly slaAlarmOf: (queue: QueueWithDlq) => cloudwatch.IAlarm;
  /** The cell key: the configuration bucket is encrypted with it. */
  readonly encryptionKey: kms.IKey;
  /** @default GAME_DAY_DEFAULTS */
  readonly settings?: Partial<GameDaySettings>;
  /** @default the layer named by FIS_EXTENSION_LAYER_PARAMETER */
  readonly extensionLayerArn?: string;
  /**
   * The configuration bucket outlives a stack delete: deleting a bucket that still holds an
   * object fails, and a configuration lives a day after an experiment. Its name is generated, and
   * what it keeps expires within a day.
   * @default CELL_DATA_REMOVAL_POLICY (RetainExceptOnCreate)
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * AWS FIS experiment templates for game days on the consumers (issue 8): Lambda invocation errors,
 * added latency, and a full outage, per consume function, each stopped by the queue-age SLA alarms
 * of that function's queues. The experiments use the FIS Lambda extension, so this construct also
 * attaches it to the targets (a layer, its wrapper, and read access to the configuration prefix);
 * without an experiment running the extension only polls S3 and changes nothing.
 *
 * The experiment role may write fault configurations under the prefix and read the target
 * functions, nothing else. FIS experiment logging to CloudWatch Logs is left out: its log-delivery
 * APIs have no resource-level permissions, and the experiment history in FIS plus the cell's
 * alarms and dashboard are the game-day record (docs/OPERATIONS.md, "Game days").
 */
export class GameDays extends Construct {
  /** Where FIS and the extension exchange fault configurations (absent unless enabled). */
  public readonly configBucket?: s3.Bucket;
  public readonly role?: iam.Role;
  /** Templates by consumer, then experiment. */
  public readonly templates: ReadonlyMap<string, ReadonlyMap<GameDayExperiment, fis.CfnExperimentTemplate>>;

  constructor(scope: Construct, id: string, props: GameDaysProps) {
    super(scope, id);
    if (!props.enabled) {
      this.templates = new Map();
      return;
    }
    const settings: GameDaySettings = { ...GAME_DAY_DEFAULTS, ...props.settings };
    validate(props, settings);
    this.configBucket = this.createConfigBucket(props);
    const layer = lambda.LayerVersion.fromLayerVersionArn(
      this,
      'FisExtension',
      props.extensionLayerArn ?? ssm.StringParameter.valueForStringParameter(this, FIS_EXTENSION_LAYER_PARAMETER),
    );
    for (const target of props.targets)
      for (const fn of target.functions) this.equipWithExtension(fn, layer, props.encryptionKey);
    const role = this.createExperimentRole(props);
    this.role = role;
    this.templates = new Map(
      props.targets.map((target) => [target.consumer, this.createTemplates(target, settings, props, role)] as const),
    );
    Tags.of(this).add('bems:purpose', 'game-day');
  }

  private get bucket(): s3.Bucket {
    if (!this.configBucket) throw new Error('game days are not enabled');
    return this.configBucket;
  }

  /** Each experiment template's id, for `aws fis start-experiment` (`CellOutputs`). */
  addOutputs(out: CellOutputs): void {
    for (const [consumer, experiments] of this.templates) {
      for (const [experiment, template] of experiments) {
        out.add(
          `gamedays/${consumer}/${experiment}`,
          template.attrId,
          `FIS experiment template: ${experiment} on the ${consumer} consume functions (aws fis start-experiment)`,
        );
      }
    }
  }

  private get configObjects(): string {
    return this.bucket.arnForObjects(`${FIS_CONFIG_PREFIX}*`);
  }

  /** The acknowledgement id of a wildcard over the configuration objects. */
  private get configObjectsFinding(): string {
    const stack = Stack.of(this);
    return `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>/${FIS_CONFIG_PREFIX}*]`;
  }

  private createConfigBucket(props: GameDaysProps): s3.Bucket {
    const removalPolicy = dataRemovalPolicy(props);
    const bucket = new s3.Bucket(this, 'FisConfig', {
      ...encryptedBucketProps(props.encryptionKey),
      removalPolicy,
      // A configuration is only read while its experiment runs (at most hours).
      lifecycleRules: [{ expiration: Duration.days(1) }],
    });
    // The TLS-only policy stays with a kept bucket.
    bucket.policy?.applyRemovalPolicy(removalPolicy);
    acknowledge(
      bucket,
      'AwsSolutions-S1',
      'Holds only FIS fault configurations that live for one experiment; FIS writes them and the Lambda extension reads them. The experiment history in FIS is the audit trail.',
    );
    return bucket;
  }

  /** The FIS extension on one consume function: its layer, its variables, and read access to the configurations. */
  private equipWithExtension(target: CellFunction, layer: lambda.ILayerVersion, encryptionKey: kms.IKey): void {
    const configLocation = `arn:${Stack.of(this).partition}:s3:::${this.bucket.bucketName}/${FIS_CONFIG_PREFIX}`;
    const fn = target.function;
    fn.addLayers(layer);
    // The extension wraps the runtime and asks S3 for an active fault before each invocation.
    fn.addEnvironment(GAME_DAY_ENV.execWrapper, '/opt/aws-fis/bootstrap');
    fn.addEnvironment(GAME_DAY_ENV.fisConfigurationLocation, configLocation);
    target.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ListFisConfigurations',
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${FIS_CONFIG_PREFIX}*`] } },
      }),
    );
    target.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadFisConfigurations',
        actions: ['s3:GetObject'],
        resources: [this.configObjects],
      }),
    );
    encryptionKey.grantDecrypt(target.role);
    acknowledge(
      target.role,
      this.configObjectsFinding,
      'The FIS Lambda extension reads fault configurations FIS writes under one prefix of the game-day bucket; their names are chosen by FIS per experiment.',
    );
  }

  private createExperimentRole(props: GameDaysProps): iam.Role {
    const stack = Stack.of(this);
    const role = new iam.Role(this, 'ExperimentRole', {
      description: `FIS experiments of ${props.prefix}: writes fault configurations for the consume functions`,
      assumedBy: new iam.ServicePrincipal('fis.amazonaws.com', {
        // Only FIS experiments of this account may assume it (confused-deputy protection).
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:fis:${stack.region}:${stack.account}:experiment/*` },
        },
      }),
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteFaultConfigurations',
        actions: ['s3:PutObject', 's3:DeleteObject'],
        resources: [this.configObjects],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadTargetFunctions',
        actions: ['lambda:GetFunction'],
        resources: props.targets.flatMap((t) => t.functions.map((fn) => fn.function.functionArn)),
      }),
    );
    props.encryptionKey.grant(role, 'kms:GenerateDataKey');
    acknowledge(
      role,
      this.configObjectsFinding,
      'FIS writes one fault configuration per experiment and function under this prefix of the game-day bucket, with names it chooses; nothing else in the account is writable.',
    );
    return role;
  }

  /** One experiment template per experiment on one consumer's functions, stopped by their queues' SLA alarms. */
  private createTemplates(
    target: GameDayTarget,
    settings: GameDaySettings,
    props: GameDaysProps,
    role: iam.Role,
  ): Map<GameDayExperiment, fis.CfnExperimentTemplate> {
    const stopConditions = target.queues.map((queue) => ({
      source: 'aws:cloudwatch:alarm',
      value: props.slaAlarmOf(queue).alarmArn,
    }));
    const targets = {
      ConsumeFunction: {
        resourceType: 'aws:lambda:function',
        resourceArns: target.functions.map((fn) => fn.function.functionArn),
        selectionMode: 'ALL',
      },
    };
    const byExperiment = new Map<GameDayExperiment, fis.CfnExperimentTemplate>();
    for (const { experiment, description, action } of experimentsOf(settings)) {
      const template = new fis.CfnExperimentTemplate(this, `${target.consumer}-${experiment}`, {
        description: `${props.prefix} ${target.consumer}: ${description}`.slice(0, 512),
        roleArn: role.roleArn,
        stopConditions,
        targets,
        actions: { [experiment]: action },
        experimentOptions: { accountTargeting: 'single-account', emptyTargetResolutionMode: 'fail' },
        tags: { Name: `${props.prefix}-gameday-${target.consumer}-${experiment}` },
      });
      byExperiment.set(experiment, template);
    }
    return byExperiment;
  }
}

/** The experiments of a game day: what each one does to the consume function it targets. */
function experimentsOf(settings: GameDaySettings): {
  readonly experiment: GameDayExperiment;
  readonly description: string;
  readonly action: fis.CfnExperimentTemplate.ExperimentTemplateActionProperty;
}[] {
  const { errors, latency, outage } = settings;
  return [
    {
      experiment: 'errors',
      description: `${errors.invocationPercentage}% of consume invocations fail for ${errors.duration}`,
      action: {
        actionId: 'aws:lambda:invocation-error',
        description: 'Invocations fail without running the handler; SQS redelivers the batch.',
        parameters: {
          duration: errors.duration,
          invocationPercentage: String(errors.invocationPercentage),
          preventExecution: 'true',
        },
        targets: { Functions: 'ConsumeFunction' },
      },
    },
    {
      experiment: 'latency',
      description: `${latency.invocationPercentage}% of consume invocations start ${latency.startupDelayMilliseconds} ms late for ${latency.duration}`,
      action: {
        actionId: 'aws:lambda:invocation-add-delay',
        description: 'Invocations start late: throughput drops, queue age grows.',
        parameters: {
          duration: latency.duration,
          invocationPercentage: String(latency.invocationPercentage),
          startupDelayMilliseconds: String(latency.startupDelayMilliseconds),
        },
        targets: { Functions: 'ConsumeFunction' },
      },
    },
    {
      experiment: 'outage',
      description: `every consume invocation fails until the queue-age SLA alarm stops it (at most ${outage.duration})`,
      action: {
        actionId: 'aws:lambda:invocation-error',
        description: 'A consumer outage: the backlog grows until the SLA alarm ends the experiment.',
        parameters: {
          duration: outage.duration,
          invocationPercentage: String(outage.invocationPercentage),
          preventExecution: 'true',
        },
        targets: { Functions: 'ConsumeFunction' },
      },
    },
  ];
}

/** Checks the settings and targets up front and reports every problem in one error. */
function validate(props: GameDaysProps, settings: GameDaySettings): void {
  const problems: string[] = [];
  for (const [name, fault] of Object.entries(settings) as [string, InvocationFault][]) {
    if (!/^PT(\d+H)?(\d+M)?(\d+S)?$/.test(fault.duration) || fault.duration === 'PT')
      problems.push(`${name}.duration "${fault.duration}" is not an ISO 8601 duration such as PT10M`);
    if (
      !Number.isInteger(fault.invocationPercentage) ||
      fault.invocationPercentage < 1 ||
      fault.invocationPercentage > 100
    )
      problems.push(`${name}.invocationPercentage must be a whole number 1-100, got ${fault.invocationPercentage}`);
  }
  const delay = settings.latency.startupDelayMilliseconds;
  if (!Number.isInteger(delay) || delay < 1 || delay > 900_000)
    problems.push(`latency.startupDelayMilliseconds must be 1-900000, got ${delay}`);
  if (props.targets.length === 0) problems.push('no consume functions to target');
  for (const target of props.targets) {
    if (target.queues.length === 0) problems.push(`${target.consumer}: no queues, so no SLA alarm to stop on`);
    if (target.queues.length > MAX_STOP_CONDITIONS)
      problems.push(
        `${target.consumer}: ${target.queues.length} queues, but FIS allows ${MAX_STOP_CONDITIONS} stop conditions`,
      );
  }
  if (problems.length) throw new Error(`invalid game-day settings:\n  - ${problems.join('\n  - ')}`);
}

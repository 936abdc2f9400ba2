import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { AssetHashType, DockerImage, Duration, type ILocalBundling } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { EventSourcePlan, FunctionPlan, HandlerName } from '../functionPlan.ts';
import { acknowledge } from './acknowledge.ts';
import { CELL_DATA_REMOVAL_POLICY } from './cellData.ts';
import { CELL_DEFAULTS } from './defaults.ts';

/** The repository root: handlers are bundled from `<root>/handlers/<name>.ts`. */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..');

/**
 * Context key that replaces bundling with a placeholder inline function. Only for infrastructure
 * tests that are not about the code (bundling four functions per cell per test file is slow);
 * `npm run synth` and the bundling test always bundle for real.
 */
export const SKIP_BUNDLING_CONTEXT = 'bems:skipBundling';

/** Bundles one handler with esbuild's API: `lambdaBundling.ts`. */
const BUNDLE_SCRIPT = path.join(import.meta.dirname, 'bundleLambda.ts');

export type { HandlerName };

export interface CellFunctionProps {
  /** The function as the cell's function plan defines it (`cells/functionPlan.ts`). */
  readonly plan: FunctionPlan;
  /** Its environment, `functionEnvironment(cell, plan, resources)`. */
  readonly environment: Readonly<Record<string, string>>;
  /** Encrypts the function's log group. */
  readonly encryptionKey: kms.IKey;
  /** @default CELL_DEFAULTS.logRetention */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Why the role needs other actions without a resource scope (X-Ray's is always there), for the
   * `AwsSolutions-IAM5[Resource::*]` acknowledgement.
   * @default - X-Ray only
   */
  readonly unscopedActionReasons?: readonly string[];
}

/**
 * A BEMS Lambda function with the cell's production defaults: Node.js 24 on arm64, ESM bundled by
 * the local esbuild (never Docker), active tracing (Lambda's trace endpoint, which the handlers send
 * OpenTelemetry spans to: ADR 0019; no layer), JSON logs into its own encrypted log group with
 * retention, and its own role that starts empty — permissions come only from `grant*` calls.
 */
export class CellFunction extends Construct {
  public readonly function: lambda.Function;
  public readonly plan: FunctionPlan;
  /** The physical function name (a plain string, unlike `function.functionName`). */
  public readonly functionName: string;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;
  /**
   * What callers invoke: the `live` alias holding the plan's provisioned concurrency when it has
   * some (invoking `$LATEST` would bypass the warm instances), else the function itself.
   */
  public readonly invocable: lambda.IFunction;

  constructor(scope: Construct, id: string, props: CellFunctionProps) {
    super(scope, id);
    const { plan } = props;
    assertEnvironmentFits(plan.functionName, props.environment);
    this.plan = plan;
    this.functionName = plan.functionName;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${plan.functionName}`,
      retention: props.logRetention ?? CELL_DEFAULTS.logRetention,
      encryptionKey: props.encryptionKey,
      // Logs are evidence for an investigation after a delete; a failed first create leaves none.
      removalPolicy: CELL_DATA_REMOVAL_POLICY,
    });
    // No AWSLambdaBasicExecutionRole: the managed policy may write to any log group. The role gets
    // exactly this log group, and what the stack grants it.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${plan.functionName}`,
    });
    this.logGroup.grantWrite(this.role);

    const common = {
      functionName: plan.functionName,
      description: plan.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: plan.memoryMiB,
      timeout: Duration.seconds(plan.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      // Active tracing: Lambda samples, starts the trace (or continues API Gateway's), sets
      // AWS_XRAY_DAEMON_ADDRESS, and grants xray:PutTraceSegments/PutTelemetryRecords.
      tracing: lambda.Tracing.ACTIVE,
      reservedConcurrentExecutions: plan.reservedConcurrentExecutions,
      environment: { ...props.environment },
      recursiveLoop: lambda.RecursiveLoop.TERMINATE,
    } satisfies Partial<lambda.FunctionProps>;

    if (this.node.tryGetContext(SKIP_BUNDLING_CONTEXT) === true) {
      this.function = new lambda.Function(this, 'Function', {
        ...common,
        handler: 'index.handler',
        code: lambda.Code.fromInline(`exports.handler = async () => { throw new Error('${SKIP_BUNDLING_CONTEXT}'); };`),
      });
    } else {
      const entry = path.join(PROJECT_ROOT, 'handlers', `${plan.handler}.ts`);
      if (!existsSync(entry)) throw new Error(`handler entry point ${entry} does not exist`);
      this.function = new lambda.Function(this, 'Function', {
        ...common,
        handler: 'index.handler',
        // As NodejsFunction does: the asset is the bundle, hashed from the output (the source is
        // the whole project, which is never copied or fingerprinted).
        code: lambda.Code.fromAsset(PROJECT_ROOT, {
          assetHashType: AssetHashType.OUTPUT,
          bundling: {
            // Required by the type; never pulled, because local bundling always answers.
            image: DockerImage.fromRegistry('bems/no-docker-bundling'),
            local: new EsbuildLocalBundling(PROJECT_ROOT, plan.handler),
          },
        }),
      });
    }

    this.invocable = this.liveAlias() ?? this.function;

    const unscoped = [
      'X-Ray PutTraceSegments/PutTelemetryRecords (active tracing) have no resource-level permissions',
      ...(props.unscopedActionReasons ?? []),
    ];
    acknowledge(
      this.role,
      'AwsSolutions-IAM5[Resource::*]',
      `${unscoped.join('; ')}. Every other statement is scoped to this cell by grant*.`,
    );
  }

  /** The `live` alias on the current version with the plan's provisioned concurrency, if it has some. */
  private liveAlias(): lambda.Alias | undefined {
    if (this.plan.provisionedConcurrency === undefined) return undefined;
    return new lambda.Alias(this, 'Live', {
      aliasName: 'live',
      version: this.function.currentVersion,
      provisionedConcurrentExecutions: this.plan.provisionedConcurrency,
    });
  }

  /** Feeds the function from `queue` with the settings of one of its plan's event sources. */
  addQueueEventSource(source: EventSourcePlan, queue: sqs.IQueue): void {
    this.invocable.addEventSource(
      new SqsEventSource(queue, {
        batchSize: source.batchSize,
        maxBatchingWindow:
          source.batchingWindowSeconds > 0 ? Duration.seconds(source.batchingWindowSeconds) : undefined,
        reportBatchItemFailures: source.reportBatchItemFailures,
        maxConcurrency: source.maxConcurrency,
      }),
    );
  }

  /**
   * Acknowledges the KMS action wildcards that `grant*` on the cell key writes (for example
   * `kms:GenerateDataKey*` from `topic.grantPublish`): they cover the data-key variants SNS and SQS
   * call, on the one cell key.
   */
  acknowledgeKeyGrantWildcards(...actions: readonly string[]): void {
    for (const action of actions) {
      acknowledge(
        this.role,
        `AwsSolutions-IAM5[Action::${action}]`,
        `${action} is how grant* on an SNS topic or SQS queue lets the function use the data keys of the cell KMS key (the only key in the statement).`,
      );
    }
  }
}

/**
 * The local bundling of one handler: `bundleLambda.ts` in a child Node (the CDK's hook is
 * synchronous, esbuild's plugins are not). Its fields are what the CDK's asset cache keys on, so
 * two handlers never share a bundle.
 */
class EsbuildLocalBundling implements ILocalBundling {
  constructor(
    readonly projectRoot: string,
    readonly handler: string,
  ) {}

  tryBundle(outputDir: string): boolean {
    const outfile = path.join(outputDir, 'index.mjs');
    const result = spawnSync(process.execPath, [BUNDLE_SCRIPT, this.projectRoot, this.handler, outfile], {
      cwd: this.projectRoot,
      stdio: ['ignore', 'inherit', 'inherit'],
      // The child is plain Node: no TypeScript loader of the parent (tsx) is inherited.
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    if (result.error) throw result.error;
    if (result.status !== 0) throw new Error(`bundling handlers/${this.handler}.ts failed (exit ${result.status})`);
    return true;
  }
}

/** Lambda refuses an environment larger than 4 KB (names and values); a deploy is a bad place to learn that. */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;
/** What an unresolved token (an ARN, a URL) is assumed to take once deployed. */
const TOKEN_ESTIMATE_BYTES = 120;
/** How the CDK encodes a token inside a string. */
const STRING_TOKEN = /\$\{Token\[[^\]]+\]\}/g;

function assertEnvironmentFits(functionName: string, environment: Readonly<Record<string, string>>): void {
  let bytes = 0;
  for (const [name, value] of Object.entries(environment)) {
    const tokens = value.match(STRING_TOKEN) ?? [];
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.replace(STRING_TOKEN, ''));
    bytes += tokens.length * TOKEN_ESTIMATE_BYTES;
  }
  if (bytes > LAMBDA_ENVIRONMENT_LIMIT_BYTES) {
    throw new Error(
      `environment of ${functionName} would take about ${bytes} bytes; Lambda allows ${LAMBDA_ENVIRONMENT_LIMIT_BYTES}`,
    );
  }
}

import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import type { CellDefinition } from '../../cells/definition.ts';
import { cellTopology, resourcePrefix } from '../../cells/topology.ts';
import {
  S3MonitorStateStore,
  SqsCloudWatchQueueStats,
  TimestreamStuckInvoiceSource,
} from '../../handlers/monitor/index.ts';
import { DynamoFailureStore, type ParkedStore, S3ParkedStore } from '../../handlers/shared/dlq/index.ts';
import { MonitorTopologySchema } from '../../schemas/monitorTopology.ts';
import { TargetError } from '../errors.ts';
import { fatalReason } from '../preflight/awsErrors.ts';
import { awsReplayCounter } from '../replay/awsReplayCounter.ts';
import type { CellTarget } from './CellTarget.ts';
import type { CellSession } from './cellSession.ts';

/** The outputs a command needs, by their path under `/bems/<cellId>/` (cells/constructs/CellOutputs.ts). */
export const REQUIRED_OUTPUTS = ['topology', 'bus/name', 'bus/arn', 'archive/name', 'archive/arn'] as const;

export interface AwsClients {
  readonly ssm?: SSMClient;
  readonly cloudFormation?: CloudFormationClient;
  readonly sqs?: SQSClient;
  readonly eventBridge?: EventBridgeClient;
  readonly cloudWatch?: CloudWatchClient;
  readonly timestreamQuery?: TimestreamQueryClient;
  readonly s3?: S3Client;
  readonly dynamoDB?: DynamoDBClient;
  readonly sts?: STSClient;
}

/**
 * A deployed cell, found from what its stack publishes: every output is also an SSM parameter under
 * `/bems/<cellId>/` (one GetParametersByPath returns the whole cell); when parameters cannot be read
 * the CloudFormation stack outputs of `bems-<cellId>` are used. Clients are configured by `session`
 * (cellSession.ts: the cell's Region, and the profile or the assumed cell role), else they use the
 * standard AWS chain in the cell's Region. The SLA check queries the cell's Timestream table, as
 * the monitor does (the caller needs `timestream:Select` on it).
 */
export async function awsTarget(
  cell: CellDefinition,
  clients: AwsClients = {},
  session?: CellSession,
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<CellTarget> {
  const region = cell.region;
  const config = session?.clientConfig ?? { region };
  const ssm = clients.ssm ?? new SSMClient(config);
  let outputs: Map<string, string>;
  try {
    outputs = await readOutputs(cell.id, ssm, clients.cloudFormation ?? new CloudFormationClient(config));
  } catch (error) {
    ssm.destroy();
    session?.close();
    throw error;
  }
  const missing = REQUIRED_OUTPUTS.filter((path) => !outputs.has(path));
  if (missing.length) {
    throw new TargetError(
      `cell ${cell.id} publishes no ${missing.join(', ')}: is the stack deployed with this version?`,
    );
  }
  const topology = MonitorTopologySchema.safeParse(safeJson(outputs.get('topology')!));
  if (!topology.success) throw new TargetError(`cell ${cell.id}: the published topology is not valid`);
  const sqs = clients.sqs ?? new SQSClient(config);
  const eventBridge = clients.eventBridge ?? new EventBridgeClient(config);
  const cloudWatch = clients.cloudWatch ?? new CloudWatchClient(config);
  const timestreamQuery = clients.timestreamQuery ?? new TimestreamQueryClient(config);
  const s3 = clients.s3 ?? new S3Client(config);
  const dynamoDB = clients.dynamoDB ?? new DynamoDBClient(config);
  const sts = clients.sts ?? new STSClient(config);
  const { timestreamDatabase, timestreamTable, failureTable } = cellTopology(cell);
  const parkedBucket = outputs.get('dlq/parked-bucket');
  const busName = outputs.get('bus/name')!;
  const busArn = outputs.get('bus/arn')!;
  const stateKey = outputs.get('monitor/state-key');
  const ruleArnPrefix = busArn.replace(/:event-bus\/.*$/, ':rule/');
  return {
    kind: 'aws',
    cellId: cell.id,
    region,
    ...(session?.roleArn ? { roleArn: session.roleArn } : {}),
    description:
      `AWS cell "${cell.id}" (${region}, account ${cell.account})` +
      (session?.roleArn ? ` as ${session.roleArn.split('/').pop()}/${session.sessionName}` : ''),
    topology: topology.data,
    redrive: cell.redrive,
    sqs,
    eventBridge,
    queueStats: new SqsCloudWatchQueueStats(sqs, cloudWatch),
    stuckInvoices: new TimestreamStuckInvoiceSource({
      client: timestreamQuery,
      database: timestreamDatabase,
      table: timestreamTable,
    }),
    ...(stateKey && parkedBucket ? { monitorState: new S3MonitorStateStore(s3, parkedBucket, stateKey) } : {}),
    replayCounter: awsReplayCounter({
      cloudWatch,
      busName,
      ruleName: (stage) => `${resourcePrefix(cell.id)}-${stage}`,
      ...(cell.analytics.store === 'timestream'
        ? { timestream: { client: timestreamQuery, database: timestreamDatabase, table: timestreamTable } }
        : {}),
      primaryConsumers: Object.fromEntries(topology.data.stages.map((s) => [s.stage, s.consumers[0]!.consumer])),
    }),
    parkedStore: parkedBucket
      ? new S3ParkedStore({ client: s3, bucket: parkedBucket })
      : unavailableParkedStore(`cell ${cell.id} publishes no dlq/parked-bucket: deploy this version of the stack`),
    failures: new DynamoFailureStore(dynamoDB, failureTable),
    operator: async () => {
      if (env.BEMS_OPERATOR) return env.BEMS_OPERATOR;
      const { Arn } = await sts.send(new GetCallerIdentityCommand({}));
      return Arn ?? 'unknown';
    },
    bus: { name: busName, arn: busArn },
    archive: { name: outputs.get('archive/name')!, arn: outputs.get('archive/arn')! },
    ruleArn: (stage) => `${ruleArnPrefix}${busName}/${resourcePrefix(cell.id)}-${stage}`,
    components: async () => [],
    waitTimeSeconds: 1,
    pollMs: 5000,
    supportsMoveTask: true,
    close: () => {
      sqs.destroy();
      eventBridge.destroy();
      cloudWatch.destroy();
      timestreamQuery.destroy();
      ssm.destroy();
      s3.destroy();
      dynamoDB.destroy();
      sts.destroy();
      session?.close();
    },
  };
}

async function readOutputs(
  cellId: string,
  ssm: SSMClient,
  cloudFormation: CloudFormationClient,
): Promise<Map<string, string>> {
  const prefix = `/bems/${cellId}/`;
  const outputs = new Map<string, string>();
  let ssmError: unknown;
  try {
    let NextToken: string | undefined;
    do {
      const page = await ssm.send(new GetParametersByPathCommand({ Path: prefix, Recursive: true, NextToken }));
      for (const parameter of page.Parameters ?? []) {
        if (parameter.Name && parameter.Value !== undefined)
          outputs.set(parameter.Name.slice(prefix.length), parameter.Value);
      }
      NextToken = page.NextToken;
    } while (NextToken);
  } catch (error) {
    // No credentials, an expired session, no network: the same for the fallback; say it (cli.ts) with its hint.
    if (fatalReason(error, { region: 'the Region' })) throw error;
    ssmError = error;
  }
  if (REQUIRED_OUTPUTS.every((path) => outputs.has(path))) return outputs;
  try {
    const { Stacks = [] } = await cloudFormation.send(new DescribeStacksCommand({ StackName: resourcePrefix(cellId) }));
    const byKey = new Map((Stacks[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
    for (const path of [...REQUIRED_OUTPUTS, 'monitor/state-key', 'dlq/parked-bucket']) {
      const value = byKey.get(outputKeyOf(path));
      if (value !== undefined && !outputs.has(path)) outputs.set(path, value);
    }
  } catch (error) {
    const reason = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    throw new TargetError(
      `cannot find cell ${cellId}: SSM ${prefix}* ${ssmError ? `failed (${reason(ssmError)})` : 'is incomplete'}, ` +
        `and stack ${resourcePrefix(cellId)} could not be described (${reason(error)})`,
      { cause: error },
    );
  }
  return outputs;
}

/** The CloudFormation output key of an output path, as CellOutputs derives it: `bus/name` → `BusName`. */
export function outputKeyOf(path: string): string {
  return path
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A parked store whose every call says why there is none (an older stack). */
function unavailableParkedStore(reason: string): ParkedStore {
  const fail = async (): Promise<never> => {
    throw new TargetError(reason);
  };
  return { location: 'none', put: fail, get: fail, list: fail, remove: fail, audit: fail, auditTrail: fail };
}

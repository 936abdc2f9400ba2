import type * as z from 'zod';
import { ALERT_SEVERITIES, type AlertSeverity } from '../../schemas/alerts.ts';
import { MONITOR_ENV } from '../../schemas/functionEnvironment.ts';
import {
  type MonitorTopology,
  MonitorTopologySchema,
  type RedrivePolicy,
  RedrivePolicySchema,
} from '../../schemas/monitorTopology.ts';
import {
  type AwsClientConfig,
  awsClientConfig,
  sqsClientConfig,
  timestreamQueryClientConfig,
  timestreamWriteClientConfig,
} from '../shared/awsClientConfig.ts';
import type { Env, EnvReader } from '../shared/EnvReader.ts';
import type { CommonHandlerConfig } from '../shared/handlerConfig.ts';
import { readHandlerConfig, readJsonVariable } from '../shared/readHandlerConfig.ts';
import { MONITOR_DEFAULTS } from './defaults.ts';

/**
 * The configuration of the stuck-event monitor Lambda (`handlers/monitor.ts`).
 *
 * Environment (the contract with `cells/constructs/StuckEventMonitor.ts`):
 * - `CELL_TOPOLOGY`: MonitorTopology JSON (queues, DLQs, SLAs);
 * - `ALERT_TOPIC_ARNS`: `{"critical": arn, "warning": arn, "info": arn}`;
 * - `REDRIVE_POLICY`: `{automatic, ratePerSecond, budgetPerMessage}` (defaults of the cell definition when absent);
 * - `MONITOR_STATE_BUCKET` and `MONITOR_STATE_KEY` (an S3 object) or `MONITOR_STATE_FILE` (a JSON file path): the alert state;
 * - `TIMESTREAM_DATABASE_NAME`, `TIMESTREAM_TABLE_NAME`: the SLA query (Timestream Query) and the write
 *   probe run before redriving a consumer DLQ; without them the SLA check reports itself unavailable;
 * - `PARKED_BUCKET_NAME` (S3) or `PARKED_DIRECTORY` (the local cell): the parked store, so an alert
 *   closes as soon as its messages are parked; neither: alerts close the usual way only.
 */

export interface MonitorConfig extends CommonHandlerConfig {
  readonly topology: MonitorTopology;
  readonly alertTopicArns: Readonly<Record<AlertSeverity, string>>;
  readonly redrive: RedrivePolicy;
  readonly state:
    | { readonly kind: 's3'; readonly bucket: string; readonly key: string }
    | { readonly kind: 'file'; readonly path: string };
  readonly timestream?: { readonly databaseName: string; readonly tableName: string };
  readonly parked?:
    | { readonly kind: 's3'; readonly bucket: string }
    | { readonly kind: 'file'; readonly directory: string };
  readonly s3: AwsClientConfig;
  readonly sqs: ReturnType<typeof sqsClientConfig>;
  readonly sns: AwsClientConfig;
  readonly cloudwatch: AwsClientConfig;
  readonly timestreamWrite: AwsClientConfig;
  readonly timestreamQuery: AwsClientConfig;
}

export function monitorConfigFromEnv(env: Env): MonitorConfig {
  return readHandlerConfig(env, 'bems-monitor', (reader, common) => {
    const topology = jsonVariable(reader, MONITOR_ENV.cellTopology, MonitorTopologySchema, true);
    if (topology && common.cellId && topology.cellId !== common.cellId) {
      reader.problem(MONITOR_ENV.cellTopology, `describes cell "${topology.cellId}" but CELL_ID is "${common.cellId}"`);
    }
    const alertTopicArns = alertTopicsFromEnv(reader);
    const redrive =
      jsonVariable(reader, MONITOR_ENV.redrivePolicy, RedrivePolicySchema, false) ?? RedrivePolicySchema.parse({});
    const state = stateStoreFromEnv(reader);
    const timestream = timestreamFromEnv(reader);
    const sqs = sqsClientConfig(reader);
    const sns = awsClientConfig('sns', reader);
    const cloudwatch = awsClientConfig('cloudwatch', reader);
    const timestreamWrite = timestreamWriteClientConfig(reader);
    // One Query call must not outlive the SLA check's budget (it is also enforced across pages).
    const timestreamQuery = timestreamQueryClientConfig(reader, {
      requestTimeoutMs: MONITOR_DEFAULTS.sla.queryBudgetMs,
    });
    const parked = parkedStoreFromEnv(reader);
    return {
      // Both undefined only when the reader has a problem to report: assertValid throws then.
      topology: topology!,
      alertTopicArns: alertTopicArns as Record<AlertSeverity, string>,
      redrive,
      state: state!,
      ...(timestream ? { timestream } : {}),
      ...(parked ? { parked } : {}),
      s3: overrideEndpoint(reader, sns, 'AWS_ENDPOINT_URL_S3'),
      sqs,
      sns,
      cloudwatch,
      timestreamWrite,
      timestreamQuery,
    };
  });
}

function stateStoreFromEnv(reader: EnvReader): MonitorConfig['state'] | undefined {
  const bucket = reader.optional(MONITOR_ENV.stateBucket);
  const key = reader.optional(MONITOR_ENV.stateKey);
  const path = reader.optional(MONITOR_ENV.stateFile);
  if (Boolean(bucket) !== Boolean(key)) {
    const [missing, given] = bucket
      ? [MONITOR_ENV.stateKey, MONITOR_ENV.stateBucket]
      : [MONITOR_ENV.stateBucket, MONITOR_ENV.stateKey];
    reader.problem(missing, `is required with ${given}`);
  }
  if (bucket && key && path)
    reader.problem(
      MONITOR_ENV.stateFile,
      'set either MONITOR_STATE_BUCKET/MONITOR_STATE_KEY or MONITOR_STATE_FILE, not both',
    );
  if (!bucket && !key && !path)
    reader.problem(MONITOR_ENV.stateBucket, 'is required (with MONITOR_STATE_KEY, or MONITOR_STATE_FILE)');
  if (bucket && key) return { kind: 's3', bucket, key };
  return path ? { kind: 'file', path } : undefined;
}

function parkedStoreFromEnv(reader: EnvReader): MonitorConfig['parked'] {
  const bucket = reader.optional(MONITOR_ENV.parkedBucket);
  const directory = reader.optional(MONITOR_ENV.parkedDirectory);
  if (bucket && directory)
    reader.problem(MONITOR_ENV.parkedDirectory, 'set either PARKED_BUCKET_NAME or PARKED_DIRECTORY, not both');
  if (bucket) return { kind: 's3', bucket };
  return directory ? { kind: 'file', directory } : undefined;
}

function timestreamFromEnv(reader: EnvReader): MonitorConfig['timestream'] {
  const databaseName = reader.optional(MONITOR_ENV.timestreamDatabaseName);
  const tableName = reader.optional(MONITOR_ENV.timestreamTableName);
  if (Boolean(databaseName) !== Boolean(tableName)) {
    reader.problem(
      databaseName ? 'TIMESTREAM_TABLE_NAME' : 'TIMESTREAM_DATABASE_NAME',
      'is required with the other Timestream name',
    );
  }
  return databaseName && tableName ? { databaseName, tableName } : undefined;
}

function jsonVariable<T extends z.ZodType>(
  reader: EnvReader,
  variable: string,
  schema: T,
  required: boolean,
): z.output<T> | undefined {
  const json = readJsonVariable(reader, variable, { required, notJson: 'must be JSON' });
  if (json === undefined) return undefined;
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    reader.problem(variable, `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
    return undefined;
  }
  return parsed.data;
}

function alertTopicsFromEnv(reader: EnvReader): Partial<Record<AlertSeverity, string>> {
  const json = readJsonVariable(reader, MONITOR_ENV.alertTopicArns, {
    required: true,
    notJson: 'must be a JSON object such as {"critical":"arn:aws:sns:…","warning":…,"info":…}',
  });
  if (json === undefined) return {};
  const result: Partial<Record<AlertSeverity, string>> = {};
  for (const severity of ALERT_SEVERITIES) {
    const arn = (json as Record<string, unknown> | null)?.[severity];
    if (typeof arn !== 'string' || !/^arn:[^:]+:sns:[^:]*:[^:]*:.+$/.test(arn)) {
      reader.problem(MONITOR_ENV.alertTopicArns, `${severity}: must be an SNS topic ARN, got ${JSON.stringify(arn)}`);
    } else {
      result[severity] = arn;
    }
  }
  return result;
}

/** `base` (Region, credentials) with the endpoint of `variable`, else `AWS_ENDPOINT_URL`, else the SDK's. */
function overrideEndpoint(reader: EnvReader, base: AwsClientConfig, variable: string): AwsClientConfig {
  const { endpoint: _baseEndpoint, ...rest } = base;
  const endpoint = reader.optional(variable) ?? reader.optional('AWS_ENDPOINT_URL');
  return { ...rest, ...(endpoint ? { endpoint } : {}) };
}

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FAILURE_ENV } from '../../../schemas/functionEnvironment.ts';
import { type AwsClientConfig, awsClientConfig } from '../awsClientConfig.ts';
import type { EnvReader } from '../EnvReader.ts';
import type { Tracing } from '../tracing/Tracing.ts';
import { DynamoFailureStore, type FailureStore } from './FailureStore.ts';

/** The failure table a function writes its failure records to, and the client it uses. */
export interface FailureTableConfig {
  readonly tableName: string;
  readonly dynamoDB: AwsClientConfig;
}

/** `FAILURE_TABLE_NAME` (consume and forward); no table when it is unset. */
export function failureTableFromEnv(reader: EnvReader): { readonly failures?: FailureTableConfig } {
  const tableName = reader.optional(FAILURE_ENV.failureTableName);
  return tableName ? { failures: { tableName, dynamoDB: awsClientConfig('dynamodb', reader) } } : {};
}

/** The store of the configured failure table (its client traced), or none. */
export function failureStoreFor(
  config: FailureTableConfig | undefined,
  tracing: Pick<Tracing, 'instrumentAwsClient'>,
): FailureStore | undefined {
  if (!config) return undefined;
  return new DynamoFailureStore(tracing.instrumentAwsClient(new DynamoDBClient(config.dynamoDB)), config.tableName);
}

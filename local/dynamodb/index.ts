export type { EmulatorLogger } from '../awsEmulator/index.ts';
export { DYNAMODB_SCHEMA_VERSION, DYNAMODB_STORE_FILE, DynamoDBStore } from './DynamoDBStore.ts';
export {
  ConditionalCheckFailedError,
  DynamoDBListenError,
  DynamoDBServiceError,
  DynamoDBStoreError,
  ResourceNotFoundError,
  ValidationError,
} from './errors.ts';
export type { DynamoDBTableConfig } from './provisionTables.ts';
export {
  type DynamoDBEmulatorOptions,
  type RunningDynamoDBEmulator,
  startDynamoDBEmulator,
} from './startDynamoDBEmulator.ts';

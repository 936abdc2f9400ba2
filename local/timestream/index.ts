export type { EmulatorLogger } from '../awsEmulator/index.ts';
export {
  ConflictError,
  InternalServerError,
  type RejectedRecord,
  RejectedRecordsError,
  ResourceNotFoundError,
  SerializationError,
  ServiceUnavailableError,
  ThrottlingError,
  TimestreamListenError,
  TimestreamServiceError,
  TimestreamStoreError,
  UnknownOperationError,
  ValidationError,
} from './errors.ts';
export type { TimestreamFault } from './FaultSwitch.ts';
export { TIMESTREAM_LIMITS } from './limits.ts';
export {
  type RunningTimestreamEmulator,
  startTimestreamEmulator,
  type TimestreamDatabaseConfig,
  type TimestreamEmulatorOptions,
  type TimestreamTableConfig,
} from './startTimestreamEmulator.ts';
export {
  type RecordFilter,
  type TableSettings,
  TIMESTREAM_SCHEMA_VERSION,
  TIMESTREAM_STORE_FILE,
  TimestreamStore,
  type TimestreamStoreOptions,
} from './TimestreamStore.ts';

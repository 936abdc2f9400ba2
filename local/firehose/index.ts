export type { EmulatorLogger } from '../awsEmulator/index.ts';
export {
  FirehoseListenError,
  FirehoseServiceError,
  FirehoseStoreError,
  InternalFailureError,
  InvalidArgumentError,
  ResourceInUseError,
  ResourceNotFoundError,
  SerializationError,
  ServiceUnavailableError,
  UnknownOperationError,
} from './errors.ts';
export { type FirehoseFault, RECORD_ERROR_CODES, type RecordErrorCode } from './FaultSwitch.ts';
export {
  type DeliveryError,
  FIREHOSE_SCHEMA_VERSION,
  FIREHOSE_STORE_FILE,
  FirehoseStore,
  type FirehoseStoreOptions,
  type IcebergRow,
  type StreamInfo,
} from './FirehoseStore.ts';
export { FIREHOSE_LIMITS, ICEBERG_OPERATIONS, type IcebergOperation } from './limits.ts';
export {
  type FirehoseStreamConfig,
  type FirehoseTableConfig,
  metadataExtraction,
  toCreateDeliveryStreamInput,
} from './provisionStreams.ts';
export {
  type FirehoseEmulatorOptions,
  type RunningFirehoseEmulator,
  startFirehoseEmulator,
} from './startFirehoseEmulator.ts';

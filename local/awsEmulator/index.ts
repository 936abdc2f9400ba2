export {
  type AwsErrorClass,
  type AwsErrorSpec,
  AwsServiceError,
  awsErrorClass,
  SerializationError,
  UnknownOperationError,
} from './AwsServiceError.ts';
export { AWS_JSON_SERVICES, type AwsJsonProtocol, type AwsJsonService } from './awsJsonServices.ts';
export { type EmulatorLogger, SILENT_LOGGER } from './EmulatorLogger.ts';
export { type EmulatorOptions, type ResolvedEmulatorOptions, resolveEmulatorOptions } from './EmulatorOptions.ts';
export {
  type ActionInput,
  type InputErrors,
  InputReader,
  memberName,
  type NumberRule,
  type StringRule,
  toEpochSeconds,
} from './InputReader.ts';
export {
  type ActionHandler,
  type JsonProtocolHandler,
  JsonProtocolRouter,
  type JsonProtocolRouterOptions,
  type JsonRequest,
  type JsonResponse,
  UNKNOWN_OPERATION,
} from './JsonProtocolRouter.ts';
export { SqliteStore, type StoreFileOptions, type StoreFileSpec, storeFileSpec } from './SqliteStore.ts';
export {
  endpointHost,
  jsonProtocolListener,
  type ServedProtocol,
  type ServeOptions,
  serveJsonProtocol,
} from './serveJsonProtocol.ts';
export {
  type EmulatorStore,
  type RunningJsonEmulator,
  type StartJsonEmulatorOptions,
  startJsonEmulator,
} from './startJsonEmulator.ts';
export { EmulatorListenError, EmulatorStoreError, listenErrorClass, storeErrorClass } from './startupErrors.ts';

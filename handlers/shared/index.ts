export {
  AWS_CLIENT_DEFAULTS,
  AWS_SERVICE_ENV_IDS,
  type AwsClientConfig,
  type AwsClientOptions,
  type AwsService,
  awsClientConfig,
  endpointFromEnv,
  firehoseClientConfig,
  sqsClientConfig,
  timestreamQueryClientConfig,
  timestreamWriteClientConfig,
} from './awsClientConfig.ts';
export { type Env, EnvReader } from './EnvReader.ts';
export {
  ConfigError,
  classifyAwsError,
  DownstreamError,
  FAILURE_KINDS,
  type FailureKind,
  HandlerError,
  MalformedMessageError,
  REJECTION_KINDS,
  RecordRejectedError,
  type RejectionKind,
  toDownstreamError,
} from './errors.ts';
export {
  type CommonHandlerConfig,
  commonConfigFromEnv,
  DEFAULT_METRICS_NAMESPACE,
  LOG_LEVELS,
  type LogLevel,
} from './handlerConfig.ts';
export { InvocationMetrics, type MetricPoint, type MetricsPublisher } from './InvocationMetrics.ts';
export {
  createObservability,
  type Observability,
  type ObservabilityOverrides,
  type RequestLogger,
  requestLogger,
  traced,
} from './observability.ts';
export {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  type RetryClock,
  type RetryPendingOptions,
  type RetryPolicy,
  retryPending,
  systemRetryClock,
} from './retry.ts';

/**
 * The Lambda environment contract: the variables each BEMS function reads, by name. The function
 * plan (`cells/functionPlan.ts`) writes them, for the CDK cell and the local cell alike; the handlers
 * read them (`handlers/shared/handlerConfig.ts` and each handler's `…ConfigFromEnv`). A name changed
 * here changes on both sides at once.
 */

/** What every function gets from the plan. */
export const COMMON_ENV = {
  /** Stamped on events and a metric dimension. */
  cellId: 'CELL_ID',
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  logLevel: 'POWERTOOLS_LOG_LEVEL',
  /** Reuse TCP connections to AWS services across invocations (the SDK v3 default, stated for clarity). */
  connectionReuse: 'AWS_NODEJS_CONNECTION_REUSE_ENABLED',
} as const;

/**
 * What the runtime provides rather than the plan: Lambda sets the Region and credentials on AWS; the
 * local cell sets them, switches off what has no local service (CloudWatch metrics, X-Ray) and points
 * each SDK client at its emulator (`AWS_ENDPOINT_URL_<SERVICE>`).
 */
export const RUNTIME_ENV = {
  region: 'AWS_REGION',
  defaultRegion: 'AWS_DEFAULT_REGION',
  lambdaLogLevel: 'AWS_LAMBDA_LOG_LEVEL',
  accessKeyId: 'AWS_ACCESS_KEY_ID',
  secretAccessKey: 'AWS_SECRET_ACCESS_KEY',
  metricsDisabled: 'POWERTOOLS_METRICS_DISABLED',
  traceEnabled: 'POWERTOOLS_TRACE_ENABLED',
  /** Set by Lambda when active tracing is on: where spans go (OTLP over UDP). */
  traceEndpoint: 'AWS_XRAY_DAEMON_ADDRESS',
} as const;

/** Prefix of the SDK's per-service endpoint override (`AWS_ENDPOINT_URL_SNS`, …). */
export const ENDPOINT_URL_PREFIX = 'AWS_ENDPOINT_URL';

/** True for a variable the runtime sets (see RUNTIME_ENV), never the function plan. */
export function isRuntimeVariable(name: string): boolean {
  return (Object.values(RUNTIME_ENV) as string[]).includes(name) || name.startsWith(ENDPOINT_URL_PREFIX);
}

/**
 * What the game days (`cells/constructs/GameDays.ts`) add to the consume functions on AWS for the FIS
 * Lambda extension, which wraps the runtime; no handler reads them. The local cell injects faults
 * itself (`local/cell/faults`), so it has neither.
 */
export const GAME_DAY_ENV = {
  execWrapper: 'AWS_LAMBDA_EXEC_WRAPPER',
  fisConfigurationLocation: 'AWS_FIS_CONFIGURATION_LOCATION',
} as const;

/** `handlers/ingest.ts`: API → bus. */
export const INGEST_ENV = {
  eventBusName: 'EVENT_BUS_NAME',
  /** Oldest occurredAt accepted, in days. */
  maxEventAgeDays: 'MAX_EVENT_AGE_DAYS',
  /** Comma-separated stages the API accepts. */
  stages: 'STAGES',
  /** The DynamoDB table of idempotency records (one per eventId); unset turns idempotency off. */
  idempotencyTableName: 'IDEMPOTENCY_TABLE_NAME',
  /** Hours an eventId is remembered: a repeat within them is answered from the record. @default 24 */
  idempotencyWindowHours: 'IDEMPOTENCY_WINDOW_HOURS',
} as const;

/**
 * The cell's failure table (`schemas/failureRecord.ts`): consume and forward write a record there for
 * each record they fail. Unset: failures are only logged.
 */
export const FAILURE_ENV = {
  failureTableName: 'FAILURE_TABLE_NAME',
} as const;

/** `handlers/forward.ts`: stage inboxes → stage SNS FIFO topics. */
export const FORWARD_ENV = {
  /** JSON `{ stage: topic ARN }` of every stage the function forwards. */
  stageTopicArns: 'STAGE_TOPIC_ARNS',
  ...FAILURE_ENV,
} as const;

/** The cell's Timestream table: consume writes to it, the monitor queries it and probes it. */
const TIMESTREAM_ENV = {
  timestreamDatabaseName: 'TIMESTREAM_DATABASE_NAME',
  timestreamTableName: 'TIMESTREAM_TABLE_NAME',
} as const;

/** `handlers/consume.ts`: one consumer's FIFO queues → the cell's analytics store. */
export const CONSUME_ENV = {
  /** `timestream` | `lakehouse` (the cell definition's `analytics.store`). @default timestream */
  analyticsStore: 'ANALYTICS_STORE',
  /** Timestream store: the database and table the records go to. */
  ...TIMESTREAM_ENV,
  /** Lakehouse store: the Firehose Direct PUT stream delivering into the Iceberg table. */
  firehoseStreamName: 'FIREHOSE_STREAM_NAME',
  /** Becomes the record's `consumer` dimension. */
  consumerName: 'CONSUMER_NAME',
  ...FAILURE_ENV,
} as const;

/** `handlers/monitor.ts`: the stuck-event monitor. */
export const MONITOR_ENV = {
  /** MonitorTopology JSON (`schemas/monitorTopology.ts`). */
  cellTopology: 'CELL_TOPOLOGY',
  /** JSON `{ critical, warning, info }` of SNS topic ARNs. */
  alertTopicArns: 'ALERT_TOPIC_ARNS',
  ...TIMESTREAM_ENV,
  /** RedrivePolicy JSON. */
  redrivePolicy: 'REDRIVE_POLICY',
  /** The alert state in an S3 object (AWS: the parked bucket's `monitor/alert-state.json`), its bucket… */
  stateBucket: 'MONITOR_STATE_BUCKET',
  /** …and key… */
  stateKey: 'MONITOR_STATE_KEY',
  /** …or in a JSON file (the local cell). Exactly one of object and file is set. */
  stateFile: 'MONITOR_STATE_FILE',
  /** The parked store (alerts close once their messages are parked): an S3 bucket (AWS)… */
  parkedBucket: 'PARKED_BUCKET_NAME',
  /** …or a directory (the local cell). Neither: the monitor does not look at parked messages. */
  parkedDirectory: 'PARKED_DIRECTORY',
} as const;

/** The variables of each function's own part of the environment. */
export const HANDLER_ENV = {
  ingest: INGEST_ENV,
  forward: FORWARD_ENV,
  consume: CONSUME_ENV,
  monitor: MONITOR_ENV,
} as const;

/** The Lambda entry points in `handlers/` (`handlers/<name>.ts`, exporting `handler`). */
export type HandlerName = keyof typeof HANDLER_ENV;

/**
 * The Fargate poller runtime (`runtimes/fargatePoller/`): what it polls and how, on top of the consume
 * handler's own variables. The function plan writes them for the ECS task definition and the local
 * cell's consumer process alike.
 */
export const POLLER_ENV = {
  /** The service's name (`bems-<cell>-consume-<stage>-<consumer>`): the handler's context names it. */
  serviceName: 'POLLER_SERVICE_NAME',
  /** The consumer's FIFO queue. */
  queueUrl: 'POLLER_QUEUE_URL',
  /** Its ARN, as the SQS records the handler gets name it (`eventSourceARN`). */
  queueArn: 'POLLER_QUEUE_ARN',
  /** Messages per ReceiveMessage and per handler call (1–10). */
  batchSize: 'POLLER_BATCH_SIZE',
  /** Long-poll wait of each ReceiveMessage (0–20 s). */
  waitTimeSeconds: 'POLLER_WAIT_TIME_SECONDS',
  /** The queue's visibility timeout: each heartbeat extends the batch's messages by this much. */
  visibilityTimeoutSeconds: 'POLLER_VISIBILITY_TIMEOUT_SECONDS',
  /** How long one batch may be processed (its context's remaining time counts down from it). */
  maxProcessingSeconds: 'POLLER_MAX_PROCESSING_SECONDS',
} as const;

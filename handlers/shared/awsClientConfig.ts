import { type Env, EnvReader } from './EnvReader.ts';

/**
 * AWS SDK client configuration from a Lambda-style environment.
 *
 * The SDK reads `AWS_ENDPOINT_URL[_<SERVICE>]` from `process.env` on its own, but the local cell
 * builds handlers from an env *record* without touching `process.env`, and two clients need the
 * endpoint passed explicitly to behave (see {@link sqsClientConfig} and
 * {@link timestreamWriteClientConfig}). So the endpoint is resolved here and passed as `endpoint`;
 * on AWS none of these variables is set and the SDK resolves the regional endpoint as usual.
 */

/** Service ids as they appear in `AWS_ENDPOINT_URL_<ID>` (the SDK's own naming). */
export const AWS_SERVICE_ENV_IDS = {
  eventbridge: 'EVENTBRIDGE',
  sns: 'SNS',
  sqs: 'SQS',
  timestreamWrite: 'TIMESTREAM_WRITE',
  timestreamQuery: 'TIMESTREAM_QUERY',
  firehose: 'FIREHOSE',
  cloudwatch: 'CLOUDWATCH',
  dynamodb: 'DYNAMODB',
} as const;
export type AwsService = keyof typeof AWS_SERVICE_ENV_IDS;

/** Client defaults for Lambda: fail fast on a dead connection, retry a little at the SDK level. */
export const AWS_CLIENT_DEFAULTS = {
  /**
   * SDK-level attempts. Kept low because the handlers run their own bounded backoff around each call
   * (needed anyway for per-entry partial failures), and the two multiply.
   */
  maxAttempts: 2,
  /**
   * `standard`: token-bucket retry quota with exponential backoff. `adaptive` adds client-side rate
   * limiting, which helps long-lived clients under sustained throttling but, in a Lambda container
   * serving one request at a time, mostly adds latency.
   */
  retryMode: 'standard',
  connectionTimeoutMs: 2_000,
  /**
   * Socket idle timeout; the largest calls (WriteRecords of 100 records, PutRecordBatch of 4 MiB)
   * take well under a second.
   */
  requestTimeoutMs: 10_000,
} as const;

export interface AwsClientOptions {
  /**
   * The SDK's `cacheMiddleware`: resolve the client's middleware stack once per command class
   * instead of on every call. Only for clients whose stack is complete before their first call
   * (tracing and Powertools add theirs when the client is built). @default false, as the SDK's
   */
  readonly cacheMiddleware?: boolean;
  readonly maxAttempts?: number;
  readonly retryMode?: 'standard' | 'adaptive';
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
}

/** Structurally compatible with the constructor config of every `@aws-sdk/client-*` client. */
export interface AwsClientConfig {
  readonly region: string;
  readonly endpoint?: string;
  readonly credentials?: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
  readonly maxAttempts: number;
  readonly retryMode: 'standard' | 'adaptive';
  readonly cacheMiddleware?: boolean;
  readonly requestHandler: { readonly connectionTimeout: number; readonly requestTimeout: number };
}

/** The endpoint override for `service`: the service-specific variable wins over `AWS_ENDPOINT_URL`. */
export function endpointFromEnv(service: AwsService, env: Env): { variable: string; url: string } | undefined {
  for (const variable of [`AWS_ENDPOINT_URL_${AWS_SERVICE_ENV_IDS[service]}`, 'AWS_ENDPOINT_URL']) {
    const url = env[variable]?.trim();
    if (url) return { variable, url };
  }
  return undefined;
}

/**
 * Client config for `service` from an env record (throws a ConfigError naming the variables) or from
 * an {@link EnvReader} (problems are recorded so the caller reports them with its own variables).
 */
export function awsClientConfig(
  service: AwsService,
  source: Env | EnvReader,
  options: AwsClientOptions = {},
): AwsClientConfig {
  if (!(source instanceof EnvReader)) {
    const reader = new EnvReader(source);
    const config = awsClientConfig(service, reader, options);
    reader.assertValid();
    return config;
  }
  const reader = source;
  const region = reader.optional('AWS_REGION') ?? reader.optional('AWS_DEFAULT_REGION');
  if (!region) reader.problem('AWS_REGION', 'is required but not set');
  const endpoint = endpointFromReader(service, reader);
  const credentials = credentialsFromReader(reader);
  return {
    region: region ?? '',
    ...(endpoint ? { endpoint } : {}),
    ...(credentials ? { credentials } : {}),
    maxAttempts: options.maxAttempts ?? AWS_CLIENT_DEFAULTS.maxAttempts,
    retryMode: options.retryMode ?? AWS_CLIENT_DEFAULTS.retryMode,
    ...(options.cacheMiddleware ? { cacheMiddleware: true } : {}),
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs ?? AWS_CLIENT_DEFAULTS.connectionTimeoutMs,
      requestTimeout: options.requestTimeoutMs ?? AWS_CLIENT_DEFAULTS.requestTimeoutMs,
    },
  };
}

/**
 * SQS client config. The SQS client sends each call to the *host of the QueueUrl* unless an explicit
 * `endpoint` is configured (`@aws-sdk/middleware-sdk-sqs` queueUrlMiddleware skips when `endpoint`
 * is set). Queue URLs minted by an emulator may carry a host other than the one it listens on, so
 * with an override we pass `endpoint` and also turn `useQueueUrlAsEndpoint` off to say so plainly.
 */
export function sqsClientConfig(
  source: Env | EnvReader,
  options: AwsClientOptions = {},
): AwsClientConfig & { readonly useQueueUrlAsEndpoint: boolean } {
  const config = awsClientConfig('sqs', source, options);
  return { ...config, useQueueUrlAsEndpoint: config.endpoint === undefined };
}

/**
 * Timestream Write client config. Timestream requires endpoint discovery (every WriteRecords first
 * needs a DescribeEndpoints answer), but `@aws-sdk/middleware-endpoint-discovery` skips discovery
 * when the client has a custom `endpoint` and throws if `endpointDiscoveryEnabled: true` is set
 * alongside one. So we never set `endpointDiscoveryEnabled`: with an override the calls go straight
 * to the emulator; on AWS discovery runs as the service requires.
 */
export function timestreamWriteClientConfig(source: Env | EnvReader, options: AwsClientOptions = {}): AwsClientConfig {
  return awsClientConfig('timestreamWrite', source, options);
}

/**
 * Timestream Query client config: the same endpoint-discovery rule as {@link timestreamWriteClientConfig}
 * (an override in `AWS_ENDPOINT_URL_TIMESTREAM_QUERY` is called directly, otherwise the SDK discovers
 * the query endpoint). One Query call may run for seconds on a large table, so callers pass a
 * request timeout that fits their own budget.
 */
export function timestreamQueryClientConfig(source: Env | EnvReader, options: AwsClientOptions = {}): AwsClientConfig {
  return awsClientConfig('timestreamQuery', source, options);
}

/**
 * Amazon Data Firehose client config. Unlike Timestream, Firehose has no endpoint discovery: an
 * override in `AWS_ENDPOINT_URL_FIREHOSE` (or `AWS_ENDPOINT_URL`) is simply called instead of the
 * regional endpoint.
 */
export function firehoseClientConfig(source: Env | EnvReader, options: AwsClientOptions = {}): AwsClientConfig {
  return awsClientConfig('firehose', source, options);
}

function endpointFromReader(service: AwsService, reader: EnvReader): string | undefined {
  const found = endpointFromEnv(service, {
    [`AWS_ENDPOINT_URL_${AWS_SERVICE_ENV_IDS[service]}`]: reader.optional(
      `AWS_ENDPOINT_URL_${AWS_SERVICE_ENV_IDS[service]}`,
    ),
    AWS_ENDPOINT_URL: reader.optional('AWS_ENDPOINT_URL'),
  });
  if (!found) return undefined;
  try {
    const url = new URL(found.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('not http(s)');
    return found.url;
  } catch {
    reader.problem(found.variable, `must be an http(s) URL, got "${found.url}"`);
    return undefined;
  }
}

/**
 * Lambda passes the execution role's credentials as environment variables. The SDK would read them
 * from `process.env`; reading them from the record instead lets the local cell hand each handler
 * its own (dummy) credentials. Absent → the SDK's default provider chain.
 */
function credentialsFromReader(reader: EnvReader): AwsClientConfig['credentials'] {
  const accessKeyId = reader.optional('AWS_ACCESS_KEY_ID');
  const secretAccessKey = reader.optional('AWS_SECRET_ACCESS_KEY');
  if (!accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = reader.optional('AWS_SESSION_TOKEN');
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

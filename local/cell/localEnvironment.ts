import { COMMON_ENV, ENDPOINT_URL_PREFIX, POLLER_ENV, RUNTIME_ENV } from '../../schemas/functionEnvironment.ts';
import { LOCAL_CREDENTIALS } from '../sns-sqs/index.ts';

/** The SDK clients the handlers make, by the suffix of their endpoint variable (`AWS_ENDPOINT_URL_<suffix>`). */
export type EndpointSuffix = 'EVENTBRIDGE' | 'SNS' | 'SQS' | 'TIMESTREAM_WRITE' | 'FIREHOSE' | 'DYNAMODB';

export interface LocalRuntime {
  readonly region: string;
  /** Handler logs at ERROR only. */
  readonly quiet: boolean;
  /** Where each SDK client of the function goes: the emulators. */
  readonly endpoints: Partial<Record<EndpointSuffix, string>>;
}

/**
 * A function's environment from the plan (`functionEnvironment`), as the local cell runs it: with
 * what Lambda's runtime sets on AWS (Region, credentials), the emulators' endpoints, and off what has
 * no local service (CloudWatch metrics, X-Ray). The only plan variable it changes is the log level.
 */
export function localEnvironment(
  planEnvironment: Readonly<Record<string, string>>,
  runtime: LocalRuntime,
): Record<string, string> {
  return {
    ...planEnvironment,
    // One process runs every function: INFO lines for each event would drown the terminal.
    [COMMON_ENV.logLevel]: process.env.POWERTOOLS_LOG_LEVEL ?? (runtime.quiet ? 'ERROR' : 'WARN'),
    [RUNTIME_ENV.region]: runtime.region,
    [RUNTIME_ENV.metricsDisabled]: 'true',
    [RUNTIME_ENV.traceEnabled]: 'false',
    [RUNTIME_ENV.accessKeyId]: LOCAL_CREDENTIALS.accessKeyId,
    [RUNTIME_ENV.secretAccessKey]: LOCAL_CREDENTIALS.secretAccessKey,
    ...Object.fromEntries(
      Object.entries(runtime.endpoints).map(([suffix, url]) => [`${ENDPOINT_URL_PREFIX}_${suffix}`, url]),
    ),
  };
}

/**
 * Long-poll wait of a local Fargate consumer's process. A drain lets the poll under way run out (an
 * abandoned receive would still be handed messages), and the local cell stops its processes at every
 * stop: 5 s, as its event source mappings wait, instead of AWS's 20.
 */
export const LOCAL_POLLER_WAIT_SECONDS = 5;

/** The plan variables the local cell gives another value than AWS (see `localEnvironment`). */
export const LOCAL_OVERRIDES: readonly string[] = [COMMON_ENV.logLevel, POLLER_ENV.waitTimeSeconds];

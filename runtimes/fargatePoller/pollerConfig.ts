import { POLLER_ENV, RUNTIME_ENV } from '../../schemas/functionEnvironment.ts';

/** What the poller polls and how: `POLLER_ENV`, written by the function plan (`pollerEnvironment`). */
export interface PollerConfig {
  /** The service's name; the handler's context carries it as the function name. */
  readonly serviceName: string;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly region: string;
  /** Messages per receive and per handler call (1–10). */
  readonly batchSize: number;
  /** Long-poll wait (0–20 s). */
  readonly waitTimeSeconds: number;
  /** The queue's visibility timeout; each heartbeat extends a batch's messages by this much. */
  readonly visibilityTimeoutSeconds: number;
  /** How long one batch may be processed: the handler's context counts down from it. */
  readonly maxProcessingSeconds: number;
}

export class PollerConfigError extends Error {
  override readonly name = 'PollerConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid poller environment:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Reads the poller's settings, reporting every missing or invalid variable at once. */
export function pollerConfigFromEnv(env: Readonly<Record<string, string | undefined>>): PollerConfig {
  const problems: string[] = [];
  const text = (name: string): string => {
    const value = env[name];
    if (!value) problems.push(`${name} is not set`);
    return value ?? '';
  };
  const int = (name: string, min: number, max: number): number => {
    const raw = text(name);
    const value = Number(raw);
    if (raw && (!Number.isInteger(value) || value < min || value > max))
      problems.push(`${name} must be a whole number ${min}–${max}, got "${raw}"`);
    return value;
  };
  const config: PollerConfig = {
    serviceName: text(POLLER_ENV.serviceName),
    queueUrl: text(POLLER_ENV.queueUrl),
    queueArn: text(POLLER_ENV.queueArn),
    region: env[RUNTIME_ENV.region] ?? env[RUNTIME_ENV.defaultRegion] ?? '',
    batchSize: int(POLLER_ENV.batchSize, 1, 10),
    waitTimeSeconds: int(POLLER_ENV.waitTimeSeconds, 0, 20),
    visibilityTimeoutSeconds: int(POLLER_ENV.visibilityTimeoutSeconds, 1, 43_200),
    maxProcessingSeconds: int(POLLER_ENV.maxProcessingSeconds, 1, 43_200),
  };
  if (!config.region) problems.push(`${RUNTIME_ENV.region} is not set`);
  if (problems.length) throw new PollerConfigError(problems);
  return config;
}

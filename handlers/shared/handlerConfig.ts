import { COMMON_ENV, RUNTIME_ENV } from '../../schemas/functionEnvironment.ts';
import type { EnvReader } from './EnvReader.ts';

/** Log levels Powertools Logger accepts. */
export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Settings every handler shares, read from the common part of the Lambda environment contract. */
export interface CommonHandlerConfig {
  /** `CELL_ID`: stamped on events and used as a metric dimension. */
  readonly cellId: string;
  /** `AWS_REGION`. */
  readonly region: string;
  /** `POWERTOOLS_SERVICE_NAME`. */
  readonly serviceName: string;
  /** `POWERTOOLS_METRICS_NAMESPACE`. @default BEMS */
  readonly metricsNamespace: string;
  /** `POWERTOOLS_LOG_LEVEL` (or Lambda's `AWS_LAMBDA_LOG_LEVEL`). @default INFO */
  readonly logLevel: LogLevel;
  /** `false` when `POWERTOOLS_METRICS_DISABLED=true`. */
  readonly metricsEnabled: boolean;
  /**
   * `POWERTOOLS_TRACE_ENABLED` (the name Powertools gave it, kept). `undefined` traces where Lambda's
   * trace endpoint is set (active tracing) and nowhere else, so a handler never needs X-Ray to run.
   */
  readonly tracingEnabled: boolean | undefined;
  /** `AWS_XRAY_DAEMON_ADDRESS`: Lambda's trace endpoint, which also takes OTLP spans over UDP. */
  readonly traceEndpoint?: string;
}

export const DEFAULT_METRICS_NAMESPACE = 'BEMS';

export function commonConfigFromEnv(reader: EnvReader, defaultServiceName: string): CommonHandlerConfig {
  const logLevel = (reader.optional(COMMON_ENV.logLevel) ?? reader.optional(RUNTIME_ENV.lambdaLogLevel) ?? 'INFO')
    .toUpperCase()
    .replace('WARNING', 'WARN');
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    reader.problem(COMMON_ENV.logLevel, `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const tracing = reader.optional(RUNTIME_ENV.traceEnabled);
  const traceEndpoint = reader.optional(RUNTIME_ENV.traceEndpoint);
  return {
    cellId: reader.required(COMMON_ENV.cellId),
    region:
      reader.optional(RUNTIME_ENV.region) ??
      reader.optional(RUNTIME_ENV.defaultRegion) ??
      reader.required(RUNTIME_ENV.region),
    serviceName: reader.optional(COMMON_ENV.serviceName) ?? defaultServiceName,
    metricsNamespace: reader.optional(COMMON_ENV.metricsNamespace) ?? DEFAULT_METRICS_NAMESPACE,
    logLevel: logLevel as LogLevel,
    metricsEnabled: !reader.boolean(RUNTIME_ENV.metricsDisabled, false),
    tracingEnabled: tracing === undefined ? undefined : reader.boolean(RUNTIME_ENV.traceEnabled, true),
    ...(traceEndpoint ? { traceEndpoint } : {}),
  };
}

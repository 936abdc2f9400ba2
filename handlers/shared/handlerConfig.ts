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
   * `POWERTOOLS_TRACE_ENABLED`. `undefined` lets Powertools decide (on inside Lambda, off elsewhere),
   * so a handler never needs X-Ray to run.
   */
  readonly tracingEnabled: boolean | undefined;
}

export const DEFAULT_METRICS_NAMESPACE = 'BEMS';

export function commonConfigFromEnv(reader: EnvReader, defaultServiceName: string): CommonHandlerConfig {
  const logLevel = (reader.optional('POWERTOOLS_LOG_LEVEL') ?? reader.optional('AWS_LAMBDA_LOG_LEVEL') ?? 'INFO')
    .toUpperCase()
    .replace('WARNING', 'WARN');
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    reader.problem('POWERTOOLS_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const tracing = reader.optional('POWERTOOLS_TRACE_ENABLED');
  return {
    cellId: reader.required('CELL_ID'),
    region: reader.optional('AWS_REGION') ?? reader.optional('AWS_DEFAULT_REGION') ?? reader.required('AWS_REGION'),
    serviceName: reader.optional('POWERTOOLS_SERVICE_NAME') ?? defaultServiceName,
    metricsNamespace: reader.optional('POWERTOOLS_METRICS_NAMESPACE') ?? DEFAULT_METRICS_NAMESPACE,
    logLevel: logLevel as LogLevel,
    metricsEnabled: !reader.boolean('POWERTOOLS_METRICS_DISABLED', false),
    tracingEnabled: tracing === undefined ? undefined : reader.boolean('POWERTOOLS_TRACE_ENABLED', true),
  };
}

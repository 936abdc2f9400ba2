import { Logger } from '@aws-lambda-powertools/logger';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { CommonHandlerConfig } from './handlerConfig.ts';
import { InvocationMetrics, type MetricsPublisher, powertoolsMetricsPublisher } from './InvocationMetrics.ts';
import { createTracing, type InvocationSpanOptions, type Tracing } from './tracing/Tracing.ts';

export type { InvocationSpanOptions, Tracing };

/** Logger, tracing and per-invocation metrics of one handler, created once per container. */
export interface Observability {
  readonly logger: Logger;
  readonly tracing: Tracing;
  readonly newInvocationMetrics: () => InvocationMetrics;
}

export interface ObservabilityOverrides {
  readonly logger?: Logger;
  readonly publishMetrics?: MetricsPublisher;
  /** Where spans go instead of Lambda's trace endpoint (tests: an in-memory exporter); turns tracing on. */
  readonly spanExporter?: SpanExporter;
}

export function createObservability(
  config: CommonHandlerConfig,
  overrides: ObservabilityOverrides = {},
): Observability {
  const logger =
    overrides.logger ??
    new Logger({
      serviceName: config.serviceName,
      logLevel: config.logLevel,
      persistentKeys: { cell: config.cellId },
    });
  // OpenTelemetry (ADR 0019). On by itself where Lambda's trace endpoint is set (active tracing);
  // POWERTOOLS_TRACE_ENABLED=false turns it off everywhere, as the local cell does.
  const tracing = createTracing({
    serviceName: config.serviceName,
    enabled: config.tracingEnabled ?? (overrides.spanExporter ? true : undefined),
    ...(config.traceEndpoint ? { endpoint: config.traceEndpoint } : {}),
    ...(overrides.spanExporter ? { exporter: overrides.spanExporter } : {}),
  });
  const publish = overrides.publishMetrics ?? powertoolsMetricsPublisher(config);
  return { logger, tracing, newInvocationMetrics: () => new InvocationMetrics(publish) };
}

/** What one invocation logs and measures with. */
export interface Invocation {
  readonly log: RequestLogger;
  readonly metrics: InvocationMetrics;
}

/** The invocation's span: its name, and (optionally) its kind and the messages it links to. */
export type InvocationSpan = string | (InvocationSpanOptions & { readonly name: string });

/**
 * Runs one invocation of a handler: in its span, with a logger that adds `keys` to every entry
 * (and to the span, as `bems.<key>`), and with metrics that are published at its end whatever happens.
 */
export function runInvocation<T>(
  observability: Observability,
  span: InvocationSpan,
  keys: Record<string, string | undefined>,
  fn: (invocation: Invocation) => Promise<T>,
): Promise<T> {
  const { name, ...options } = typeof span === 'string' ? { name: span } : span;
  const attributes = Object.fromEntries(
    Object.entries(keys).flatMap(([key, value]) => (value === undefined ? [] : [[`bems.${key}`, value]])),
  );
  return observability.tracing.inInvocationSpan(name, { ...options, attributes }, async () => {
    const log = requestLogger(observability.logger, keys);
    const metrics = observability.newInvocationMetrics();
    try {
      return await fn({ log, metrics });
    } finally {
      metrics.flush();
    }
  });
}

/** The logging calls handlers make. */
export type LogFunction = (message: string, ...extra: (Record<string, unknown> | Error)[]) => void;
export interface RequestLogger {
  readonly debug: LogFunction;
  readonly info: LogFunction;
  readonly warn: LogFunction;
  readonly error: LogFunction;
}

/**
 * A logger that adds `keys` (request id, consumer…) to every entry of one invocation. Not
 * `logger.createChild`: a child is a whole new Logger (its own Console and environment reads) per
 * invocation, which showed up in the profile, and `appendKeys` on the shared logger would mix keys
 * of concurrent invocations wherever one process serves several (the local cell does).
 */
export function requestLogger(logger: Logger, keys: Record<string, string | undefined>): RequestLogger {
  const defined = Object.fromEntries(Object.entries(keys).filter(([, value]) => value !== undefined));
  const bind =
    (level: 'debug' | 'info' | 'warn' | 'error'): LogFunction =>
    (message, ...extra) =>
      // An Error goes under `error`, where Powertools' serializer formats it (name, message, stack).
      logger[level](message, defined, ...extra.map((item) => (item instanceof Error ? { error: item } : item)));
  return { debug: bind('debug'), info: bind('info'), warn: bind('warn'), error: bind('error') };
}

import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { CommonHandlerConfig } from './handlerConfig.ts';
import { InvocationMetrics, type MetricsPublisher, powertoolsMetricsPublisher } from './InvocationMetrics.ts';

/** Logger, tracer and per-invocation metrics of one handler, created once per container. */
export interface Observability {
  readonly logger: Logger;
  readonly tracer: Tracer;
  readonly newInvocationMetrics: () => InvocationMetrics;
}

export interface ObservabilityOverrides {
  readonly logger?: Logger;
  readonly publishMetrics?: MetricsPublisher;
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
  // Powertools turns tracing off by itself outside Lambda (no X-Ray daemon needed locally);
  // POWERTOOLS_TRACE_ENABLED=false turns it off everywhere. HTTPS capture stays off because the
  // AWS clients are instrumented one by one (captureAWSv3Client) and would otherwise be traced twice.
  const tracer = new Tracer({
    serviceName: config.serviceName,
    captureHTTPsRequests: false,
    ...(config.tracingEnabled === false ? { enabled: false } : {}),
  });
  const publish = overrides.publishMetrics ?? powertoolsMetricsPublisher(config);
  return { logger, tracer, newInvocationMetrics: () => new InvocationMetrics(publish) };
}

/**
 * Runs `fn` in an X-Ray subsegment named `## <name>` when tracing is on; otherwise just runs it.
 * Handlers are plain functions (no middy, no decorators), so the subsegment is opened by hand.
 */
export async function traced<T>(tracer: Tracer, name: string, fn: () => Promise<T>): Promise<T> {
  if (!tracer.isTracingEnabled()) return fn();
  // Inside Lambda the runtime provides the facade segment; without one (X-Ray absent) just run.
  const parent = tracer.getSegment();
  if (!parent) return fn();
  const subsegment = parent.addNewSubsegment(`## ${name}`);
  tracer.setSegment(subsegment);
  tracer.annotateColdStart();
  tracer.addServiceNameAnnotation();
  try {
    return await fn();
  } catch (error) {
    tracer.addErrorAsMetadata(error as Error);
    throw error;
  } finally {
    subsegment.close();
    tracer.setSegment(parent);
  }
}

/** What one invocation logs and measures with. */
export interface Invocation {
  readonly log: RequestLogger;
  readonly metrics: InvocationMetrics;
}

/**
 * Runs one invocation of a handler: in its X-Ray subsegment (`traced`), with a logger that adds
 * `keys` to every entry, and with metrics that are published at its end whatever happens.
 */
export function runInvocation<T>(
  observability: Observability,
  name: string,
  keys: Record<string, string | undefined>,
  fn: (invocation: Invocation) => Promise<T>,
): Promise<T> {
  return traced(observability.tracer, name, async () => {
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

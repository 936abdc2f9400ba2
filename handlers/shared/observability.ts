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

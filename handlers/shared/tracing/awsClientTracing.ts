import { context as otelContext, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import type { BuildMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types';
import { traceHeaderOf } from './lambdaTraceContext.ts';

/**
 * A client span around every call of an AWS SDK v3 client, and the call's `X-Amzn-Trace-Id` set to
 * that span, so that the service (EventBridge, SNS, …) continues the trace from it and passes it on
 * (EventBridge to its targets, SNS to its SQS subscriptions as `AWSTraceHeader`). Without it the
 * SDK's own recursion-detection middleware would still send Lambda's header (it only fills an
 * absent one), and the trace would stay connected, one level higher.
 *
 * A middleware rather than `@opentelemetry/instrumentation-aws-sdk`: that instrumentation patches
 * the SDK's modules as they are `require`d, which a bundle (everything in one file) never does.
 */

/** The part of an SDK v3 client this needs. */
export interface InstrumentableClient {
  // biome-ignore lint/suspicious/noExplicitAny: every client's stack has its own input and output unions
  readonly middlewareStack: MiddlewareStack<any, any>;
}

export const AWS_CLIENT_SPAN_MIDDLEWARE = 'bemsAwsClientSpan';

export function instrumentAwsClient<C extends InstrumentableClient>(client: C, tracer: Tracer): C {
  const middleware: BuildMiddleware<object, MetadataBearer> = (next, handlerContext) => async (args) => {
    const service = (handlerContext.clientName ?? 'AWS').replace(/Client$/, '');
    const operation = (handlerContext.commandName ?? 'Command').replace(/Command$/, '');
    const span = tracer.startSpan(`${service}.${operation}`, {
      kind: SpanKind.CLIENT,
      attributes: { 'rpc.system': 'aws-api', 'rpc.service': service, 'rpc.method': operation },
    });
    const header = traceHeaderOf(trace.setSpan(otelContext.active(), span));
    const request = args.request as { headers?: Record<string, string> };
    if (header && request.headers) request.headers['X-Amzn-Trace-Id'] = header;
    try {
      const result = await otelContext.with(trace.setSpan(otelContext.active(), span), () => next(args));
      const metadata = result.output?.$metadata;
      if (metadata?.requestId) span.setAttribute('aws.request_id', metadata.requestId);
      if (metadata?.httpStatusCode) span.setAttribute('http.response.status_code', metadata.httpStatusCode);
      return result;
    } catch (error) {
      recordFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  };
  client.middlewareStack.add(middleware, {
    step: 'build',
    name: AWS_CLIENT_SPAN_MIDDLEWARE,
    // Before the SDK's recursion-detection middleware (also `build`, priority low), which then
    // sees the header set and leaves it.
    priority: 'high',
    override: true,
  });
  return client;
}

/** Marks `span` failed with `error` (an `exception` event, status ERROR named after the error). */
export function recordFailure(span: Span, error: unknown): void {
  const failure = error instanceof Error ? error : new Error(String(error));
  span.recordException(failure);
  span.setStatus({ code: SpanStatusCode.ERROR, message: failure.name });
}

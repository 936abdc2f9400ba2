import { type Context, type Link, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AWSXRAY_TRACE_ID_HEADER, AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray';

/**
 * Where a trace crosses a boundary it is an X-Ray trace header (`Root=1-…;Parent=…;Sampled=1`):
 * Lambda hands one to each invocation, API Gateway and the AWS SDK send one as `X-Amzn-Trace-Id`,
 * EventBridge passes the one of its `PutEvents` call on to its targets, and SQS keeps the sender's
 * as the message's `AWSTraceHeader` system attribute (for the inbox: EventBridge's delivery; for a
 * consumer queue: SNS's). These helpers turn such headers into OpenTelemetry contexts and back.
 */
export const xrayPropagator = new AWSXRayPropagator();

const headerGetter = {
  get: (carrier: Record<string, string>, key: string) => carrier[key],
  keys: (carrier: Record<string, string>) => Object.keys(carrier),
};

/** The context a trace header names, or the root context when there is none (or it is invalid). */
export function contextFromTraceHeader(header: string | undefined): Context {
  if (!header) return ROOT_CONTEXT;
  return xrayPropagator.extract(ROOT_CONTEXT, { [AWSXRAY_TRACE_ID_HEADER]: header }, headerGetter);
}

/** The trace header that continues `context` (its active span as parent), if it has a valid span. */
export function traceHeaderOf(context: Context): string | undefined {
  const carrier: Record<string, string> = {};
  xrayPropagator.inject(context, carrier, { set: (c, key, value) => Object.assign(c, { [key]: value }) });
  return carrier[AWSXRAY_TRACE_ID_HEADER];
}

/** What the Lambda runtime exposes of the current invocation (Node.js 24 runtime, any concurrency). */
interface LambdaInvokeStore {
  getXRayTraceId?: () => string | undefined;
}

/**
 * The trace header Lambda gave the current invocation: from the runtime's invoke store (right
 * under multi-concurrency), else `_X_AMZN_TRACE_ID`, which the runtime sets per invocation.
 */
export function currentLambdaTraceHeader(): string | undefined {
  const store = (globalThis as { awslambda?: { InvokeStore?: LambdaInvokeStore } }).awslambda?.InvokeStore;
  return store?.getXRayTraceId?.() ?? process.env._X_AMZN_TRACE_ID;
}

/** An SQS record as far as tracing reads it. */
export interface TracedMessage {
  readonly attributes?: { readonly AWSTraceHeader?: string };
}

/**
 * One span link per message that carries a valid trace header. A batch mixes messages of many
 * traces, so (as the OpenTelemetry messaging conventions say) the invocation links to each
 * sender's span instead of picking one of them as parent; X-Ray shows the linked traces together.
 */
export function linksOfMessages(messages: readonly TracedMessage[]): Link[] {
  const links: Link[] = [];
  for (const message of messages) {
    const spanContext = trace.getSpanContext(contextFromTraceHeader(message.attributes?.AWSTraceHeader));
    if (spanContext && trace.isSpanContextValid(spanContext)) links.push({ context: spanContext });
  }
  return links;
}

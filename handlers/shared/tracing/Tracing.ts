import { type Attributes, type Link, context as otelContext, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type SpanExporter,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { type InstrumentableClient, instrumentAwsClient, recordFailure } from './awsClientTracing.ts';
import {
  contextFromTraceHeader,
  currentLambdaTraceHeader,
  linksOfMessages,
  type TracedMessage,
} from './lambdaTraceContext.ts';
import { DEFAULT_TRACE_ENDPOINT, OtlpUdpSpanExporter } from './OtlpUdpSpanExporter.ts';

/**
 * Tracing of one handler with OpenTelemetry (ADR 0019): a span per invocation, a client span per
 * AWS call, exported as OTLP over UDP to Lambda's own X-Ray endpoint. Off, it costs nothing: no
 * provider, no context manager, spans are never created.
 */
export interface Tracing {
  readonly enabled: boolean;
  /** Runs `fn` in the invocation's span (a child of Lambda's, linked to the messages' senders). */
  inInvocationSpan<T>(name: string, options: InvocationSpanOptions, fn: () => Promise<T>): Promise<T>;
  /** Adds a client span (and the trace header) to every call of `client`; returns it. */
  instrumentAwsClient<C extends InstrumentableClient>(client: C): C;
}

export interface InvocationSpanOptions {
  /** `server` for API requests, `consumer` for queue batches. @default internal */
  readonly kind?: 'server' | 'consumer' | 'internal';
  /** The batch's messages: each sender's trace header becomes a span link. */
  readonly messages?: readonly TracedMessage[];
  readonly attributes?: Attributes;
}

export interface TracingSettings {
  readonly serviceName: string;
  /** `false` turns tracing off; `undefined` traces when a trace endpoint is known (Lambda with active tracing). */
  readonly enabled: boolean | undefined;
  /** `AWS_XRAY_DAEMON_ADDRESS`. @default 127.0.0.1:2000 when tracing is forced on */
  readonly endpoint?: string;
  /** Replaces the UDP exporter (tests: an in-memory exporter). */
  readonly exporter?: SpanExporter;
  /** Where the invocation's parent comes from. @default the Lambda runtime's trace header */
  readonly parentTraceHeader?: () => string | undefined;
}

const SPAN_KINDS = { server: SpanKind.SERVER, consumer: SpanKind.CONSUMER, internal: SpanKind.INTERNAL } as const;

export const TRACING_OFF: Tracing = {
  enabled: false,
  inInvocationSpan: (_name, _options, fn) => fn(),
  instrumentAwsClient: (client) => client,
};

export function createTracing(settings: TracingSettings): Tracing {
  const on = settings.enabled ?? (settings.exporter !== undefined || settings.endpoint !== undefined);
  if (!on) return TRACING_OFF;
  // One context manager per process, so a span stays current across awaits; registering a second
  // time is a no-op that returns false.
  otelContext.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const processor = new BatchSpanProcessor({
    exporter: settings.exporter ?? new OtlpUdpSpanExporter(settings.endpoint ?? DEFAULT_TRACE_ENDPOINT),
  });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': settings.serviceName,
      'cloud.provider': 'aws',
      'cloud.platform': 'aws_lambda',
      ...(process.env.AWS_LAMBDA_FUNCTION_NAME ? { 'faas.name': process.env.AWS_LAMBDA_FUNCTION_NAME } : {}),
    }),
    // Lambda decides (Sampled=1/0 in its header); a trace started here is always sampled.
    sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    spanProcessors: [processor],
  });
  const tracer = provider.getTracer('bems');
  const parentTraceHeader = settings.parentTraceHeader ?? currentLambdaTraceHeader;
  let coldStart = true;

  return {
    enabled: true,
    instrumentAwsClient: (client) => instrumentAwsClient(client, tracer),
    async inInvocationSpan(name, options, fn) {
      const links: Link[] = options.messages ? linksOfMessages(options.messages) : [];
      const attributes: Attributes = { 'faas.coldstart': coldStart, ...options.attributes };
      coldStart = false;
      const parent = contextFromTraceHeader(parentTraceHeader());
      const span = tracer.startSpan(name, { kind: SPAN_KINDS[options.kind ?? 'internal'], links, attributes }, parent);
      try {
        return await otelContext.with(trace.setSpan(parent, span), fn);
      } catch (error) {
        recordFailure(span, error);
        throw error;
      } finally {
        span.end();
        // Lambda freezes the process once the handler returns: what is not sent now may never be.
        await processor.forceFlush();
      }
    },
  };
}

import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvReader } from '../../../../../handlers/shared/EnvReader.ts';
import { commonConfigFromEnv } from '../../../../../handlers/shared/handlerConfig.ts';
import { createObservability, runInvocation } from '../../../../../handlers/shared/observability.ts';
import { createTracing, TRACING_OFF } from '../../../../../handlers/shared/tracing/Tracing.ts';
import { handlerTestEnv } from '../../../../helpers/handlerTestEnv.ts';

/** Lambda's header for an invocation (the function segment is the parent), and a sender's. */
const LAMBDA_HEADER = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
const SENDER_HEADER = 'Root=1-6a1b2c3d-0123456789abcdef01234567;Parent=1111222233334444;Sampled=1';

/** A stand-in EventBridge endpoint that answers PutEvents and keeps the headers it was sent. */
let endpoint: string;
const received: IncomingHttpHeaders[] = [];
const server = createServer((request, response) => {
  received.push(request.headers);
  request.resume().on('end', () => {
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'req-42' });
    response.end(JSON.stringify({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] }));
  });
});
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function tracingWithMemory(parentHeader: string | undefined = LAMBDA_HEADER) {
  const exporter = new InMemorySpanExporter();
  const tracing = createTracing({
    serviceName: 'bems-test',
    enabled: true,
    exporter,
    parentTraceHeader: () => parentHeader,
  });
  return { exporter, tracing };
}

const spanNamed = (spans: readonly ReadableSpan[], name: string) => spans.find((s) => s.name === name)!;

describe('tracing with OpenTelemetry', () => {
  it('opens the invocation span as a child of the Lambda segment, linked to each message sender', async () => {
    // Prepare
    const { exporter, tracing } = tracingWithMemory();

    // Act: two invocations (the first is the cold start); the spans are flushed when each ends.
    await tracing.inInvocationSpan(
      'forward',
      { kind: 'consumer', messages: [{ attributes: { AWSTraceHeader: SENDER_HEADER } }, {}] },
      async () => 'ok',
    );
    await tracing.inInvocationSpan('forward', { kind: 'consumer' }, async () => 'ok');

    // Assess
    const [first, second] = exporter.getFinishedSpans();
    expect(first!.spanContext().traceId).toBe('5759e988bd862e3fe1be46a994272793');
    expect(first!.parentSpanContext?.spanId).toBe('53995c3f42cd8ad8');
    expect(first!.kind).toBe(SpanKind.CONSUMER);
    expect(first!.links.map((l) => l.context.traceId)).toEqual(['6a1b2c3d0123456789abcdef01234567']);
    expect(first!.attributes['faas.coldstart']).toBe(true);
    expect(second!.attributes['faas.coldstart']).toBe(false);
  });

  it('gives each AWS call a client span and sends that span as X-Amzn-Trace-Id, so the service continues from it', async () => {
    // Prepare: a real SDK client against a local endpoint.
    const { exporter, tracing } = tracingWithMemory();
    const client = tracing.instrumentAwsClient(
      new EventBridgeClient({ region: 'eu-west-1', endpoint, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
    );
    received.length = 0;

    // Act
    await tracing.inInvocationSpan('ingest', { kind: 'server' }, () =>
      client.send(new PutEventsCommand({ Entries: [{ Source: 'bems', DetailType: 'posting', Detail: '{}' }] })),
    );

    // Assess: the call's span is a child of the invocation's, and its id went out in the header.
    const spans = exporter.getFinishedSpans();
    const invocation = spanNamed(spans, 'ingest');
    const call = spanNamed(spans, 'EventBridge.PutEvents');
    expect(call.kind).toBe(SpanKind.CLIENT);
    expect(call.parentSpanContext?.spanId).toBe(invocation.spanContext().spanId);
    expect(call.spanContext().traceId).toBe('5759e988bd862e3fe1be46a994272793');
    expect(call.attributes['aws.request_id']).toBe('req-42');
    expect(received[0]!['x-amzn-trace-id']).toBe(
      `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=${call.spanContext().spanId};Sampled=1`,
    );
  });

  it('records a failed invocation as an error span and rethrows', async () => {
    const { exporter, tracing } = tracingWithMemory('');

    await expect(
      tracing.inInvocationSpan('consume', {}, async () => {
        throw new TypeError('boom');
      }),
    ).rejects.toThrow('boom');

    const [span] = exporter.getFinishedSpans();
    expect(span!.status).toMatchObject({ code: 2, message: 'TypeError' });
    expect(span!.events.map((e) => e.name)).toEqual(['exception']);
    // No Lambda header (outside Lambda): a new trace, not a child of anything.
    expect(span!.parentSpanContext).toBeUndefined();
  });

  it('honours Sampled=0: the invocation runs, nothing is exported', async () => {
    const { exporter, tracing } = tracingWithMemory(LAMBDA_HEADER.replace('Sampled=1', 'Sampled=0'));

    await expect(tracing.inInvocationSpan('monitor', {}, async () => 7)).resolves.toBe(7);

    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('costs nothing when off: the client is left as it was and the function just runs', async () => {
    const client = new EventBridgeClient({ region: 'eu-west-1' });
    const before = client.middlewareStack.identify().length;

    const tracing = createTracing({ serviceName: 'bems-test', enabled: undefined });

    expect(tracing).toBe(TRACING_OFF);
    expect(tracing.instrumentAwsClient(client).middlewareStack.identify()).toHaveLength(before);
    await expect(tracing.inInvocationSpan('x', {}, async () => 1)).resolves.toBe(1);
  });
});

describe('runInvocation', () => {
  function config(extra: Record<string, string>) {
    // Tracing left to the environment: only what `extra` says.
    const { POWERTOOLS_TRACE_ENABLED: _quiet, ...env } = handlerTestEnv();
    Object.assign(env, extra);
    return commonConfigFromEnv(new EnvReader(env), 'bems-test');
  }

  it('runs the invocation in its span, with its log keys as attributes', async () => {
    const exporter = new InMemorySpanExporter();
    const observability = createObservability(config({}), { spanExporter: exporter });

    await runInvocation(
      observability,
      { name: 'consume', kind: 'consumer' },
      { requestId: 'r-1', consumer: 'recorder' },
      async () => 1,
    );

    const [span] = exporter.getFinishedSpans();
    expect(span!.name).toBe('consume');
    expect(span!.attributes).toMatchObject({ 'bems.requestId': 'r-1', 'bems.consumer': 'recorder' });
  });

  it('traces on Lambda (AWS_XRAY_DAEMON_ADDRESS set) and nowhere else unless told', () => {
    expect(createObservability(config({})).tracing.enabled).toBe(false);
    expect(createObservability(config({ AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000' })).tracing.enabled).toBe(true);
    const off = config({ AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000', POWERTOOLS_TRACE_ENABLED: 'false' });
    expect(createObservability(off, { spanExporter: new InMemorySpanExporter() }).tracing.enabled).toBe(false);
  });
});

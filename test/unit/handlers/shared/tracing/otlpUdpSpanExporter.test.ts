import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import {
  datagramsOf,
  MAX_DATAGRAM_BYTES,
  OTLP_UDP_PROTOCOL_HEADER,
  OtlpUdpSpanExporter,
  parseTraceEndpoint,
} from '../../../../../handlers/shared/tracing/OtlpUdpSpanExporter.ts';

function finishedSpans(count: number, attributeBytes = 10) {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tracer = provider.getTracer('test');
  for (let i = 0; i < count; i++)
    tracer.startSpan(`span-${i}`, { attributes: { pad: 'x'.repeat(attributeBytes) } }).end();
  return exporter.getFinishedSpans();
}

describe('OTLP over UDP to the Lambda trace endpoint', () => {
  it('sends a datagram with the protocol header, the sampled prefix and the spans as base64 protobuf', async () => {
    // Prepare: a UDP socket standing where Lambda's endpoint would be.
    const receiver = createSocket('udp4');
    await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
    const received = new Promise<Buffer>((resolve) => receiver.once('message', resolve));
    const exporter = new OtlpUdpSpanExporter(`127.0.0.1:${(receiver.address() as AddressInfo).port}`);
    const [span] = finishedSpans(1);

    // Act
    const result = await new Promise((resolve) => exporter.export([span!], resolve));
    const datagram = (await received).toString('utf8');
    receiver.close();
    await exporter.shutdown();

    // Assess: the protobuf carries the span's name and its trace id (16 raw bytes).
    expect(result).toMatchObject({ code: 0 });
    expect(datagram.startsWith(`${OTLP_UDP_PROTOCOL_HEADER}T1S`)).toBe(true);
    const protobuf = Buffer.from(datagram.slice(OTLP_UDP_PROTOCOL_HEADER.length + 3), 'base64');
    expect(protobuf.includes(Buffer.from('span-0'))).toBe(true);
    expect(protobuf.includes(Buffer.from(span!.spanContext().traceId, 'hex'))).toBe(true);
  });

  it('splits a batch too large for one datagram, and loses no span', () => {
    const spans = finishedSpans(300, 1_000);

    const datagrams = datagramsOf(spans);

    expect(datagrams.length).toBeGreaterThan(1);
    for (const d of datagrams) expect(d.length).toBeLessThanOrEqual(MAX_DATAGRAM_BYTES);
    const names = datagrams.flatMap((d) => {
      const protobuf = Buffer.from(d.toString('utf8').slice(OTLP_UDP_PROTOCOL_HEADER.length + 3), 'base64').toString(
        'latin1',
      );
      return protobuf.match(/span-\d+/g) ?? [];
    });
    expect(new Set(names).size).toBe(300);
  });

  it('reads the endpoint as Lambda sets it, and refuses anything else', () => {
    expect(parseTraceEndpoint('169.254.79.129:2000')).toEqual({ host: '169.254.79.129', port: 2000 });
    expect(parseTraceEndpoint('tcp:127.0.0.1:2000 udp:127.0.0.2:2001')).toEqual({ host: '127.0.0.2', port: 2001 });
    expect(() => parseTraceEndpoint('localhost')).toThrow(/host:port/);
    expect(() => parseTraceEndpoint('127.0.0.1:70000')).toThrow(/host:port/);
  });
});

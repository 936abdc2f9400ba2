import { createSocket, type Socket } from 'node:dgram';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

/**
 * Sends finished spans as OTLP (protobuf) over UDP to the X-Ray endpoint that Lambda runs beside
 * every function with active tracing (`AWS_XRAY_DAEMON_ADDRESS`). This is the wire format the AWS
 * Distro for OpenTelemetry uses inside Lambda: a JSON protocol header, the prefix `T1S` (sampled
 * traces) and the base64 of an `ExportTraceServiceRequest`. UDP to a local endpoint is
 * fire-and-forget and takes microseconds, so flushing at the end of each invocation costs nothing
 * noticeable, and no collector extension or credentials are needed.
 */
export const OTLP_UDP_PROTOCOL_HEADER = '{"format":"json","version":1}\n';
export const OTLP_UDP_SAMPLED_PREFIX = 'T1S';
/** Below the 65,507-byte UDP payload limit, with room for the header. */
export const MAX_DATAGRAM_BYTES = 64_000;
/** Where Lambda's X-Ray endpoint listens when the variable does not say. */
export const DEFAULT_TRACE_ENDPOINT = '127.0.0.1:2000';

export interface UdpEndpoint {
  readonly host: string;
  readonly port: number;
}

/**
 * `AWS_XRAY_DAEMON_ADDRESS` as Lambda sets it: `host:port`, or `udp:host:port tcp:host:port` (the
 * form the X-Ray daemon documents). Throws on anything else rather than send spans nowhere.
 */
export function parseTraceEndpoint(address: string): UdpEndpoint {
  const udp = address
    .trim()
    .split(/\s+/)
    .map((part) => part.replace(/^udp:/, ''))
    .find((part) => !part.startsWith('tcp:'));
  const match = udp?.match(/^([^:\s]+):(\d{1,5})$/);
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65_535) {
    throw new Error(`trace endpoint must be host:port or "udp:host:port tcp:host:port", got "${address}"`);
  }
  return { host: match[1]!, port };
}

export class OtlpUdpSpanExporter implements SpanExporter {
  readonly #endpoint: UdpEndpoint;
  #socket: Socket | undefined;

  constructor(address: string = DEFAULT_TRACE_ENDPOINT) {
    this.#endpoint = parseTraceEndpoint(address);
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    Promise.all(datagramsOf(spans).map((datagram) => this.#send(datagram))).then(
      () => done({ code: ExportResultCode.SUCCESS }),
      (error: unknown) => done({ code: ExportResultCode.FAILED, error: error as Error }),
    );
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {
    this.#socket?.close();
    this.#socket = undefined;
  }

  #send(datagram: Buffer): Promise<void> {
    // Created on first use and unref'd: an idle socket must not keep a process (or a test) alive.
    this.#socket ??= createSocket('udp4').unref();
    const socket = this.#socket;
    return new Promise((resolve, reject) => {
      socket.send(datagram, this.#endpoint.port, this.#endpoint.host, (error) => (error ? reject(error) : resolve()));
    });
  }
}

/** The datagrams that carry `spans`: halves of the batch until each fits one datagram. */
export function datagramsOf(spans: readonly ReadableSpan[]): Buffer[] {
  if (spans.length === 0) return [];
  const payload = ProtobufTraceSerializer.serializeRequest([...spans]);
  if (!payload) return [];
  const datagram = Buffer.from(
    `${OTLP_UDP_PROTOCOL_HEADER}${OTLP_UDP_SAMPLED_PREFIX}${Buffer.from(payload).toString('base64')}`,
  );
  // A single span over the limit is sent anyway: the endpoint drops it, which is what a span too
  // large for any exporter deserves; splitting further is impossible.
  if (datagram.length <= MAX_DATAGRAM_BYTES || spans.length === 1) return [datagram];
  const half = Math.ceil(spans.length / 2);
  return [...datagramsOf(spans.slice(0, half)), ...datagramsOf(spans.slice(half))];
}

/**
 * The AWS JSON services the local cell emulates and how each speaks its protocol. A request names
 * its operation in `X-Amz-Target: <targetPrefix><Operation>`, so a front end serving several of
 * them on one port routes by that prefix.
 */
const MIB = 1024 * 1024;

export const AWS_JSON_SERVICES = {
  DynamoDB: {
    targetPrefix: 'DynamoDB_20120810.',
    jsonVersion: '1.0',
    // DynamoDB sends the error type only as a namespaced `__type`, no `x-amzn-ErrorType`.
    errorTypeHeader: false,
    protocolErrorPrefix: 'com.amazon.coral.service#',
    // Far above any valid request (an item is at most 400 KB).
    maxRequestBytes: 16 * MIB,
  },
  EventBridge: {
    targetPrefix: 'AWSEvents.',
    jsonVersion: '1.1',
    errorTypeHeader: true,
    protocolErrorPrefix: '',
    // Far above the 256 KB of a PutEvents call (Detail is JSON inside JSON: escaping can double it).
    maxRequestBytes: 4 * MIB,
  },
  Firehose: {
    targetPrefix: 'Firehose_20150804.',
    jsonVersion: '1.1',
    errorTypeHeader: true,
    protocolErrorPrefix: '',
    // 4 MiB of records is ~5.6 MB in base64: a batch somewhat over the limit still gets its InvalidArgumentException.
    maxRequestBytes: 16 * MIB,
  },
  /** Timestream write and query share the target prefix (and DescribeEndpoints). */
  Timestream: {
    targetPrefix: 'Timestream_20181101.',
    jsonVersion: '1.0',
    errorTypeHeader: true,
    protocolErrorPrefix: '',
    // 100 records of at most 2 KB fit many times over.
    maxRequestBytes: 8 * MIB,
  },
} as const satisfies Record<string, AwsJsonProtocol>;

export type AwsJsonService = keyof typeof AWS_JSON_SERVICES;

export interface AwsJsonProtocol {
  /** `X-Amz-Target` is `<targetPrefix><Operation>`. */
  readonly targetPrefix: string;
  /** AWS JSON 1.0 (`application/x-amz-json-1.0`) or 1.1. */
  readonly jsonVersion: '1.0' | '1.1';
  /** Whether errors carry `x-amzn-ErrorType` besides `__type`. */
  readonly errorTypeHeader: boolean;
  /** Namespace of `SerializationException` and `UnknownOperationException` in `__type`. */
  readonly protocolErrorPrefix: string;
  /** A larger request body is refused with 413 before it is parsed: a guard against unbounded memory, not an AWS limit. */
  readonly maxRequestBytes: number;
}

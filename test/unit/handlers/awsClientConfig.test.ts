import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { TimestreamWriteClient, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  awsClientConfig,
  endpointFromEnv,
  firehoseClientConfig,
  sqsClientConfig,
  timestreamWriteClientConfig,
} from '../../../handlers/shared/awsClientConfig.ts';
import { ConfigError } from '../../../handlers/shared/errors.ts';

interface SeenRequest {
  readonly host: string | undefined;
  readonly target: string | undefined;
  readonly path: string | undefined;
  readonly userAgent: string | undefined;
  readonly body: string;
}

/** A minimal successful answer per service (by the X-Amz-Target prefix). */
const ANSWERS: Record<string, string> = {
  Timestream: '{"RecordsIngested":{"Total":1}}',
  Firehose: '{"FailedPutCount":0,"Encrypted":false,"RequestResponses":[{"RecordId":"r1"}]}',
};

/** A stand-in AWS endpoint on 127.0.0.1:0 that records what reaches it. */
let server: Server;
let endpoint: string;
const seen: SeenRequest[] = [];

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const target = request.headers['x-amz-target'] as string | undefined;
      const { host, 'user-agent': userAgent } = request.headers;
      seen.push({ host, target, path: request.url, userAgent, body: Buffer.concat(chunks).toString() });
      response.setHeader('content-type', 'application/x-amz-json-1.0');
      response.end(ANSWERS[target?.split('_')[0] ?? ''] ?? '{"Attributes":{}}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen.length = 0;
});

const credentials = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };

describe('awsClientConfig', () => {
  it('prefers the service-specific endpoint variable over AWS_ENDPOINT_URL', () => {
    const env = { AWS_ENDPOINT_URL: 'http://general:1', AWS_ENDPOINT_URL_SNS: 'http://sns-only:2' };

    expect(endpointFromEnv('sns', env)).toEqual({ variable: 'AWS_ENDPOINT_URL_SNS', url: 'http://sns-only:2' });
    expect(endpointFromEnv('sqs', env)).toEqual({ variable: 'AWS_ENDPOINT_URL', url: 'http://general:1' });
    expect(endpointFromEnv('sqs', {})).toBeUndefined();
  });

  it('passes region, explicit endpoint, credentials and bounded retries', () => {
    const config = awsClientConfig('eventbridge', {
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_EVENTBRIDGE: 'http://127.0.0.1:4010',
      AWS_SESSION_TOKEN: 'token',
      ...credentials,
    });

    expect(config).toEqual({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:4010',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test', sessionToken: 'token' },
      maxAttempts: 2,
      retryMode: 'standard',
      requestHandler: { connectionTimeout: 2_000, requestTimeout: 10_000 },
    });
  });

  it('with cacheMiddleware, resolves the stack once and still sends each call its own request', async () => {
    const config = firehoseClientConfig(
      { AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_FIREHOSE: endpoint, ...credentials },
      { cacheMiddleware: true },
    );
    const client = new FirehoseClient(config);
    const send = (name: string) =>
      client.send(
        new PutRecordBatchCommand({ DeliveryStreamName: name, Records: [{ Data: new TextEncoder().encode(name) }] }),
      );

    await send('warm-up');
    await Promise.all(['a', 'b', 'c'].map(send));

    expect(config.cacheMiddleware).toBe(true);
    expect(awsClientConfig('sns', { AWS_REGION: 'us-east-1' })).not.toHaveProperty('cacheMiddleware');
    const streams = seen.map((r) => (JSON.parse(r.body) as { DeliveryStreamName: string }).DeliveryStreamName);
    expect(streams).toEqual(['warm-up', 'a', 'b', 'c']);
    // The cached stack shares one handler context: nothing a call adds to it may pile up.
    expect(new Set(seen.map((r) => r.userAgent)).size).toBe(1);
    client.destroy();
  });

  it('leaves endpoint and credentials to the SDK on AWS (no overrides set)', () => {
    const config = awsClientConfig('sns', { AWS_REGION: 'us-east-1' });

    expect(config).not.toHaveProperty('endpoint');
    expect(config).not.toHaveProperty('credentials');
  });

  it('names AWS_REGION and a malformed endpoint variable in one ConfigError', () => {
    const attempt = () => awsClientConfig('sqs', { AWS_ENDPOINT_URL_SQS: 'localhost:9324' });

    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/AWS_REGION: is required[\s\S]*AWS_ENDPOINT_URL_SQS: must be an http\(s\) URL/);
  });

  it('sends Timestream writes straight to an explicit endpoint, without endpoint discovery', async () => {
    // Prepare
    const client = new TimestreamWriteClient(
      timestreamWriteClientConfig({
        AWS_REGION: 'eu-west-1',
        AWS_ENDPOINT_URL_TIMESTREAM_WRITE: endpoint,
        ...credentials,
      }),
    );

    // Act
    await client.send(
      new WriteRecordsCommand({
        DatabaseName: 'db',
        TableName: 't',
        Records: [{ MeasureName: 'm', MeasureValue: '1', Time: '1', Dimensions: [{ Name: 'd', Value: 'v' }] }],
      }),
    );

    // Assess
    expect(seen.map((r) => r.target)).toEqual(['Timestream_20181101.WriteRecords']);
    client.destroy();
  });

  it('sends Firehose calls to AWS_ENDPOINT_URL_FIREHOSE', async () => {
    // Prepare
    const client = new FirehoseClient(
      firehoseClientConfig({ AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_FIREHOSE: endpoint, ...credentials }),
    );

    // Act
    const output = await client.send(
      new PutRecordBatchCommand({ DeliveryStreamName: 's', Records: [{ Data: new TextEncoder().encode('{}\n') }] }),
    );

    // Assess
    expect(seen.map((r) => r.target)).toEqual(['Firehose_20150804.PutRecordBatch']);
    expect(output.RequestResponses).toEqual([{ RecordId: 'r1' }]);
    client.destroy();
  });

  it('sends SQS calls to the explicit endpoint, not to the host in the QueueUrl', async () => {
    const config = sqsClientConfig({ AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_SQS: endpoint, ...credentials });
    const client = new SQSClient(config);

    await client.send(
      new GetQueueAttributesCommand({
        QueueUrl: 'http://sqs.eu-west-1.emulator.invalid:9999/000000000000/bems-local-posting-inbox',
        AttributeNames: ['All'],
      }),
    );

    expect(config.useQueueUrlAsEndpoint).toBe(false);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.host).toBe(new URL(endpoint).host);
    client.destroy();
  });

  it('keeps the SDK default (QueueUrl host) on AWS', () => {
    expect(sqsClientConfig({ AWS_REGION: 'eu-west-1' }).useQueueUrlAsEndpoint).toBe(true);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  ResourceNotFoundException,
  TimestreamWriteClient,
  WriteRecordsCommand,
} from '@aws-sdk/client-timestream-write';
import type { BuildMiddleware, MetadataBearer } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClientConfig, timestreamWriteClientConfig } from '../../../../../handlers/shared/awsClientConfig.ts';
import {
  credentialScopeSigner,
  LoopbackHttpHandler,
  loopbackSdkClientConfig,
} from '../../../../../local/cell/wire/loopbackSdkClientConfig.ts';
import { LOCAL_CREDENTIALS } from '../../../../../local/sns-sqs/index.ts';
import { type RunningEmulators, startEmulatorWorker } from '../../../../../local/worker/index.ts';
import { bemsRecord } from '../../timestream/bemsRecords.ts';

/**
 * The handlers' SDK clients as the local cell builds them: same classes and commands, no SigV4
 * signature, lean request handler. The emulators (on their worker thread, as in the cell) must
 * accept the calls, and SNS must still be counted as SNS by the credential scope.
 */
const REGION = 'eu-west-1';
let dataDir: string;
let emulators: RunningEmulators;
let env: Record<string, string>;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'bems-loopback-sdk-'));
  emulators = await startEmulatorWorker({
    dataDir,
    region: REGION,
    accountId: '000000000000',
    databases: [
      {
        name: 'bems-local',
        tables: [{ name: 'invoice_events', memoryRetentionHours: 24, magneticRetentionDays: 30, magneticWrites: true }],
      },
    ],
    quiet: true,
  });
  const eventBridge = await emulators.startEventBridge('000000000000', [
    { name: 'loopback-bus', archiveName: 'loopback-archive', rules: [] },
  ]);
  env = {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridge,
    AWS_ENDPOINT_URL_SNS: emulators.snsSqsEndpoint,
    AWS_ENDPOINT_URL_TIMESTREAM_WRITE: emulators.timestreamEndpoint,
  };
}, 60_000);

afterAll(async () => {
  await emulators?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('loopbackSdkClientConfig against the emulators', () => {
  it('PutEvents is accepted and archived', async () => {
    // Prepare
    const client = new EventBridgeClient(loopbackSdkClientConfig(awsClientConfig('eventbridge', env), 'events'));
    const before = (await emulators.requestCounts()).eventBridge.PutEvents ?? 0;

    // Act
    const output = await client.send(
      new PutEventsCommand({
        Entries: ['a', 'b'].map((id) => ({
          EventBusName: 'loopback-bus',
          Source: 'bems.invoices',
          DetailType: 'invoice.ingestion',
          Detail: JSON.stringify({ invoiceId: id }),
        })),
      }),
    );
    client.destroy();

    // Assert
    expect(output.FailedEntryCount).toBe(0);
    expect(output.Entries?.map((entry) => typeof entry.EventId)).toEqual(['string', 'string']);
    expect(await emulators.archive.count()).toBeGreaterThanOrEqual(2);
    expect((await emulators.requestCounts()).eventBridge.PutEvents).toBe(before + 1);
  });

  it('PublishBatch is accepted and counted as an SNS request', async () => {
    // Prepare
    const client = new SNSClient(loopbackSdkClientConfig(awsClientConfig('sns', env), 'sns'));
    const { TopicArn } = await client.send(
      new CreateTopicCommand({ Name: 'loopback.fifo', Attributes: { FifoTopic: 'true' } }),
    );
    const before = await emulators.requestCounts();

    // Act
    const output = await client.send(
      new PublishBatchCommand({
        TopicArn,
        PublishBatchRequestEntries: ['1', '2', '3'].map((id) => ({
          Id: id,
          Message: `{"invoiceId":"INV-${id}"}`,
          MessageGroupId: `INV-${id}`,
          MessageDeduplicationId: `dedup-${id}`,
          MessageAttributes: { stage: { DataType: 'String', StringValue: 'ingestion' } },
        })),
      }),
    );
    client.destroy();

    // Assert
    expect(output.Failed ?? []).toEqual([]);
    expect(output.Successful?.map((entry) => entry.Id)).toEqual(['1', '2', '3']);
    const after = await emulators.requestCounts();
    const snsCalls = (counts: Record<string, number>) =>
      Object.entries(counts)
        .filter(([key]) => key.startsWith('sns:'))
        .reduce((sum, [, count]) => sum + count, 0);
    expect(snsCalls(after.snsSqs) - snsCalls(before.snsSqs)).toBe(1);
    expect(
      Object.keys(after.snsSqs).filter((key) => key.startsWith('unsigned:') || key.startsWith('unknown:')),
    ).toEqual([]);
  });

  it('WriteRecords is accepted, and service errors arrive as the SDK exception classes', async () => {
    // Prepare
    const client = new TimestreamWriteClient(loopbackSdkClientConfig(timestreamWriteClientConfig(env), 'timestream'));

    // Act
    const written = await client.send(
      new WriteRecordsCommand({ DatabaseName: 'bems-local', TableName: 'invoice_events', Records: [bemsRecord()] }),
    );
    const missing = await client
      .send(new WriteRecordsCommand({ DatabaseName: 'bems-local', TableName: 'nope', Records: [bemsRecord()] }))
      .catch((error: unknown) => error);
    client.destroy();

    // Assert
    expect(written.RecordsIngested?.Total).toBe(1);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect((await emulators.requestCounts()).timestream.WriteRecords).toBe(2);
  });
});

describe('loopbackSdkClientConfig: the cached middleware chain', () => {
  it('sends each call of a command class with its own input, and middleware added before the first call runs', async () => {
    // Prepare: the port transport, with every request noted on the way; a middleware added after
    // construction, as Powertools' idempotency adds its user-agent middleware.
    const config = loopbackSdkClientConfig(timestreamWriteClientConfig(env), 'timestream', emulators.sdkPort);
    const sent: { target?: string; marked?: string }[] = [];
    const port = config.requestHandler;
    const client = new TimestreamWriteClient({
      ...config,
      requestHandler: {
        handle: (request: Parameters<typeof port.handle>[0], options?: Parameters<typeof port.handle>[1]) => {
          sent.push({ target: request.headers['x-amz-target'], marked: request.headers['x-test-mark'] });
          return port.handle(request, options);
        },
      },
    });
    const mark: BuildMiddleware<object, MetadataBearer> = (next) => (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-test-mark'] = 'added-later';
      return next(args);
    };
    client.middlewareStack.addRelativeTo(mark, {
      relation: 'after',
      toMiddleware: 'getUserAgentMiddleware',
      name: 'testMark',
    });
    const write = (TableName: string) =>
      client.send(new WriteRecordsCommand({ DatabaseName: 'bems-local', TableName, Records: [bemsRecord()] }));

    // Act: the same command class three times; the second goes to a table that does not exist.
    const first = await write('invoice_events');
    const missing = await write('nope').catch((error: unknown) => error);
    const third = await write('invoice_events');
    client.destroy();

    // Assert
    expect(config.cacheMiddleware).toBe(true);
    expect(first.RecordsIngested?.Total).toBe(1);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect(third.RecordsIngested?.Total).toBe(1);
    expect(sent).toEqual(
      Array.from({ length: 3 }, () => ({ target: 'Timestream_20181101.WriteRecords', marked: 'added-later' })),
    );
  });
});

describe('credentialScopeSigner', () => {
  it('writes the credential scope of the signing service, without a signature', async () => {
    const signer = credentialScopeSigner({ accessKeyId: 'local', region: REGION, service: 'sns' });

    const given = await signer.sign(
      { headers: {} as Record<string, string> },
      { signingService: 'events', signingRegion: 'eu-central-1' },
    );
    const fallback = await signer.sign({ headers: {} as Record<string, string> });

    expect(given.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=local\/\d{8}\/eu-central-1\/events\/aws4_request,/,
    );
    expect(fallback.headers.authorization).toMatch(/Credential=local\/\d{8}\/eu-west-1\/sns\/aws4_request,/);
  });
});

describe('LoopbackHttpHandler', () => {
  let server: Server;
  let endpoint: string;
  const seen: { method?: string; url?: string; body: string; headers: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, body, headers: req.headers });
        if (req.url?.startsWith('/slow')) return; // never answers
        res.writeHead(201, { 'x-one': 'a', 'content-type': 'text/plain' });
        res.end(`echo:${body}`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const requestTo = (path: string, extra: Record<string, unknown> = {}) => ({
    method: 'POST',
    protocol: 'http:',
    hostname: endpoint.split(':')[0]!,
    port: Number(endpoint.split(':')[1]),
    path,
    headers: { 'content-type': 'text/plain', 'x-two': 'b' },
    body: 'hello',
    ...extra,
  });

  it('sends method, path, query, headers and body, and answers status, headers and the collected body', async () => {
    const handler = new LoopbackHttpHandler();

    const { response } = await handler.handle(requestTo('/p', { query: { a: '1', b: ['2', '3'] } }));
    handler.destroy();

    expect(response.statusCode).toBe(201);
    expect(response.headers['x-one']).toBe('a');
    expect(Buffer.from(response.body).toString()).toBe('echo:hello');
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ method: 'POST', url: '/p?a=1&b=2&b=3', body: 'hello' });
    expect(last.headers['x-two']).toBe('b');
  });

  it('fails a call that gets no answer within the request timeout with a TimeoutError', async () => {
    const handler = new LoopbackHttpHandler({ requestTimeout: 50 });

    const error = await handler.handle(requestTo('/slow')).catch((caught: unknown) => caught);
    handler.destroy();

    expect(error).toMatchObject({ name: 'TimeoutError' });
  });

  it('aborts a call when its abort signal fires', async () => {
    const handler = new LoopbackHttpHandler();
    const controller = new AbortController();

    const pending = handler.handle(requestTo('/slow'), { abortSignal: controller.signal }).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 20);
    const error = await pending;
    handler.destroy();

    expect(error).toMatchObject({ name: 'AbortError' });
  });

  it('refuses HTTPS and streaming bodies instead of sending them wrongly', async () => {
    const handler = new LoopbackHttpHandler();

    await expect(handler.handle(requestTo('/p', { protocol: 'https:' }))).rejects.toThrow(/plain HTTP/);
    await expect(handler.handle(requestTo('/p', { body: { pipe: () => undefined } }))).rejects.toThrow(/streaming/);
    handler.destroy();
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, MessagePort } from 'node:worker_threads';
import { EventBridgeClient, PutEventsCommand, ResourceNotFoundException } from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { TimestreamWriteClient, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { timestreamWriteClientConfig } from '../../../../handlers/shared/awsClientConfig.ts';
import { loopbackSdkClientConfig } from '../../../../local/cell/wire/loopbackSdkClientConfig.ts';
import { EmulatorPort } from '../../../../local/cell/wire/PortRequestHandler.ts';
import { SqsJsonClient } from '../../../../local/cell/wire/SqsJsonClient.ts';
import { LOCAL_CREDENTIALS } from '../../../../local/sns-sqs/index.ts';
import { type RunningEmulators, startEmulatorWorker } from '../../../../local/worker/index.ts';

/**
 * The in-process transport: real SDK clients whose request handler posts to the emulator worker
 * over a MessagePort. The emulators answer, count and fail exactly as over HTTP; a stopped
 * emulator or a gone worker is a retryable connection error, and timeouts still fire.
 */
const REGION = 'eu-west-1';
const ACCOUNT = '000000000000';

describe('the SDK port to the emulator worker', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const start = async (gatherPortMessages = false): Promise<RunningEmulators> => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bems-sdk-port-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const emulators = await startEmulatorWorker({
      dataDir,
      region: REGION,
      accountId: ACCOUNT,
      databases: [
        {
          name: 'bems_db',
          tables: [{ name: 'events', memoryRetentionHours: 24, magneticRetentionDays: 30, magneticWrites: true }],
        },
      ],
      quiet: true,
      gatherPortMessages,
    });
    cleanups.push(() => emulators.stop());
    return emulators;
  };
  /** A handler's client config: credentials, Region and the emulator's (unused) endpoint. */
  const base = (endpoint: string, maxAttempts = 3) => ({
    region: REGION,
    endpoint,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts,
    requestHandler: { requestTimeout: 5_000 },
  });

  /** The Timestream client config as the consume handler builds it from its environment. */
  const timestreamConfig = (emulators: RunningEmulators) =>
    timestreamWriteClientConfig({
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_TIMESTREAM_WRITE: emulators.timestreamEndpoint,
    });

  it('carries SQS, SNS, EventBridge and Timestream calls of real SDK clients, counted as over HTTP', async () => {
    // Prepare
    const emulators = await start();
    const port = emulators.sdkPort;
    const sqs = new SQSClient({ ...base(emulators.snsSqsEndpoint), requestHandler: port.handler('sqs') });
    const sns = new SNSClient(loopbackSdkClientConfig(base(emulators.snsSqsEndpoint), 'sns', port));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'inbox' }));
    const events = new EventBridgeClient(
      loopbackSdkClientConfig(
        base(await emulators.startEventBridge(ACCOUNT, [{ name: 'bus', rules: [] }])),
        'events',
        port,
      ),
    );
    const timestream = new TimestreamWriteClient(
      loopbackSdkClientConfig(timestreamConfig(emulators), 'timestream', port),
    );

    // Act
    await sqs.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: 'über 🧾',
        MessageAttributes: { kind: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) } },
      }),
    );
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ['All'], WaitTimeSeconds: 1 }),
    );
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'topic' }));
    const published = await sns.send(new PublishCommand({ TopicArn, Message: 'hello' }));
    const put = await events.send(
      new PutEventsCommand({ Entries: [{ EventBusName: 'bus', Source: 'test', DetailType: 't', Detail: '{"a":1}' }] }),
    );
    const missingBus = await events
      .send(new PutEventsCommand({ Entries: [{ EventBusName: 'nope', Source: 's', DetailType: 't', Detail: '{}' }] }))
      .catch((error: Error) => error);
    const written = await timestream.send(
      new WriteRecordsCommand({
        DatabaseName: 'bems_db',
        TableName: 'events',
        Records: [
          {
            MeasureName: 'm',
            MeasureValue: '1',
            MeasureValueType: 'BIGINT',
            Time: String(Date.now()),
            Dimensions: [{ Name: 'd', Value: 'v' }],
          },
        ],
      }),
    );

    // Assert
    expect(received.Messages?.[0]?.Body).toBe('über 🧾');
    expect(received.Messages?.[0]?.MessageAttributes?.kind?.BinaryValue).toEqual(new Uint8Array([1, 2, 3]));
    expect(published.MessageId).toBeTruthy();
    expect(put.FailedEntryCount ?? 0).toBe(0);
    expect(put.Entries?.[0]?.EventId).toBeTruthy();
    expect(written.RecordsIngested?.Total).toBe(1);
    const counts = await emulators.requestCounts();
    expect(counts.snsSqs).toMatchObject({
      'sqs:CreateQueue': 1,
      'sqs:SendMessage': 1,
      'sqs:ReceiveMessage': 1,
      'sns:query': 2,
    });
    expect(counts.eventBridge).toMatchObject({ PutEvents: 2 });
    expect(counts.timestream).toMatchObject({ WriteRecords: 1 });
    // The bus does not exist: the emulator's error answer arrives as the SDK's exception class.
    expect(missingBus).toBeInstanceOf(ResourceNotFoundException);
  });

  it('carries a burst of concurrent SDK calls in a few messages, every call answered once', async () => {
    // Prepare: gathering on (LocalCellOptions.gatherPortMessages); one call first, so that the burst is the SDK's steady state.
    const emulators = await start(true);
    const sqs = new SQSClient({ ...base(emulators.snsSqsEndpoint), requestHandler: emulators.sdkPort.handler('sqs') });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'burst' }));
    const posted = vi.spyOn(MessagePort.prototype, 'postMessage'); // counts; the real post still runs

    // Act
    let posts = 0;
    const sent = await Promise.all(
      Array.from({ length: 50 }, (_, i) => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: `m${i}` }))),
    ).finally(() => {
      posts = posted.mock.calls.length;
      posted.mockRestore();
    });

    // Assert: each its own message id; the first went alone, most of the others together.
    expect(new Set(sent.map((output) => output.MessageId)).size).toBe(50);
    expect((await emulators.requestCounts()).snsSqs).toMatchObject({ 'sqs:SendMessage': 50 });
    expect(posts).toBeGreaterThan(0);
    expect(posts).toBeLessThanOrEqual(10);
  });

  it('applies injected faults and answers AWS errors as the SDK exceptions', async () => {
    // Prepare
    const emulators = await start();
    const timestream = new TimestreamWriteClient(
      loopbackSdkClientConfig({ ...timestreamConfig(emulators), maxAttempts: 1 }, 'timestream', emulators.sdkPort),
    );
    const record = {
      MeasureName: 'm',
      MeasureValue: '1',
      MeasureValueType: 'BIGINT' as const,
      Time: String(Date.now()),
    };
    await emulators.setTimestreamFault({ mode: 'throttle' });

    // Act
    const faulted = await timestream
      .send(new WriteRecordsCommand({ DatabaseName: 'bems_db', TableName: 'events', Records: [record] }))
      .catch((error: Error) => error);
    await emulators.setTimestreamFault(null);
    const missing = await timestream
      .send(new WriteRecordsCommand({ DatabaseName: 'bems_db', TableName: 'missing', Records: [record] }))
      .catch((error: Error) => error);

    // Assert
    expect(faulted).toBeInstanceOf(Error);
    expect((faulted as Error).name).toBe('ThrottlingException');
    expect((missing as Error).name).toBe('ResourceNotFoundException');
    expect((await emulators.requestCounts()).timestream.WriteRecords).toBe(2);
  });

  it('answers SQS and SNS errors over the port exactly as fauxqs answers them over HTTP', async () => {
    // Prepare: the same calls through one client per transport.
    const emulators = await start();
    const http = {
      sqs: new SQSClient(base(emulators.snsSqsEndpoint, 1)),
      sns: new SNSClient(loopbackSdkClientConfig(base(emulators.snsSqsEndpoint, 1), 'sns')),
    };
    const port = {
      sqs: new SQSClient({ ...base(emulators.snsSqsEndpoint, 1), requestHandler: emulators.sdkPort.handler('sqs') }),
      sns: new SNSClient(loopbackSdkClientConfig(base(emulators.snsSqsEndpoint, 1), 'sns', emulators.sdkPort)),
    };
    const missingQueue = `${emulators.snsSqsEndpoint}/${ACCOUNT}/missing`;
    const missingTopic = `arn:aws:sns:${REGION}:${ACCOUNT}:missing`;
    const errorsOf = async (clients: typeof http) => {
      const failed = (promise: Promise<unknown>) =>
        promise.then(
          () => undefined,
          (error: Error & { $metadata?: { httpStatusCode?: number } }) => ({
            name: error.name,
            message: error.message,
            status: error.$metadata?.httpStatusCode,
          }),
        );
      return [
        await failed(clients.sqs.send(new SendMessageCommand({ QueueUrl: missingQueue, MessageBody: 'x' }))),
        await failed(clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: missingQueue, MaxNumberOfMessages: 11 }))),
        await failed(clients.sns.send(new PublishCommand({ TopicArn: missingTopic, Message: 'x' }))),
      ];
    };

    // Act
    const overHttp = await errorsOf(http);
    const overPort = await errorsOf(port);

    // Assert
    expect(
      overHttp.every((error) => error !== undefined),
      JSON.stringify(overHttp),
    ).toBe(true);
    expect(overPort).toEqual(overHttp);
    expect(overPort[0]?.name).toBe('QueueDoesNotExist');
    expect(overPort[2]?.name).toBe('NotFoundException');
  });

  it('refuses calls while SNS/SQS restarts (retried by the SDK) and after the worker stopped, never hanging', async () => {
    // Prepare
    const emulators = await start();
    const port = emulators.sdkPort;
    const once = new SQSClient({ ...base(emulators.snsSqsEndpoint, 1), requestHandler: port.handler('sqs') });
    const retrying = new SQSClient({ ...base(emulators.snsSqsEndpoint, 3), requestHandler: port.handler('sqs') });
    await once.send(new CreateQueueCommand({ QueueName: 'q' }));

    // Act: fauxqs is down for a second; three attempts with the SDK's backoff take well under that.
    const restart = emulators.restartSnsSqs({ downtimeMs: 1_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = await once.send(new CreateQueueCommand({ QueueName: 'q' })).catch((error: unknown) => error);
    const retried = await retrying.send(new CreateQueueCommand({ QueueName: 'q' })).catch((error: unknown) => error);
    await restart;
    const afterRestart = await once.send(new CreateQueueCommand({ QueueName: 'q' }));
    await emulators.stop();
    const stopped = await once.send(new CreateQueueCommand({ QueueName: 'q' })).catch((error: unknown) => error);

    // Assert
    expect((refused as { code?: string }).code).toBe('ECONNREFUSED');
    expect(retried).toMatchObject({ code: 'ECONNREFUSED', $metadata: { attempts: 3 } });
    expect(afterRestart.QueueUrl).toMatch(/\/q$/);
    expect((stopped as { code?: string }).code).toBe('ECONNREFUSED');
  });

  it("fires the client's request timeout on a long poll that outlasts it", async () => {
    // Prepare
    const emulators = await start();
    const sqs = new SqsJsonClient({
      endpoint: emulators.snsSqsEndpoint,
      region: REGION,
      requestHandler: emulators.sdkPort.handler('sqs'),
      timeoutMs: 100,
    });
    const creator = new SQSClient({
      ...base(emulators.snsSqsEndpoint),
      requestHandler: emulators.sdkPort.handler('sqs'),
    });
    const { QueueUrl } = await creator.send(new CreateQueueCommand({ QueueName: 'slow' }));

    // Act: the client allows the wait (0 s) plus 100 ms; the emulator holds the poll for 2 s.
    const started = Date.now();
    const timedOut = await (sqs as unknown as { call(action: string, input: unknown): Promise<unknown> })
      .call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 2 })
      .catch((error: unknown) => error);

    // Assert
    expect((timedOut as Error).name).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});

describe('EmulatorPort', () => {
  it('rejects requests in flight as a refused connection when the other end closes', async () => {
    // Prepare: a worker end that never answers, then goes away.
    const { port1, port2 } = new MessageChannel();
    const port = new EmulatorPort(port1);
    port2.on('message', () => undefined);
    const handler = port.handler('sqs', { requestTimeout: 10_000 });
    const request = { method: 'POST', protocol: 'http:', hostname: 'x', path: '/', headers: {}, body: '{}' };

    // Act
    const pending = handler.handle(request).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 20));
    port2.close();
    const inFlight = await pending;
    const later = await handler.handle(request).catch((error: unknown) => error);

    // Assert
    expect((inFlight as { code?: string }).code).toBe('ECONNREFUSED');
    expect((later as { code?: string }).code).toBe('ECONNREFUSED');
  });
});

import {
  CancelMessageMoveTaskCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ListQueuesCommand,
  SendMessageBatchCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { RequestCounter } from '../../../../local/cell/metering/index.ts';
import { localClientConfig, type RunningSnsSqs, startSnsSqs } from '../../../../local/sns-sqs/index.ts';
import { ACCOUNT, REGION, tempDataDir } from './support.ts';

/**
 * What the local cell adds to fauxqs' SQS: queue URLs on the public endpoint (the gateway) that
 * survive a restart, and the message move tasks (DLQ redrive) fauxqs lacks — tried with the real
 * AWS SDK, as a user's redrive script would.
 */

const PUBLIC = 'http://127.0.0.1:4011';
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(dir: string, publicEndpoint = PUBLIC): Promise<RunningSnsSqs> {
  const snsSqs = await startSnsSqs({ dataDir: dir, region: REGION, counter: new RequestCounter(), publicEndpoint });
  cleanups.push(() => snsSqs.stop());
  return snsSqs;
}

function client(snsSqs: RunningSnsSqs): SQSClient {
  const sqs = new SQSClient(localClientConfig(snsSqs.endpoint, REGION));
  cleanups.push(() => sqs.destroy());
  return sqs;
}

/** `orders` with its DLQ `orders-dlq` holding `count` messages. */
async function dlqWithMessages(sqs: SQSClient, count: number) {
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: 'orders-dlq' }));
  const dlqArn = `arn:aws:sqs:${REGION}:${ACCOUNT}:orders-dlq`;
  const redrive = JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 });
  const source = await sqs.send(
    new CreateQueueCommand({ QueueName: 'orders', Attributes: { RedrivePolicy: redrive } }),
  );
  for (let i = 0; i < count; i += 10)
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: dlq.QueueUrl,
        Entries: Array.from({ length: Math.min(10, count - i) }, (_, j) => ({
          Id: `m${j}`,
          MessageBody: `order ${i + j}`,
        })),
      }),
    );
  return { dlqArn, dlqUrl: dlq.QueueUrl!, sourceUrl: source.QueueUrl! };
}

/** The error a call fails with (caught at once: an unawaited rejection would be unhandled). */
function failureOf(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => new Error('the call succeeded'),
    (error: unknown) => error,
  );
}

async function depth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages);
}

describe('fauxqs queue URLs', () => {
  it('are on the public endpoint, and a restart on another one moves every stored queue there', async () => {
    // Prepare
    const data = tempDataDir();
    cleanups.push(data.remove);
    const first = await start(data.dir);
    const created = await client(first).send(new CreateQueueCommand({ QueueName: 'orders' }));
    await first.stop();

    // Act
    const second = await start(data.dir, 'http://127.0.0.1:5011');
    const { QueueUrls } = await client(second).send(new ListQueuesCommand({}));

    // Assess
    expect(created.QueueUrl).toBe(`${PUBLIC}/${ACCOUNT}/orders`);
    expect(QueueUrls).toEqual([`http://127.0.0.1:5011/${ACCOUNT}/orders`]);
  });
});

describe('SQS message move tasks', () => {
  it('moves a DLQ back to the queue whose redrive policy names it, and lists the finished task', async () => {
    // Prepare
    const data = tempDataDir();
    cleanups.push(data.remove);
    const sqs = client(await start(data.dir));
    const { dlqArn, dlqUrl, sourceUrl } = await dlqWithMessages(sqs, 25);

    // Act
    const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
    let results = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }))).Results ?? [];
    for (let i = 0; i < 100 && results[0]?.Status === 'RUNNING'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      results = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }))).Results ?? [];
    }

    // Assess
    expect(TaskHandle).toEqual(expect.any(String));
    expect(results).toEqual([
      expect.objectContaining({
        Status: 'COMPLETED',
        SourceArn: dlqArn,
        ApproximateNumberOfMessagesMoved: 25,
        ApproximateNumberOfMessagesToMove: 25,
        StartedTimestamp: expect.any(Number),
      }),
    ]);
    expect(results[0]!.TaskHandle).toBeUndefined();
    expect(await depth(sqs, dlqUrl)).toBe(0);
    expect(await depth(sqs, sourceUrl)).toBe(25);
  });

  it('cancels a running task at the rate it was given, and refuses what AWS refuses', async () => {
    // Prepare
    const data = tempDataDir();
    cleanups.push(data.remove);
    const sqs = client(await start(data.dir));
    const { dlqArn } = await dlqWithMessages(sqs, 30);

    // Act
    const { TaskHandle } = await sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 1 }),
    );
    const second = failureOf(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn })));
    const cancelled = await sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle }));
    const again = failureOf(sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle })));
    const unknownHandle = failureOf(sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: 'bm90LWEtdGFzaw==' })));
    const unknownSource = failureOf(
      sqs.send(new ListMessageMoveTasksCommand({ SourceArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:nothing` })),
    );
    const notADlq = failureOf(
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:orders` })),
    );

    // Assess
    expect(await second).toMatchObject({ name: 'UnsupportedOperation' });
    expect(cancelled.ApproximateNumberOfMessagesMoved).toBeLessThan(30);
    expect(await again).toMatchObject({ name: 'UnsupportedOperation' });
    expect(await unknownHandle).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(await unknownSource).toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
    expect(await notADlq).toMatchObject({ name: 'InvalidParameterValue', $metadata: { httpStatusCode: 400 } });
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const { Results = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 10 }));
    expect(Results.map((task) => task.Status)).toEqual(['CANCELLED']);
  });
});

import { randomUUID } from 'node:crypto';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  ChangeMessageVisibilityBatchCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsumeHandler, consumeConfigFromEnv, createConsumeHandler } from '../../handlers/consume.ts';
import { createForwardHandler, forwardConfigFromEnv } from '../../handlers/forward.ts';
import { awsClientConfig, sqsClientConfig } from '../../handlers/shared/awsClientConfig.ts';
import { FAILURE_KINDS, HandlerError, RecordRejectedError } from '../../handlers/shared/errors.ts';
import { type InvoiceEventDetail, InvoiceEventDetailSchema } from '../../schemas/envelope.ts';
import { handlerTestEnv, metricsRecorder } from '../helpers/handlerTestEnv.ts';
import { buildInvoiceEvent } from '../helpers/invoiceEvents.ts';
import {
  buildBusEvent,
  buildEventDetail,
  buildSqsEvent,
  buildSqsRecord,
  toLambdaSqsEvent,
} from '../helpers/sqsEvents.ts';
import { TimestreamLikeSink } from '../helpers/TimestreamLikeSink.ts';

/**
 * forward → SNS FIFO → SQS FIFO (raw delivery, FIFO DLQ) → consume, against fauxqs in-process.
 * The handlers are built from an env record exactly as Lambda would build them, with real SDK
 * clients pointed at fauxqs; only the event store is an in-memory sink with Timestream semantics.
 * The test plays Lambda's event source mapping: receive a batch, invoke, delete what succeeded.
 */

const MAX_RECEIVE_COUNT = 3;
let fauxqs: FauxqsServer;
let env: Record<string, string>;
let sqs: SQSClient;
let sns: SNSClient;

beforeAll(async () => {
  fauxqs = await startFauxqs({ port: 0, logger: false, defaultRegion: 'eu-west-1' });
  env = handlerTestEnv({ AWS_ENDPOINT_URL: `http://127.0.0.1:${fauxqs.port}` });
  sqs = new SQSClient(sqsClientConfig(env));
  sns = new SNSClient(awsClientConfig('sns', env));
});

afterAll(async () => {
  sqs?.destroy();
  sns?.destroy();
  await fauxqs?.stop();
});

interface Pipeline {
  readonly topicArn: string;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly dlqUrl: string;
}

/** One stage's FIFO fan-out for one consumer, created through the SDK as the CDK stack would. */
async function createPipeline(): Promise<Pipeline> {
  const name = `bems-it-${randomUUID().slice(0, 8)}-posting`;
  const { TopicArn } = await sns.send(
    new CreateTopicCommand({ Name: `${name}.fifo`, Attributes: { FifoTopic: 'true' } }),
  );
  const dlq = await sqs.send(
    new CreateQueueCommand({ QueueName: `${name}-recorder-dlq.fifo`, Attributes: { FifoQueue: 'true' } }),
  );
  const dlqArn = await queueArn(dlq.QueueUrl!);
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${name}-recorder.fifo`,
      Attributes: {
        FifoQueue: 'true',
        VisibilityTimeout: '60',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: MAX_RECEIVE_COUNT }),
      },
    }),
  );
  const arn = await queueArn(queue.QueueUrl!);
  await sns.send(
    new SubscribeCommand({
      TopicArn,
      Protocol: 'sqs',
      Endpoint: arn,
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );
  return { topicArn: TopicArn!, queueUrl: queue.QueueUrl!, queueArn: arn, dlqUrl: dlq.QueueUrl! };
}

async function queueArn(queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  return Attributes!.QueueArn!;
}

function forwardHandlerFor(pipeline: Pipeline) {
  return createForwardHandler(
    forwardConfigFromEnv({ ...env, STAGE_TOPIC_ARNS: JSON.stringify({ posting: pipeline.topicArn }) }),
  );
}

function consumeHandlerWith(sink: TimestreamLikeSink, metrics = metricsRecorder()) {
  const config = consumeConfigFromEnv({
    ...env,
    TIMESTREAM_DATABASE_NAME: 'bems-it',
    TIMESTREAM_TABLE_NAME: 'invoice_events',
    CONSUMER_NAME: 'recorder',
  });
  return createConsumeHandler(config, { sink, publishMetrics: metrics.publishMetrics });
}

function postingEvent(invoiceId: string, minute: number): InvoiceEventDetail {
  const occurredAt = new Date(Date.UTC(2026, 10, 28, 9, minute)).toISOString();
  return buildEventDetail(buildInvoiceEvent('posting', { invoiceId, status: 'posted', occurredAt }));
}

/** Inbox messages (EventBridge events as SQS bodies) for the forward handler. */
function inboxBatch(details: readonly InvoiceEventDetail[]) {
  return buildSqsEvent(details.map((detail) => buildSqsRecord({ body: buildBusEvent(detail) })));
}

async function receive(queueUrl: string): Promise<Message[]> {
  const { Messages } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
  );
  return Messages ?? [];
}

/**
 * Lambda's event source mapping, one poll: receive ≤10, invoke, delete the successes; failed
 * messages are made visible again at once (instead of after the visibility timeout) to keep the
 * test fast. Returns the number of messages received.
 */
async function pollOnce(pipeline: Pipeline, handler: ConsumeHandler): Promise<number> {
  const messages = await receive(pipeline.queueUrl);
  if (messages.length === 0) return 0;
  const response = await handler(toLambdaSqsEvent(messages, pipeline.queueArn));
  const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
  const succeeded = messages.filter((m) => !failed.has(m.MessageId!));
  const retried = messages.filter((m) => failed.has(m.MessageId!));
  if (succeeded.length > 0) {
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: pipeline.queueUrl,
        Entries: succeeded.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
  if (retried.length > 0) {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: pipeline.queueUrl,
        Entries: retried.map((m, i) => ({ Id: `v${i}`, ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })),
      }),
    );
  }
  return messages.length;
}

/** Polls until the queue gives nothing (bounded, so a bug cannot loop forever). */
async function drain(pipeline: Pipeline, handler: ConsumeHandler, maxPolls = 50): Promise<void> {
  for (let poll = 0; poll < maxPolls; poll++) {
    if ((await pollOnce(pipeline, handler)) === 0) return;
  }
  throw new Error(`queue not drained after ${maxPolls} polls`);
}

describe('FIFO pipeline: forward → SNS FIFO → SQS FIFO → consume', () => {
  it('delivers raw: the consumer queue gets the event detail as body, with group, dedup id and attributes', async () => {
    // Prepare
    const pipeline = await createPipeline();
    const detail = postingEvent('INV-RAW-1', 0);

    // Act
    const forwarded = await forwardHandlerFor(pipeline)(inboxBatch([detail]));
    const [message] = await receive(pipeline.queueUrl);

    // Assess
    expect(forwarded.batchItemFailures).toEqual([]);
    expect(InvoiceEventDetailSchema.parse(JSON.parse(message!.Body!))).toEqual(detail);
    expect(message!.Attributes).toMatchObject({ MessageGroupId: 'INV-RAW-1', MessageDeduplicationId: detail.eventId });
    expect(
      Object.fromEntries(Object.entries(message!.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue])),
    ).toEqual({ stage: 'posting', status: 'posted', currency: 'EUR', vendorId: detail.vendor.vendorId });
  });

  it('records the events of each invoice in the order they were forwarded', async () => {
    // Prepare: three invoices, four events each, interleaved in the inbox.
    const pipeline = await createPipeline();
    const invoices = ['INV-ORD-A', 'INV-ORD-B', 'INV-ORD-C'];
    const details = [0, 1, 2, 3].flatMap((step) => invoices.map((invoiceId) => postingEvent(invoiceId, step)));
    const forward = forwardHandlerFor(pipeline);
    const sink = new TimestreamLikeSink();

    // Act
    const first = await forward(inboxBatch(details.slice(0, 6)));
    const second = await forward(inboxBatch(details.slice(6)));
    await drain(pipeline, consumeHandlerWith(sink));

    // Assess
    expect([...first.batchItemFailures, ...second.batchItemFailures]).toEqual([]);
    expect(sink.records.size).toBe(12);
    const writeOrder = sink.calls.flat();
    for (const invoiceId of invoices) {
      const recorded = writeOrder.filter((item) => item.detail.invoiceId === invoiceId).map((i) => i.detail.eventId);
      const forwarded = details.filter((d) => d.invoiceId === invoiceId).map((d) => d.eventId);
      expect(recorded).toEqual(forwarded);
    }
  });

  it('keeps an invoice in order when its first event fails once: the later one waits for it', async () => {
    // Prepare: the store is briefly unavailable for the first event of INV-WAIT-A only.
    const pipeline = await createPipeline();
    const a1 = postingEvent('INV-WAIT-A', 1);
    const a2 = postingEvent('INV-WAIT-A', 2);
    const b1 = postingEvent('INV-WAIT-B', 1);
    let failuresLeft = 1;
    const sink = new TimestreamLikeSink((item) => {
      if (item.detail.eventId !== a1.eventId || failuresLeft === 0) return undefined;
      failuresLeft--;
      return new HandlerError('Timestream throttled', FAILURE_KINDS.transient);
    });
    await forwardHandlerFor(pipeline)(inboxBatch([a1, a2, b1]));

    // Act
    await drain(pipeline, consumeHandlerWith(sink));

    // Assess: a2 was never written before a1; B was not held up.
    const written = [...sink.records.values()].map((r) => TimestreamLikeSink.field(r, 'event_id'));
    expect(written.filter((id) => id !== b1.eventId)).toEqual([a1.eventId, a2.eventId]);
    expect(written).toContain(b1.eventId);
    expect(await receive(pipeline.dlqUrl)).toEqual([]);
  });

  it('suppresses duplicates by eventId: FIFO deduplication first, then the record identity', async () => {
    // Prepare
    const pipeline = await createPipeline();
    const forward = forwardHandlerFor(pipeline);
    const sink = new TimestreamLikeSink();
    const metrics = metricsRecorder();
    const consume = consumeHandlerWith(sink, metrics);
    const detail = postingEvent('INV-DUP-1', 5);

    // Act 1: the bus delivers the same event twice, once in the same batch and once later.
    await forward(inboxBatch([detail, detail]));
    await forward(inboxBatch([detail]));
    await drain(pipeline, consume);

    // Assess 1: one message reached the consumer queue and one record exists.
    expect(sink.calls.flat()).toHaveLength(1);
    expect(sink.records.size).toBe(1);

    // Act 2: after the 5-minute dedup window (simulated: a new deduplication id), a redrive
    // delivers it again; it is processed later, so processed_at differs.
    fauxqs.sendMessage(pipeline.queueUrl.split('/').pop()!, JSON.stringify(detail), {
      messageGroupId: detail.invoiceId,
      messageDeduplicationId: `${detail.eventId}-redrive`,
    });
    await drain(pipeline, consume);

    // Assess 2: counted as a duplicate, deleted from the queue, still one record (first write wins).
    expect(sink.records.size).toBe(1);
    expect(metrics.total('DuplicateSuppressed')).toBe(1);
    expect(await receive(pipeline.queueUrl)).toEqual([]);
    expect(await receive(pipeline.dlqUrl)).toEqual([]);
  });

  it('moves a message that keeps failing to the FIFO DLQ after maxReceiveCount, without blocking other invoices', async () => {
    // Prepare: the store refuses every event of one invoice.
    const pipeline = await createPipeline();
    const poison = postingEvent('INV-POISON', 1);
    const healthy = [postingEvent('INV-OK-1', 1), postingEvent('INV-OK-2', 2)];
    const sink = new TimestreamLikeSink((item) =>
      item.detail.invoiceId === 'INV-POISON'
        ? new RecordRejectedError(item.detail.eventId, 'invalid', 'Dimension value exceeds the limit.')
        : undefined,
    );
    await forwardHandlerFor(pipeline)(inboxBatch([poison, ...healthy]));

    // Act
    await drain(pipeline, consumeHandlerWith(sink));

    // Assess
    const attempts = sink.calls.flat().filter((item) => item.detail.eventId === poison.eventId);
    expect(attempts).toHaveLength(MAX_RECEIVE_COUNT);
    const [dead] = await receive(pipeline.dlqUrl);
    expect(JSON.parse(dead!.Body!)).toEqual(poison);
    expect(dead!.Attributes?.MessageGroupId).toBe('INV-POISON');
    expect([...sink.records.values()].map((r) => TimestreamLikeSink.field(r, 'invoice_id')).sort()).toEqual([
      'INV-OK-1',
      'INV-OK-2',
    ]);
  });

  it('sends a malformed consumer message to the DLQ instead of dropping it', async () => {
    const pipeline = await createPipeline();
    const sink = new TimestreamLikeSink();
    fauxqs.sendMessage(pipeline.queueUrl.split('/').pop()!, '{"not": "an invoice event"}', {
      messageGroupId: 'INV-BAD',
      messageDeduplicationId: 'bad-1',
    });

    await drain(pipeline, consumeHandlerWith(sink));

    const [dead] = await receive(pipeline.dlqUrl);
    expect(dead!.Body).toBe('{"not": "an invoice event"}');
    expect(sink.records.size).toBe(0);
  });
});

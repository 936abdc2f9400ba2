import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DlqRoute } from '../../../../../handlers/shared/dlq/DlqRoute.ts';
import { redriveDlq } from '../../../../../handlers/shared/dlq/redriveDlq.ts';
import { REDRIVE_ATTRIBUTES } from '../../../../../schemas/messageAttributes.ts';

const ROUTE: DlqRoute = {
  stage: 'posting',
  consumer: 'recorder',
  role: 'consumer',
  slaSeconds: 900,
  source: { name: 'src.fifo', url: 'https://sqs/1/src.fifo', fifo: true, maxReceiveCount: 5 },
  dlq: { name: 'dlq.fifo', url: 'https://sqs/1/dlq.fifo' },
};
const sqs = mockClient(SQSClient);

/** A clock that never waits: sleeping moves time on. */
function instantClock() {
  let now = 1_800_000_000_000;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
    random: () => 0.5,
  };
}

function message(i: number, redriveCount = 0): Message {
  return {
    MessageId: `m-${i}`,
    ReceiptHandle: `rh-${i}`,
    Body: JSON.stringify({ eventId: `e-${i}`, invoiceId: `INV-${i}`, stage: 'posting', status: 'posted' }),
    Attributes: {
      ApproximateReceiveCount: '6',
      MessageGroupId: `INV-${i}`,
      ApproximateFirstReceiveTimestamp: '1700000000000',
    },
    MessageAttributes: {
      status: { DataType: 'String', StringValue: 'posted' },
      ...(redriveCount
        ? { [REDRIVE_ATTRIBUTES.count]: { DataType: 'Number', StringValue: String(redriveCount) } }
        : {}),
    },
  };
}

/** A DLQ that hands each message out once, ten at a time, like SQS while they are invisible. */
function dlqHolding(messages: Message[]) {
  const waiting = [...messages];
  sqs.on(ReceiveMessageCommand).callsFake((input: { MaxNumberOfMessages?: number }) => ({
    Messages: waiting.splice(0, input.MaxNumberOfMessages ?? 1),
  }));
  return waiting;
}

function sent() {
  return sqs.commandCalls(SendMessageBatchCommand).flatMap((c) => c.args[0].input.Entries ?? []);
}
function deletedHandles() {
  return sqs
    .commandCalls(DeleteMessageBatchCommand)
    .flatMap((c) => c.args[0].input.Entries!.map((e) => e.ReceiptHandle));
}
function releasedHandles() {
  return sqs
    .commandCalls(ChangeMessageVisibilityBatchCommand)
    .flatMap((c) => c.args[0].input.Entries!.map((e) => e.ReceiptHandle));
}

beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
    Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: `new-${e.Id}` })),
  }));
  sqs.on(DeleteMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
    Successful: input.Entries.map((e) => ({ Id: e.Id })),
  }));
  sqs.on(ChangeMessageVisibilityBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
    Successful: input.Entries.map((e) => ({ Id: e.Id })),
  }));
});
afterEach(() => sqs.reset());

describe('DLQ redrive', () => {
  it('sends every message back in its group with a fresh deduplication id, then deletes it from the DLQ', async () => {
    // Prepare
    dlqHolding(Array.from({ length: 25 }, (_, i) => message(i)));

    // Act
    const result = await redriveDlq({
      sqs: new SQSClient({}),
      route: ROUTE,
      ratePerSecond: 1000,
      clock: instantClock(),
    });

    // Assess
    expect(result).toMatchObject({ scanned: 25, redriven: 25, failed: [], deleteFailed: 0, stoppedBy: 'empty' });
    expect(sent()).toHaveLength(25);
    expect(sent()[3]).toMatchObject({
      MessageGroupId: 'INV-3',
      MessageDeduplicationId: 'e-3:r1',
      MessageBody: message(3).Body,
    });
    expect(sent()[3]!.MessageAttributes![REDRIVE_ATTRIBUTES.count]).toEqual({ DataType: 'Number', StringValue: '1' });
    expect(sent()[3]!.MessageAttributes!.status).toEqual({ DataType: 'String', StringValue: 'posted' });
    expect(deletedHandles().sort()).toEqual(Array.from({ length: 25 }, (_, i) => `rh-${i}`).sort());
    // Every delete came after the send of the same batch.
    const order = sqs.calls().map((c) => c.args[0].constructor.name);
    expect(order.indexOf('DeleteMessageBatchCommand')).toBeGreaterThan(order.indexOf('SendMessageBatchCommand'));
  });

  it('leaves a message whose send was refused in the DLQ and reports it', async () => {
    dlqHolding([message(1), message(2)]);
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [{ Id: '0', MessageId: 'x', MD5OfMessageBody: '' }],
      Failed: [{ Id: '1', SenderFault: true, Code: 'InvalidParameterValue', Message: 'too many attributes' }],
    });

    const result = await redriveDlq({ sqs: new SQSClient({}), route: ROUTE, clock: instantClock() });

    expect(result.redriven).toBe(1);
    expect(result.failed).toEqual([
      expect.objectContaining({ invoiceId: 'INV-2', error: expect.stringMatching(/too many/) }),
    ]);
    expect(deletedHandles()).toEqual(['rh-1']);
    expect(releasedHandles()).toEqual(['rh-2']);
  });

  it('retries a throttled send and deletes only once it went through', async () => {
    dlqHolding([message(1)]);
    sqs
      .on(SendMessageBatchCommand)
      .rejectsOnce(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }))
      .resolves({ Successful: [{ Id: '0', MessageId: 'x', MD5OfMessageBody: '' }] });

    const result = await redriveDlq({ sqs: new SQSClient({}), route: ROUTE, clock: instantClock() });

    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(2);
    expect(result).toMatchObject({ redriven: 1, failed: [] });
    expect(deletedHandles()).toEqual(['rh-1']);
  });

  it('makes a sent message that could not be deleted visible again, so a re-run sends it with the same id', async () => {
    // Prepare
    dlqHolding([message(1)]);
    sqs.on(DeleteMessageBatchCommand).rejects(new Error('connection reset'));

    // Act
    const first = await redriveDlq({ sqs: new SQSClient({}), route: ROUTE, clock: instantClock() });
    dlqHolding([message(1)]);
    sqs.on(DeleteMessageBatchCommand).resolves({ Successful: [{ Id: '0' }] });
    const second = await redriveDlq({ sqs: new SQSClient({}), route: ROUTE, clock: instantClock() });

    // Assess
    expect(first).toMatchObject({ redriven: 1, deleteFailed: 1 });
    expect(releasedHandles()).toContain('rh-1');
    expect(second).toMatchObject({ redriven: 1, deleteFailed: 0 });
    // SQS drops the second copy inside the 5-minute window; after it, the store keeps one record per eventId.
    expect(sent().map((e) => e.MessageDeduplicationId)).toEqual(['e-1:r1', 'e-1:r1']);
  });

  it('stops between batches when interrupted: what was sent is deleted, the rest stays', async () => {
    // Prepare
    dlqHolding(Array.from({ length: 30 }, (_, i) => message(i)));
    const interrupt = new AbortController();

    // Act
    const result = await redriveDlq({
      sqs: new SQSClient({}),
      route: ROUTE,
      clock: instantClock(),
      signal: interrupt.signal,
      onProgress: (p) => {
        if (p.redriven >= 10) interrupt.abort();
      },
    });

    // Assess
    expect(result).toMatchObject({ redriven: 10, stoppedBy: 'aborted' });
    expect(deletedHandles()).toHaveLength(10);
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(1);
  });

  it('moves nothing in a dry run and gives every message back', async () => {
    dlqHolding([message(1), message(2), message(3)]);

    const result = await redriveDlq({ sqs: new SQSClient({}), route: ROUTE, dryRun: true, clock: instantClock() });

    expect(result).toMatchObject({ redriven: 3, dryRun: true });
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
    expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(0);
    expect(releasedHandles().sort()).toEqual(['rh-1', 'rh-2', 'rh-3']);
  });

  it('parks messages over budget and holds back skipped ones, releasing both at the end', async () => {
    dlqHolding([message(1, 0), message(2, 3), message(3, 1)]);

    const result = await redriveDlq({
      sqs: new SQSClient({}),
      route: ROUTE,
      clock: instantClock(),
      select: (m) => (m.invoiceId === 'INV-3' ? 'skip' : m.redriveCount >= 3 ? 'park' : 'redrive'),
    });

    expect(result).toMatchObject({ redriven: 1, parked: 1, skipped: 1 });
    expect(result.parkedSamples).toEqual([expect.objectContaining({ invoiceId: 'INV-2', redriveCount: 3 })]);
    expect(releasedHandles().sort()).toEqual(['rh-2', 'rh-3']);
  });

  it('moves an event at most once per run, even if it fails again and returns while the run goes on', async () => {
    // Prepare: after the first receive, the same event is back in the DLQ as a new message.
    const waiting = dlqHolding([message(1)]);
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => {
      waiting.push({ ...message(1, 1), MessageId: 'm-1-again', ReceiptHandle: 'rh-1-again' });
      return { Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: 'x' })) };
    });

    // Act
    const result = await redriveDlq({ sqs: new SQSClient({}), route: ROUTE, clock: instantClock() });

    // Assess
    expect(result).toMatchObject({ redriven: 1, skipped: 1 });
    expect(sent()).toHaveLength(1);
    expect(releasedHandles()).toEqual(['rh-1-again']);
  });

  it('paces sends to the requested rate', async () => {
    dlqHolding(Array.from({ length: 40 }, (_, i) => message(i)));
    const clock = instantClock();
    const start = clock.now();

    await redriveDlq({ sqs: new SQSClient({}), route: ROUTE, ratePerSecond: 10, clock });

    // 40 messages at 10/s with one second of burst allowed: about three seconds.
    expect(clock.now() - start).toBeGreaterThanOrEqual(2_900);
    expect(clock.now() - start).toBeLessThanOrEqual(3_100);
  });
});

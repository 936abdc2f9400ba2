import { PublishBatchCommand, type PublishBatchRequestEntry, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createForwardHandler, forwardConfigFromEnv } from '../../../handlers/forward.ts';
import { ConfigError } from '../../../handlers/shared/errors.ts';
import type { Stage } from '../../../schemas/stages.ts';
import { handlerTestEnv, instantRetryClock, metricsRecorder } from '../../helpers/handlerTestEnv.ts';
import { buildInvoiceEvent } from '../../helpers/invoiceEvents.ts';
import { buildBusEvent, buildEventDetail, buildSqsEvent, buildSqsRecord } from '../../helpers/sqsEvents.ts';

const TOPICS = {
  posting: 'arn:aws:sns:eu-west-1:000000000000:bems-test-posting.fifo',
  reconciliation: 'arn:aws:sns:eu-west-1:000000000000:bems-test-reconciliation.fifo',
};
const sns = mockClient(SNSClient);

function setup() {
  const config = forwardConfigFromEnv(handlerTestEnv({ STAGE_TOPIC_ARNS: JSON.stringify(TOPICS) }));
  const metrics = metricsRecorder();
  const clock = instantRetryClock();
  const handler = createForwardHandler(config, { retryClock: clock, publishMetrics: metrics.publishMetrics });
  return { handler, metrics, clock };
}

function inboxRecord(stage: Stage = 'posting', overrides: Parameters<typeof buildInvoiceEvent>[1] = {}) {
  const status = { posting: 'posted', reconciliation: 'matched', ingestion: 'received', authorization: 'approved' }[
    stage
  ];
  const detail = buildEventDetail(buildInvoiceEvent(stage, { status, ...overrides } as never));
  return { detail, record: buildSqsRecord({ body: buildBusEvent(detail) }) };
}

function publishCalls() {
  return sns.commandCalls(PublishBatchCommand).map((call) => call.args[0].input);
}

function allSucceed(input: { PublishBatchRequestEntries?: PublishBatchRequestEntry[] }) {
  return { Successful: (input.PublishBatchRequestEntries ?? []).map((e) => ({ Id: e.Id, MessageId: `sns-${e.Id}` })) };
}

beforeEach(() => {
  sns.reset();
  sns.on(PublishBatchCommand).callsFake(allSucceed);
});
afterEach(() => sns.reset());

describe('forward handler', () => {
  it('publishes each inbox event to its stage topic, grouped by invoice and deduplicated by eventId', async () => {
    // Prepare
    const { handler, metrics } = setup();
    const { detail, record } = inboxRecord('posting', { amount: '99.95', currency: 'USD' });

    // Act
    const response = await handler(buildSqsEvent([record]));

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const [call] = publishCalls();
    expect(call!.TopicArn).toBe(TOPICS.posting);
    expect(call!.PublishBatchRequestEntries).toEqual([
      {
        Id: 'm0',
        Message: JSON.stringify(detail),
        MessageGroupId: detail.invoiceId,
        MessageDeduplicationId: detail.eventId,
        MessageAttributes: {
          stage: { DataType: 'String', StringValue: 'posting' },
          status: { DataType: 'String', StringValue: 'posted' },
          currency: { DataType: 'String', StringValue: 'USD' },
          vendorId: { DataType: 'String', StringValue: detail.vendor.vendorId },
        },
      },
    ]);
    expect(metrics.total('EventsForwarded', { stage: 'posting' })).toBe(1);
  });

  it('publishes in chunks of 10 per topic', async () => {
    const { handler } = setup();
    const records = [
      ...Array.from({ length: 11 }, () => inboxRecord('posting').record),
      inboxRecord('reconciliation').record,
    ];

    const response = await handler(buildSqsEvent(records));

    expect(response.batchItemFailures).toEqual([]);
    const calls = publishCalls();
    expect(calls.map((c) => [c.TopicArn, c.PublishBatchRequestEntries!.length])).toEqual([
      [TOPICS.posting, 10],
      [TOPICS.posting, 1],
      [TOPICS.reconciliation, 1],
    ]);
  });

  it('carries the replay name of an archive replay as a message attribute', async () => {
    const { handler } = setup();
    const detail = buildEventDetail(buildInvoiceEvent('posting', { status: 'posted' }));
    const record = buildSqsRecord({ body: buildBusEvent(detail, { 'replay-name': 'replay-2026-11-28' }) });

    await handler(buildSqsEvent([record]));

    expect(publishCalls()[0]!.PublishBatchRequestEntries![0]!.MessageAttributes!.replayName).toEqual({
      DataType: 'String',
      StringValue: 'replay-2026-11-28',
    });
  });

  describe('deduplication id of an archive replay', () => {
    // SNS FIFO drops a message whose deduplication id it saw in the last 5 minutes, silently: the
    // publish succeeds. This fake keeps that window so a test can see what SNS would deliver.
    function snsFifoWindow() {
      const seen = new Set<string>();
      const delivered: PublishBatchRequestEntry[] = [];
      sns.on(PublishBatchCommand).callsFake((input: { PublishBatchRequestEntries: PublishBatchRequestEntry[] }) => {
        for (const entry of input.PublishBatchRequestEntries) {
          if (seen.has(entry.MessageDeduplicationId!)) continue;
          seen.add(entry.MessageDeduplicationId!);
          delivered.push(entry);
        }
        return allSucceed(input);
      });
      return delivered;
    }
    const snsDeduplicationId = /^[!-~]{1,128}$/;
    const replayRecord = (detail: ReturnType<typeof inboxRecord>['detail'], replayName: string) =>
      buildSqsRecord({ body: buildBusEvent(detail, { 'replay-name': replayName }) });

    it('lets a replay within 5 minutes of the original through SNS FIFO deduplication', async () => {
      // Prepare
      const { handler } = setup();
      const delivered = snsFifoWindow();
      const { detail, record } = inboxRecord();

      // Act
      await handler(buildSqsEvent([record]));
      const response = await handler(buildSqsEvent([replayRecord(detail, 'bems-replay-1')]));

      // Assess
      expect(response.batchItemFailures).toEqual([]);
      expect(delivered.map((e) => JSON.parse(e.Message!).eventId)).toEqual([detail.eventId, detail.eventId]);
      expect(delivered[1]!.MessageAttributes!.replayName!.StringValue).toBe('bems-replay-1');
    });

    it('still deduplicates a redelivery within one replay, and lets a second replay through', async () => {
      const { handler } = setup();
      const delivered = snsFifoWindow();
      const { detail, record } = inboxRecord();

      await handler(buildSqsEvent([record]));
      await handler(buildSqsEvent([replayRecord(detail, 'bems-replay-1')]));
      await handler(buildSqsEvent([replayRecord(detail, 'bems-replay-1')]));
      await handler(buildSqsEvent([replayRecord(detail, 'bems-replay-2')]));
      await handler(buildSqsEvent([record]));

      expect(delivered.map((e) => e.MessageAttributes!.replayName?.StringValue ?? 'live')).toEqual([
        'live',
        'bems-replay-1',
        'bems-replay-2',
      ]);
    });

    it('keeps the eventId for live traffic and a readable eventId + replay name for a replay', async () => {
      const { handler } = setup();
      const { detail, record } = inboxRecord();
      const replayName = `r-${'x'.repeat(62)}`; // EventBridge's longest replay name: 64 characters

      await handler(buildSqsEvent([record, replayRecord(detail, replayName)]));

      const ids = publishCalls()[0]!.PublishBatchRequestEntries!.map((e) => e.MessageDeduplicationId);
      expect(ids).toEqual([detail.eventId, `${detail.eventId}:replay:${replayName}`]);
      expect(ids[1]).toMatch(snsDeduplicationId);
    });

    it.each([
      ['longer than SNS allows', 'r'.repeat(200)],
      ['with a space', 'month end'],
      ['with non-ASCII characters', 'réplay-ü'],
    ])('hashes a replay name %s into a valid, distinct deduplication id', async (_label, replayName) => {
      const { handler } = setup();
      const { detail } = inboxRecord();

      await handler(buildSqsEvent([replayRecord(detail, replayName), replayRecord(detail, `${replayName}2`)]));

      const ids = publishCalls()[0]!.PublishBatchRequestEntries!.map((e) => e.MessageDeduplicationId!);
      for (const id of ids) expect(id).toMatch(snsDeduplicationId);
      expect(new Set([...ids, detail.eventId]).size).toBe(3);
    });
  });

  it('resends only entries that failed transiently and reports nothing once they are published', async () => {
    const { handler, clock } = setup();
    const records = [inboxRecord().record, inboxRecord().record, inboxRecord().record];
    sns
      .on(PublishBatchCommand)
      .resolvesOnce({
        Successful: [
          { Id: 'm0', MessageId: 'a' },
          { Id: 'm2', MessageId: 'c' },
        ],
        Failed: [{ Id: 'm1', Code: 'InternalError', Message: 'try again', SenderFault: false }],
      })
      .callsFake(allSucceed);

    const response = await handler(buildSqsEvent(records));

    expect(response.batchItemFailures).toEqual([]);
    const calls = publishCalls();
    expect(calls).toHaveLength(2);
    expect(calls[1]!.PublishBatchRequestEntries!.map((e) => e.Id)).toEqual(['m1']);
    expect(clock.sleeps).toHaveLength(1);
  });

  it('reports a permanently failed entry as a batch item failure without resending it', async () => {
    const { handler, metrics } = setup();
    const records = [inboxRecord().record, inboxRecord().record];
    sns.on(PublishBatchCommand).resolves({
      Successful: [{ Id: 'm0', MessageId: 'a' }],
      Failed: [{ Id: 'm1', Code: 'InvalidParameter', Message: 'bad attribute', SenderFault: true }],
    });

    const response = await handler(buildSqsEvent(records));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[1]!.messageId }]);
    expect(publishCalls()).toHaveLength(1);
    expect(metrics.total('ForwardFailures')).toBe(1);
  });

  it('reports entries still failing after the retry bound', async () => {
    const { handler } = setup();
    const records = [inboxRecord().record, inboxRecord().record];
    sns.on(PublishBatchCommand).callsFake((input: { PublishBatchRequestEntries: PublishBatchRequestEntry[] }) => ({
      Successful: input.PublishBatchRequestEntries.filter((e) => e.Id !== 'm0').map((e) => ({
        Id: e.Id,
        MessageId: 'x',
      })),
      Failed: input.PublishBatchRequestEntries.filter((e) => e.Id === 'm0').map((e) => ({
        Id: e.Id,
        Code: 'Throttled',
        SenderFault: true,
      })),
    }));

    const response = await handler(buildSqsEvent(records));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[0]!.messageId }]);
    expect(publishCalls()).toHaveLength(4);
  });

  it('retries a thrown throttling error', async () => {
    const { handler } = setup();
    sns
      .on(PublishBatchCommand)
      .rejectsOnce(
        Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }),
      )
      .callsFake(allSucceed);

    const response = await handler(buildSqsEvent([inboxRecord().record]));

    expect(response.batchItemFailures).toEqual([]);
    expect(publishCalls()).toHaveLength(2);
  });

  it('fails every message of the call on a thrown permanent error', async () => {
    const { handler } = setup();
    const records = [inboxRecord().record, inboxRecord().record];
    sns.on(PublishBatchCommand).rejects(
      Object.assign(new Error('Topic does not exist'), {
        name: 'NotFoundException',
        $metadata: { httpStatusCode: 404 },
      }),
    );

    const response = await handler(buildSqsEvent(records));

    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(records.map((r) => r.messageId));
    expect(publishCalls()).toHaveLength(1);
  });

  it.each([
    ['a body that is not JSON', '{"version": '],
    ['an envelope from another source', () => ({ ...buildBusEvent(inboxRecord().detail), source: 'someone.else' })],
    [
      'a detail that breaks the contract',
      () => {
        const bus = buildBusEvent(inboxRecord().detail);
        return { ...bus, detail: { ...bus.detail, amount: 'twelve' } };
      },
    ],
    [
      'a detail-type that disagrees with the detail stage',
      () => ({ ...buildBusEvent(inboxRecord().detail), 'detail-type': 'invoice.reconciliation' }),
    ],
  ])('reports %s as failed (so it reaches the DLQ) and still forwards the rest', async (_label, body) => {
    const { handler, metrics } = setup();
    const good = inboxRecord().record;
    const bad = buildSqsRecord({ body: typeof body === 'function' ? body() : body });

    const response = await handler(buildSqsEvent([bad, good]));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: bad.messageId }]);
    expect(publishCalls()).toHaveLength(1);
    expect(publishCalls()[0]!.PublishBatchRequestEntries).toHaveLength(1);
    expect(metrics.total('MessagesMalformed')).toBe(1);
  });

  it('reports an event of a stage without a configured topic as failed', async () => {
    const { handler } = setup();
    const { record } = inboxRecord('authorization');

    const response = await handler(buildSqsEvent([record]));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(publishCalls()).toHaveLength(0);
  });
});

describe('forwardConfigFromEnv', () => {
  it.each([
    ['missing', undefined, /STAGE_TOPIC_ARNS: is required/],
    ['not JSON', '{posting:', /STAGE_TOPIC_ARNS: must be a JSON object/],
    ['an unknown stage', JSON.stringify({ shipping: TOPICS.posting }), /unknown stage "shipping"/],
    [
      'a standard (non-FIFO) topic',
      JSON.stringify({ posting: 'arn:aws:sns:eu-west-1:0:bems-posting' }),
      /posting: must be an SNS FIFO topic ARN/,
    ],
  ])('rejects STAGE_TOPIC_ARNS that is %s', (_label, value, message) => {
    const env = handlerTestEnv(value === undefined ? {} : { STAGE_TOPIC_ARNS: value });

    expect(() => forwardConfigFromEnv(env)).toThrow(ConfigError);
    expect(() => forwardConfigFromEnv(env)).toThrow(message);
  });
});

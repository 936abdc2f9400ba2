import { type _Record, TimestreamWriteClient, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RecordToWrite, writeRecords } from '../../../handlers/consume/writeRecords.ts';
import { consumeConfigFromEnv, createConsumeHandler } from '../../../handlers/consume.ts';
import { ConfigError, RecordRejectedError } from '../../../handlers/shared/errors.ts';
import { handlerTestEnv, instantRetryClock, metricsRecorder } from '../../helpers/handlerTestEnv.ts';
import { buildInvoiceEvent } from '../../helpers/invoiceEvents.ts';
import { buildEventDetail, buildSqsEvent, buildSqsRecord } from '../../helpers/sqsEvents.ts';

const timestream = mockClient(TimestreamWriteClient);
const NOW = Date.parse('2026-11-28T10:00:00.000Z');

function setup() {
  const config = consumeConfigFromEnv(
    handlerTestEnv({
      TIMESTREAM_DATABASE_NAME: 'bems-test',
      TIMESTREAM_TABLE_NAME: 'invoice_events',
      CONSUMER_NAME: 'recorder',
    }),
  );
  const metrics = metricsRecorder();
  const clock = instantRetryClock();
  const handler = createConsumeHandler(config, {
    now: () => NOW,
    retryClock: clock,
    publishMetrics: metrics.publishMetrics,
  });
  return { handler, metrics, clock };
}

/** A consumer-queue message (raw delivery: the body is the detail) in group `invoiceId`. */
function fifoMessage(invoiceId = `INV-${Math.random().toString(36).slice(2, 10)}`, attributes = {}) {
  const detail = buildEventDetail(
    buildInvoiceEvent('posting', { invoiceId, status: 'posted', occurredAt: '2026-11-28T09:00:00Z' }),
  );
  return {
    detail,
    record: buildSqsRecord({ body: detail, messageGroupId: invoiceId, messageAttributes: attributes }),
  };
}

/** eventIds of the records of every WriteRecords call, in call order. */
function writtenEventIds(): string[][] {
  return timestream.commandCalls(WriteRecordsCommand).map((call) => (call.args[0].input.Records ?? []).map(eventIdOf));
}

function eventIdOf(record: _Record): string {
  return record.Dimensions!.find((d) => d.Name === 'event_id')!.Value!;
}

function rejected(rejections: { RecordIndex: number; Reason: string; ExistingVersion?: number }[]) {
  return Object.assign(new Error('One or more records have been rejected. See RejectedRecords for details.'), {
    name: 'RejectedRecordsException',
    $fault: 'client',
    $metadata: { httpStatusCode: 419 },
    RejectedRecords: rejections,
  });
}

function failures(response: { batchItemFailures: { itemIdentifier: string }[] }) {
  return response.batchItemFailures.map((f) => f.itemIdentifier);
}

beforeEach(() => {
  timestream.reset();
  timestream.on(WriteRecordsCommand).resolves({ RecordsIngested: { Total: 1, MemoryStore: 1, MagneticStore: 0 } });
});
afterEach(() => timestream.reset());

describe('consume handler', () => {
  it('writes a batch of different invoices in one WriteRecords call', async () => {
    // Prepare
    const { handler, metrics } = setup();
    const messages = [fifoMessage(), fifoMessage(), fifoMessage()];

    // Act
    const response = await handler(buildSqsEvent(messages.map((m) => m.record)));

    // Assess
    expect(failures(response)).toEqual([]);
    expect(writtenEventIds()).toEqual([messages.map((m) => m.detail.eventId)]);
    const input = timestream.commandCalls(WriteRecordsCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ DatabaseName: 'bems-test', TableName: 'invoice_events' });
    expect(input.Records![0]!.Dimensions).toContainEqual({
      Name: 'consumer',
      Value: 'recorder',
      DimensionValueType: 'VARCHAR',
    });
    expect(metrics.total('EventsRecorded', { stage: 'posting', consumer: 'recorder' })).toBe(3);
  });

  it('marks a record as replayed when the message carries a replay name', async () => {
    const { handler } = setup();
    const { record } = fifoMessage(undefined, { replayName: 'replay-1' });

    await handler(buildSqsEvent([record]));

    const written = timestream.commandCalls(WriteRecordsCommand)[0]!.args[0].input.Records![0]!;
    expect(written.MeasureValues!.find((m) => m.Name === 'replayed')!.Value).toBe('true');
  });

  it('classifies RejectedRecords one by one: duplicate is success, too old and invalid fail, unlisted were written', async () => {
    // Prepare: four invoices in one call; Timestream rejects three of them for different reasons.
    const { handler, metrics } = setup();
    const messages = [fifoMessage(), fifoMessage(), fifoMessage(), fifoMessage()];
    timestream.on(WriteRecordsCommand).rejects(
      rejected([
        {
          RecordIndex: 0,
          Reason:
            'A record with the same dimensions, timestamp and measure name but different measure values already exists.',
          ExistingVersion: 1,
        },
        {
          RecordIndex: 1,
          Reason:
            'The record timestamp is outside the time range [2026-11-27T10:00:00Z, 2026-11-28T10:15:00Z) of the memory store.',
        },
        { RecordIndex: 2, Reason: "Measure 'amount' value 'NaN' is not a valid DOUBLE." },
      ]),
    );

    // Act
    const response = await handler(buildSqsEvent(messages.map((m) => m.record)));

    // Assess
    expect(failures(response)).toEqual([messages[1]!.record.messageId, messages[2]!.record.messageId]);
    expect(writtenEventIds()).toHaveLength(1); // rejections are permanent: not resent
    expect(metrics.total('DuplicateSuppressed', { consumer: 'recorder' })).toBe(1);
    expect(metrics.total('EventsRecorded')).toBe(1);
    expect(metrics.total('RecordsFailed')).toBe(2);
    expect(metrics.total('RecordsRejected', { stage: 'posting', consumer: 'recorder' })).toBe(2);
  });

  describe('RecordsRejected (the metric of the rejected-records alarm)', () => {
    it('does not count records that failed only transiently, though RecordsFailed does', async () => {
      // Prepare: Timestream stays throttled past the retry bound.
      const { handler, metrics } = setup();
      const messages = [fifoMessage(), fifoMessage()];
      timestream.on(WriteRecordsCommand).rejects(
        Object.assign(new Error('Rate exceeded'), {
          name: 'ThrottlingException',
          $metadata: { httpStatusCode: 429 },
        }),
      );

      // Act
      const response = await handler(buildSqsEvent(messages.map((m) => m.record)));

      // Assess
      expect(failures(response)).toHaveLength(2);
      expect(metrics.total('RecordsFailed')).toBe(2);
      expect(metrics.total('RecordsRejected')).toBe(0);
    });

    it('counts a permanent WriteRecords error for every record of the call', async () => {
      const { handler, metrics } = setup();
      timestream.on(WriteRecordsCommand).rejects(
        Object.assign(new Error('User is not authorized to perform: timestream:WriteRecords'), {
          name: 'AccessDeniedException',
          $metadata: { httpStatusCode: 403 },
        }),
      );

      await handler(buildSqsEvent([fifoMessage().record, fifoMessage().record]));

      expect(metrics.total('RecordsRejected')).toBe(2);
    });

    it('does not count a malformed message or the later events of its group', async () => {
      const { handler, metrics } = setup();
      const broken = buildSqsRecord({ body: '{"eventId": "not-json', messageGroupId: 'INV-A' });

      await handler(buildSqsEvent([broken, fifoMessage('INV-A').record]));

      expect(metrics.total('RecordsFailed')).toBe(1);
      expect(metrics.total('RecordsRejected')).toBe(0);
    });
  });

  it('retries a throttled WriteRecords with backoff and succeeds', async () => {
    const { handler, clock } = setup();
    const messages = [fifoMessage(), fifoMessage()];
    timestream
      .on(WriteRecordsCommand)
      .rejectsOnce(
        Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } }),
      )
      .resolves({ RecordsIngested: { Total: 2 } });

    const response = await handler(buildSqsEvent(messages.map((m) => m.record)));

    expect(failures(response)).toEqual([]);
    expect(writtenEventIds()).toHaveLength(2);
    expect(clock.sleeps).toHaveLength(1);
  });

  it('reports every message failed when Timestream stays unavailable, after the retry bound', async () => {
    const { handler } = setup();
    const messages = [fifoMessage(), fifoMessage()];
    timestream
      .on(WriteRecordsCommand)
      .rejects(
        Object.assign(new Error('internal'), { name: 'InternalServerException', $metadata: { httpStatusCode: 500 } }),
      );

    const response = await handler(buildSqsEvent(messages.map((m) => m.record)));

    expect(failures(response)).toEqual(messages.map((m) => m.record.messageId));
    expect(writtenEventIds()).toHaveLength(4); // QUEUE_RETRY_POLICY.maxAttempts
  });

  it('does not retry a permanent error such as a missing table', async () => {
    const { handler } = setup();
    timestream.on(WriteRecordsCommand).rejects(
      Object.assign(new Error('table not found'), {
        name: 'ResourceNotFoundException',
        $metadata: { httpStatusCode: 404 },
      }),
    );

    const response = await handler(buildSqsEvent([fifoMessage().record]));

    expect(failures(response)).toHaveLength(1);
    expect(writtenEventIds()).toHaveLength(1);
  });

  describe('FIFO order', () => {
    it('writes the events of one invoice in order, one wave per position in the group', async () => {
      const { handler } = setup();
      const a1 = fifoMessage('INV-A');
      const a2 = fifoMessage('INV-A');
      const b1 = fifoMessage('INV-B');

      const response = await handler(buildSqsEvent([a1.record, b1.record, a2.record]));

      expect(failures(response)).toEqual([]);
      expect(writtenEventIds()).toEqual([[a1.detail.eventId, b1.detail.eventId], [a2.detail.eventId]]);
    });

    it('fails the later messages of a group once one failed, without writing them, and lets other groups through', async () => {
      // Prepare: INV-A's first event is rejected as invalid; INV-B is fine.
      const { handler } = setup();
      const a1 = fifoMessage('INV-A');
      const a2 = fifoMessage('INV-A');
      const b1 = fifoMessage('INV-B');
      const a3 = fifoMessage('INV-A');
      const b2 = fifoMessage('INV-B');
      timestream.on(WriteRecordsCommand).callsFake((input: { Records: _Record[] }) => {
        const index = input.Records.findIndex((r) => eventIdOf(r) === a1.detail.eventId);
        if (index >= 0) throw rejected([{ RecordIndex: index, Reason: 'Dimension value exceeds the limit.' }]);
        return { RecordsIngested: { Total: input.Records.length } };
      });

      // Act
      const response = await handler(buildSqsEvent([a1, a2, b1, a3, b2].map((m) => m.record)));

      // Assess
      expect(failures(response)).toEqual([a1, a2, a3].map((m) => m.record.messageId));
      const written = writtenEventIds().flat();
      expect(written).toContain(b2.detail.eventId);
      expect(written).not.toContain(a2.detail.eventId);
      expect(written).not.toContain(a3.detail.eventId);
    });

    it('reports a malformed message as failed, with the rest of its group, never dropping it', async () => {
      const { handler, metrics } = setup();
      const broken = buildSqsRecord({ body: '{"eventId": "not-json', messageGroupId: 'INV-A' });
      const a2 = fifoMessage('INV-A');
      const b1 = fifoMessage('INV-B');

      const response = await handler(buildSqsEvent([broken, a2.record, b1.record]));

      expect(failures(response)).toEqual([broken.messageId, a2.record.messageId]);
      expect(writtenEventIds()).toEqual([[b1.detail.eventId]]);
      expect(metrics.total('RecordsFailed')).toBe(1);
    });

    it('rejects an SNS envelope body (raw delivery switched off) as malformed', async () => {
      const { handler } = setup();
      const { detail } = fifoMessage();
      const envelope = buildSqsRecord({
        body: { Type: 'Notification', MessageId: 'x', Message: JSON.stringify(detail) },
        messageGroupId: detail.invoiceId,
      });

      const response = await handler(buildSqsEvent([envelope]));

      expect(failures(response)).toEqual([envelope.messageId]);
      expect(writtenEventIds()).toEqual([]);
    });
  });
});

describe('writeRecords', () => {
  function records(count: number): RecordToWrite[] {
    return Array.from({ length: count }, (_, i) => ({
      eventId: `e${i}`,
      record: {
        Dimensions: [{ Name: 'event_id', Value: `e${i}` }],
        MeasureName: 'm',
        MeasureValue: '1',
        Time: '1',
      },
    }));
  }

  it('writes in calls of at most 100 records', async () => {
    const outcomes = await writeRecords(records(250), {
      client: new TimestreamWriteClient({ region: 'eu-west-1' }),
      databaseName: 'db',
      tableName: 't',
      policy: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    });

    expect(writtenEventIds().map((ids) => ids.length)).toEqual([100, 100, 50]);
    expect(outcomes.every((o) => o.status === 'recorded')).toBe(true);
  });

  it('maps RecordIndex to the records of the call it came from', async () => {
    timestream
      .on(WriteRecordsCommand)
      .resolvesOnce({})
      .rejectsOnce(rejected([{ RecordIndex: 5, Reason: 'outside the time range of the data ingestion window' }]));

    const outcomes = await writeRecords(records(120), {
      client: new TimestreamWriteClient({ region: 'eu-west-1' }),
      databaseName: 'db',
      tableName: 't',
      policy: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    });

    const failed = outcomes.flatMap((o, i) => (o.status === 'failed' ? [[i, o.error]] : []));
    expect(failed).toHaveLength(1);
    expect(failed[0]![0]).toBe(105);
    expect(failed[0]![1]).toBeInstanceOf(RecordRejectedError);
    expect((failed[0]![1] as RecordRejectedError).rejection).toBe('outside-retention');
  });
});

describe('consumeConfigFromEnv', () => {
  it('names every missing Timestream variable', () => {
    expect(() => consumeConfigFromEnv(handlerTestEnv())).toThrow(ConfigError);
    expect(() => consumeConfigFromEnv(handlerTestEnv())).toThrow(
      /TIMESTREAM_DATABASE_NAME[\s\S]*TIMESTREAM_TABLE_NAME[\s\S]*CONSUMER_NAME/,
    );
  });
});

import {
  FirehoseClient,
  PutRecordBatchCommand,
  type PutRecordBatchInput,
  type PutRecordBatchResponseEntry,
} from '@aws-sdk/client-firehose';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FirehoseSink } from '../../../handlers/consume/FirehoseSink.ts';
import { PUT_RECORD_BATCH_LIMITS, putRecordBatch, type RecordToPut } from '../../../handlers/consume/putRecordBatch.ts';
import { consumeConfigFromEnv, createConsumeHandler, isPermanentRejection } from '../../../handlers/consume.ts';
import { ConfigError, RecordRejectedError } from '../../../handlers/shared/errors.ts';
import { LAKEHOUSE_COLUMNS } from '../../../schemas/analyticsRecord.ts';
import { handlerTestEnv, instantRetryClock, metricsRecorder } from '../../helpers/handlerTestEnv.ts';
import { buildInvoiceEvent } from '../../helpers/invoiceEvents.ts';
import { buildEventDetail, buildSqsEvent, buildSqsRecord } from '../../helpers/sqsEvents.ts';

const firehose = mockClient(FirehoseClient);
const NOW = Date.parse('2026-11-28T10:00:00.000Z');
const STREAM = 'bems-test-analytics';

function setup() {
  const config = consumeConfigFromEnv(
    handlerTestEnv({ ANALYTICS_STORE: 'lakehouse', FIREHOSE_STREAM_NAME: STREAM, CONSUMER_NAME: 'recorder' }),
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
function fifoMessage(invoiceId = `INV-${Math.random().toString(36).slice(2, 10)}`) {
  const detail = buildEventDetail(
    buildInvoiceEvent('posting', { invoiceId, status: 'posted', occurredAt: '2026-11-28T09:00:00Z' }),
  );
  return { detail, record: buildSqsRecord({ body: detail, messageGroupId: invoiceId }) };
}

const decoder = new TextDecoder();

/** The rows of one PutRecordBatch input, parsed back from their JSON lines. */
function rowsOf(input: PutRecordBatchInput): Record<string, unknown>[] {
  return (input.Records ?? []).map((r) => {
    const text = decoder.decode(r.Data);
    expect(text.endsWith('\n')).toBe(true);
    return JSON.parse(text) as Record<string, unknown>;
  });
}

/** event_ids of the rows of every PutRecordBatch call, in call order. */
function sentEventIds(): string[][] {
  return firehose.commandCalls(PutRecordBatchCommand).map((call) => rowsOf(call.args[0].input).map(eventIdOf));
}

function eventIdOf(row: Record<string, unknown>): string {
  return row[LAKEHOUSE_COLUMNS.event_id] as string;
}

/** An answer to a call of `count` records: every record accepted except the ones in `errors`. */
function answer(count: number, errors: Record<number, string> = {}) {
  const RequestResponses: PutRecordBatchResponseEntry[] = Array.from({ length: count }, (_, i) =>
    errors[i] ? { ErrorCode: errors[i], ErrorMessage: `${errors[i]} for record ${i}` } : { RecordId: `rid-${i}` },
  );
  return { FailedPutCount: Object.keys(errors).length, Encrypted: false, RequestResponses };
}

function acceptAll() {
  firehose.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchInput) => answer(input.Records!.length));
}

function failures(response: { batchItemFailures: { itemIdentifier: string }[] }) {
  return response.batchItemFailures.map((f) => f.itemIdentifier);
}

const throttled = () =>
  Object.assign(new Error('Slow down.'), {
    name: 'ServiceUnavailableException',
    $fault: 'server',
    $metadata: { httpStatusCode: 503 },
  });

beforeEach(() => {
  firehose.reset();
  acceptAll();
});
afterEach(() => firehose.reset());

describe('consume handler with the lakehouse store (Firehose sink)', () => {
  it('sends a batch as one PutRecordBatch call of JSON lines, one row per message, with exactly the record’s columns', async () => {
    // Prepare
    const { handler, metrics } = setup();
    const messages = [fifoMessage(), fifoMessage(), fifoMessage()];

    // Act
    const response = await handler(buildSqsEvent(messages.map((m) => m.record)));

    // Assess
    expect(failures(response)).toEqual([]);
    const calls = firehose.commandCalls(PutRecordBatchCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.DeliveryStreamName).toBe(STREAM);
    const rows = rowsOf(input);
    expect(rows.map(eventIdOf)).toEqual(messages.map((m) => m.detail.eventId));
    expect(Object.keys(rows[0]!).sort()).toEqual(Object.values(LAKEHOUSE_COLUMNS).sort());
    expect(rows[0]).toMatchObject({
      consumer: 'recorder',
      stage: 'posting',
      invoice_id: messages[0]!.detail.invoiceId,
      time: Date.parse('2026-11-28T09:00:00Z') * 1000,
      processed_at: NOW * 1000,
      replayed: false,
    });
    expect(metrics.total('EventsRecorded', { stage: 'posting', consumer: 'recorder' })).toBe(3);
  });

  it('resends only the records of a partial failure (FailedPutCount), with backoff, and acknowledges all once accepted', async () => {
    // Prepare: the first answer refuses record 1 with the stream's throughput error.
    const { handler, clock, metrics } = setup();
    const messages = [fifoMessage(), fifoMessage(), fifoMessage()];
    firehose
      .on(PutRecordBatchCommand)
      .callsFakeOnce((input: PutRecordBatchInput) =>
        answer(input.Records!.length, { 1: 'ServiceUnavailableException' }),
      )
      .callsFake((input: PutRecordBatchInput) => answer(input.Records!.length));

    // Act
    const response = await handler(buildSqsEvent(messages.map((m) => m.record)));

    // Assess
    expect(failures(response)).toEqual([]);
    expect(sentEventIds()).toEqual([messages.map((m) => m.detail.eventId), [messages[1]!.detail.eventId]]);
    expect(clock.sleeps).toHaveLength(1);
    expect(metrics.total('EventsRecorded')).toBe(3);
  });

  it('reports exactly the message of a permanent per-record error as a batch item failure, without resending it', async () => {
    const { handler, metrics } = setup();
    const messages = [fifoMessage(), fifoMessage(), fifoMessage()];
    firehose
      .on(PutRecordBatchCommand)
      .callsFake((input: PutRecordBatchInput) => answer(input.Records!.length, { 2: 'InvalidArgumentException' }));

    const response = await handler(buildSqsEvent(messages.map((m) => m.record)));

    expect(failures(response)).toEqual([messages[2]!.record.messageId]);
    expect(sentEventIds()).toHaveLength(1);
    expect(metrics.total('EventsRecorded')).toBe(2);
    expect(metrics.total('RecordsFailed')).toBe(1);
    expect(metrics.total('RecordsRejected', { stage: 'posting', consumer: 'recorder' })).toBe(1);
  });

  it('reports every message failed, none acknowledged, when the records stay throttled past the retry bound', async () => {
    const { handler, metrics } = setup();
    const messages = [fifoMessage(), fifoMessage()];
    firehose
      .on(PutRecordBatchCommand)
      .callsFake((input: PutRecordBatchInput) =>
        answer(input.Records!.length, { 0: 'ServiceUnavailableException', 1: 'InternalFailure' }),
      );

    const response = await handler(buildSqsEvent(messages.map((m) => m.record)));

    expect(failures(response)).toEqual(messages.map((m) => m.record.messageId));
    expect(sentEventIds()).toHaveLength(4); // QUEUE_RETRY_POLICY.maxAttempts
    expect(metrics.total('EventsRecorded')).toBe(0);
    expect(metrics.total('RecordsFailed')).toBe(2);
    expect(metrics.total('RecordsRejected')).toBe(0); // transient: not the rejected-records alarm's business
  });

  it('retries a thrown ServiceUnavailableException and reports the messages failed when it persists', async () => {
    const { handler } = setup();
    const messages = [fifoMessage(), fifoMessage()];
    firehose.on(PutRecordBatchCommand).rejects(throttled());

    const response = await handler(buildSqsEvent(messages.map((m) => m.record)));

    expect(failures(response)).toEqual(messages.map((m) => m.record.messageId));
    expect(sentEventIds()).toHaveLength(4);
  });

  it('does not retry a missing stream, and counts it as rejected', async () => {
    const { handler, metrics } = setup();
    firehose.on(PutRecordBatchCommand).rejects(
      Object.assign(new Error(`Firehose ${STREAM} under account 000000000000 not found.`), {
        name: 'ResourceNotFoundException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      }),
    );

    const response = await handler(buildSqsEvent([fifoMessage().record]));

    expect(failures(response)).toHaveLength(1);
    expect(sentEventIds()).toHaveLength(1);
    expect(metrics.total('RecordsRejected')).toBe(1);
  });

  it('does not acknowledge a record the answer says nothing about', async () => {
    const { handler } = setup();
    const messages = [fifoMessage(), fifoMessage()];
    // An answer one entry short of the records sent (never seen from AWS; must not ack by default).
    firehose.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchInput) => ({
      FailedPutCount: 0,
      RequestResponses: input.Records!.slice(1).map((_, i) => ({ RecordId: `rid-${i}` })),
    }));

    const response = await handler(buildSqsEvent(messages.map((m) => m.record)));

    expect(failures(response)).toEqual([messages[1]!.record.messageId]);
  });

  it('keeps FIFO order: a later event of an invoice is not sent while an earlier one failed', async () => {
    const { handler } = setup();
    const a1 = fifoMessage('INV-A');
    const a2 = fifoMessage('INV-A');
    const b1 = fifoMessage('INV-B');
    firehose.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchInput) => {
      const index = rowsOf(input).findIndex((row) => eventIdOf(row) === a1.detail.eventId);
      return answer(input.Records!.length, index >= 0 ? { [index]: 'KMS.AccessDeniedException' } : {});
    });

    const response = await handler(buildSqsEvent([a1.record, b1.record, a2.record]));

    expect(failures(response)).toEqual([a1.record.messageId, a2.record.messageId]);
    expect(sentEventIds().flat()).not.toContain(a2.detail.eventId);
  });
});

describe('FirehoseSink', () => {
  const sink = () =>
    new FirehoseSink({
      client: new FirehoseClient({ region: 'eu-west-1' }),
      streamName: STREAM,
      policy: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
      clock: instantRetryClock(),
    });
  const item = (vendorName?: string) => {
    const detail = buildEventDetail(buildInvoiceEvent('posting', { status: 'posted' }));
    return {
      detail: vendorName ? { ...detail, vendor: { ...detail.vendor, name: vendorName } } : detail,
      consumer: 'recorder',
      replayed: false,
      processedAt: NOW,
    };
  };

  it('refuses a row over the 1,000 KiB record quota on its own, as a permanent rejection, and sends the rest', async () => {
    // Prepare: the middle item's row is just over the quota (the schema would not let it through;
    // the sink must still never send a call Firehose refuses whole).
    const items = [item(), item('x'.repeat(PUT_RECORD_BATCH_LIMITS.maxRecordBytes)), item()];

    // Act
    const outcomes = await sink().write(items);

    // Assess
    expect(outcomes.map((o) => o.status)).toEqual(['recorded', 'failed', 'recorded']);
    const failed = outcomes[1] as { status: 'failed'; error: RecordRejectedError };
    expect(failed.error).toBeInstanceOf(RecordRejectedError);
    expect(failed.error.retryable).toBe(false);
    expect(isPermanentRejection(failed.error)).toBe(true); // → RecordsRejected, like a Timestream rejection
    expect(sentEventIds()).toEqual([[items[0]!.detail.eventId, items[2]!.detail.eventId]]);
  });

  it('sends a row of exactly the quota', async () => {
    // Prepare: the row's size with a one-letter vendor name, then a name that fills it to the byte.
    await sink().write([item('y')]);
    const oneLetterBytes = lastSentRecord().byteLength;
    firehose.resetHistory();
    const exact = item('y'.repeat(PUT_RECORD_BATCH_LIMITS.maxRecordBytes - oneLetterBytes + 1));

    // Act
    const outcomes = await sink().write([exact]);

    // Assess
    expect(outcomes.map((o) => o.status)).toEqual(['recorded']);
    expect(lastSentRecord().byteLength).toBe(PUT_RECORD_BATCH_LIMITS.maxRecordBytes);
  });

  function lastSentRecord(): Uint8Array {
    return firehose.commandCalls(PutRecordBatchCommand).at(-1)!.args[0].input.Records![0]!.Data!;
  }
});

describe('putRecordBatch', () => {
  const options = {
    client: new FirehoseClient({ region: 'eu-west-1' }),
    streamName: STREAM,
    policy: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
  };
  const records = (count: number, bytes = 10): RecordToPut[] =>
    Array.from({ length: count }, (_, i) => ({ eventId: `e${i}`, data: new Uint8Array(bytes).fill(97) }));
  const callSizes = () => firehose.commandCalls(PutRecordBatchCommand).map((c) => c.args[0].input.Records!.length);

  it('splits into calls of at most 500 records', async () => {
    const outcomes = await putRecordBatch(records(1_200), options);

    expect(callSizes()).toEqual([500, 500, 200]);
    expect(outcomes.every((o) => o.status === 'recorded')).toBe(true);
  });

  it('splits into calls of at most 4 MiB', async () => {
    // 900 KiB each: four make 3.5 MiB, a fifth would pass 4 MiB.
    const outcomes = await putRecordBatch(records(9, 900 * 1024), options);

    expect(callSizes()).toEqual([4, 4, 1]);
    for (const call of firehose.commandCalls(PutRecordBatchCommand)) {
      const bytes = call.args[0].input.Records!.reduce((sum, r) => sum + r.Data!.byteLength, 0);
      expect(bytes).toBeLessThanOrEqual(PUT_RECORD_BATCH_LIMITS.maxCallBytes);
    }
    expect(outcomes).toHaveLength(9);
  });

  it('fills a call up to exactly 4 MiB', async () => {
    // Four records of exactly 1 MiB (over the per-record quota, but splitting counts only bytes).
    await putRecordBatch(records(5, 1024 * 1024), options);

    expect(callSizes()).toEqual([4, 1]);
  });

  it('maps per-record errors to the records of the call they came from', async () => {
    firehose
      .on(PutRecordBatchCommand)
      .callsFakeOnce((input: PutRecordBatchInput) => answer(input.Records!.length))
      .callsFakeOnce((input: PutRecordBatchInput) => answer(input.Records!.length, { 5: 'SomethingPermanent' }));

    const outcomes = await putRecordBatch(records(510), options);

    const failed = outcomes.flatMap((o, i) => (o.status === 'failed' ? [i] : []));
    expect(failed).toEqual([505]);
  });
});

describe('lakehouse sink property', () => {
  /** What Firehose does with one record of one call. */
  const entryFate = fc.constantFrom('accept', 'accept', 'throttle', 'internal', 'permanent', 'missing');
  const callFate = fc.constantFrom('answer', 'answer', 'answer', 'throw-throttle', 'throw-permanent');

  it('acknowledges a message only when Firehose accepted its record, and reports every other message failed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('INV-A', 'INV-B', 'INV-C', 'INV-D', 'INV-E'), { minLength: 1, maxLength: 12 }),
        fc.array(entryFate, { minLength: 1, maxLength: 40 }),
        fc.array(callFate, { minLength: 1, maxLength: 8 }),
        async (groups, entryFates, callFates) => {
          // Prepare: a scripted Firehose; every record it answers with a RecordId is "accepted".
          firehose.reset();
          const accepted = new Set<string>();
          let entries = 0;
          let calls = 0;
          firehose.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchInput) => {
            const fate = callFates[calls++ % callFates.length];
            if (fate === 'throw-throttle') throw throttled();
            if (fate === 'throw-permanent') {
              throw Object.assign(new Error('denied'), {
                name: 'AccessDeniedException',
                $metadata: { httpStatusCode: 400 },
              });
            }
            const rows = rowsOf(input);
            const RequestResponses: PutRecordBatchResponseEntry[] = [];
            rows.forEach((row, i) => {
              const entry = entryFates[entries++ % entryFates.length];
              if (entry === 'accept') {
                accepted.add(eventIdOf(row));
                RequestResponses.push({ RecordId: `rid-${entries}` });
              } else if (entry === 'throttle') RequestResponses.push({ ErrorCode: 'ServiceUnavailableException' });
              else if (entry === 'internal') RequestResponses.push({ ErrorCode: 'InternalFailure' });
              else if (entry === 'permanent') RequestResponses.push({ ErrorCode: 'InvalidArgumentException' });
              else if (i < rows.length - 1) RequestResponses.push({});
            });
            return {
              FailedPutCount: rows.length - RequestResponses.filter((r) => r.RecordId).length,
              RequestResponses,
            };
          });
          const { handler } = setup();
          const messages = groups.map((group) => fifoMessage(group));

          // Act
          const response = await handler(buildSqsEvent(messages.map((m) => m.record)));

          // Assess: acknowledged ⇔ accepted, for every message.
          const reported = new Set(failures(response));
          for (const m of messages) {
            const acknowledged = !reported.has(m.record.messageId);
            expect(acknowledged).toBe(accepted.has(m.detail.eventId));
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('consumeConfigFromEnv (analytics store)', () => {
  it('chooses the lakehouse with its stream, without asking for Timestream variables', () => {
    const config = consumeConfigFromEnv(
      handlerTestEnv({ ANALYTICS_STORE: 'lakehouse', FIREHOSE_STREAM_NAME: STREAM, CONSUMER_NAME: 'recorder' }),
    );

    expect(config.analytics).toEqual({ store: 'lakehouse', streamName: STREAM });
  });

  it('keeps Timestream when ANALYTICS_STORE is unset', () => {
    const config = consumeConfigFromEnv(
      handlerTestEnv({ TIMESTREAM_DATABASE_NAME: 'db', TIMESTREAM_TABLE_NAME: 't', CONSUMER_NAME: 'recorder' }),
    );

    expect(config.analytics).toEqual({ store: 'timestream', databaseName: 'db', tableName: 't' });
  });

  it('names the missing stream of a lakehouse consumer', () => {
    const attempt = () => consumeConfigFromEnv(handlerTestEnv({ ANALYTICS_STORE: 'lakehouse', CONSUMER_NAME: 'r' }));

    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/FIREHOSE_STREAM_NAME: is required/);
    expect(attempt).not.toThrow(/TIMESTREAM/);
  });

  it('names an unknown store', () => {
    const attempt = () =>
      consumeConfigFromEnv(
        handlerTestEnv({
          ANALYTICS_STORE: 'influxdb',
          TIMESTREAM_DATABASE_NAME: 'db',
          TIMESTREAM_TABLE_NAME: 't',
          CONSUMER_NAME: 'r',
        }),
      );

    expect(attempt).toThrow(/ANALYTICS_STORE: must be one of timestream, lakehouse, got "influxdb"/);
  });
});

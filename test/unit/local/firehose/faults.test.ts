import {
  DescribeDeliveryStreamCommand,
  type FirehoseClient,
  PutRecordBatchCommand,
  PutRecordCommand,
  ServiceUnavailableException,
} from '@aws-sdk/client-firehose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunningFirehoseEmulator } from '../../../../local/firehose/index.ts';
import { caught, clientFor, DATABASE, jsonLine, TABLE, UPSERT_STREAM, useEmulator } from './support.ts';

describe('Firehose emulator faults and wire protocol (real @aws-sdk/client-firehose)', () => {
  const running = useEmulator();
  let emulator: RunningFirehoseEmulator;
  let client: FirehoseClient;
  beforeAll(() => {
    ({ emulator, client } = running());
  });

  const putBatch = (records: Array<Record<string, unknown>>) =>
    client.send(new PutRecordBatchCommand({ DeliveryStreamName: UPSERT_STREAM, Records: records.map(jsonLine) }));

  describe('injected faults', () => {
    it('throttle: ServiceUnavailableException (503), which the SDK retries until the fault clears', async () => {
      emulator.setFault({ mode: 'throttle' });
      const error = await caught(putBatch([{ event_id: 'e1', stage: 's' }]));
      expect(error).toBeInstanceOf(ServiceUnavailableException);
      expect(error.$metadata).toMatchObject({ httpStatusCode: 503 });
      expect(emulator.store.countRows()).toBe(0);

      emulator.setFault({ mode: 'throttle', untilMs: Date.now() + 150 });
      const retrying = clientFor(emulator.endpoint, { maxAttempts: 10 });
      const before = emulator.requestCounts().PutRecordBatch ?? 0;
      const batch = await retrying.send(
        new PutRecordBatchCommand({
          DeliveryStreamName: UPSERT_STREAM,
          Records: [jsonLine({ event_id: 'e1', stage: 's' })],
        }),
      );
      retrying.destroy();
      expect(batch.FailedPutCount).toBe(0);
      expect((emulator.requestCounts().PutRecordBatch ?? 0) - before).toBeGreaterThan(1);
      expect(emulator.store.countRows()).toBe(1);
    });

    it('internal: InternalFailure (500) on PutRecord and PutRecordBatch, control plane unaffected', async () => {
      emulator.setFault({ mode: 'internal' });
      const error = await caught(putBatch([{ event_id: 'e1', stage: 's' }]));
      expect(error.name).toBe('InternalFailure');
      expect(error.$metadata).toMatchObject({ httpStatusCode: 500 });
      const one = await caught(
        client.send(new PutRecordCommand({ DeliveryStreamName: UPSERT_STREAM, Record: jsonLine({ a: 1 }) })),
      );
      expect(one.name).toBe('InternalFailure');
      await client.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: UPSERT_STREAM }));
    });

    it('partial: per-record ErrorCode/ErrorMessage and FailedPutCount; failed records are not delivered', async () => {
      emulator.setFault({ mode: 'partial', everyNth: 2 });
      const records = [1, 2, 3, 4].map((n) => ({ event_id: `e${n}`, stage: 's' }));
      const batch = await putBatch(records);
      expect(batch.FailedPutCount).toBe(2);
      expect(batch.RequestResponses?.map((r) => r.ErrorCode ?? 'ok')).toEqual([
        'ok',
        'ServiceUnavailableException',
        'ok',
        'ServiceUnavailableException',
      ]);
      expect(batch.RequestResponses?.[1]).toEqual({
        ErrorCode: 'ServiceUnavailableException',
        ErrorMessage: expect.any(String),
      });
      expect(emulator.store.rows(DATABASE, TABLE).map((r) => r.event_id)).toEqual(['e1', 'e3']);

      // Resending only the failed records, as a consumer does: the count goes on across calls.
      const failed = records.filter((_, i) => batch.RequestResponses?.[i]?.ErrorCode);
      const retry = await putBatch(failed);
      expect(retry.RequestResponses?.map((r) => r.ErrorCode ?? 'ok')).toEqual(['ok', 'ServiceUnavailableException']);
      emulator.setFault(null);
      await putBatch([records[3]!]);
      expect(
        emulator.store
          .rows(DATABASE, TABLE)
          .map((r) => r.event_id)
          .sort(),
      ).toEqual(['e1', 'e2', 'e3', 'e4']);
    });

    it('partial: InternalFailure codes, and maxFailures clears the fault by itself', async () => {
      emulator.setFault({ mode: 'partial', everyNth: 1, errorCode: 'InternalFailure', maxFailures: 2 });
      const batch = await putBatch([1, 2, 3].map((n) => ({ event_id: `e${n}`, stage: 's' })));
      expect(batch.RequestResponses?.map((r) => r.ErrorCode ?? 'ok')).toEqual([
        'InternalFailure',
        'InternalFailure',
        'ok',
      ]);
      expect(batch.FailedPutCount).toBe(2);
      expect((await putBatch([{ event_id: 'e9', stage: 's' }])).FailedPutCount).toBe(0);
    });

    it('partial: a failed PutRecord fails the call with ServiceUnavailableException', async () => {
      emulator.setFault({ mode: 'partial', everyNth: 1 });
      const error = await caught(
        client.send(new PutRecordCommand({ DeliveryStreamName: UPSERT_STREAM, Record: jsonLine({ a: 1 }) })),
      );
      expect(error).toBeInstanceOf(ServiceUnavailableException);
      expect(emulator.store.countRows()).toBe(0);
    });

    it('refuses an unknown fault mode', () => {
      expect(() => emulator.setFault({ mode: 'flood' } as never)).toThrow(TypeError);
    });
  });

  describe('wire protocol', () => {
    const post = (target: string | undefined, body: string) =>
      fetch(emulator.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', ...(target ? { 'x-amz-target': target } : {}) },
        body,
      });

    it('answers an unknown operation with UnknownOperationException', async () => {
      const response = await post('Firehose_20150804.DeleteDeliveryStream', '{}');
      expect(response.status).toBe(400);
      expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
      expect(((await response.json()) as { __type: string }).__type).toBe('UnknownOperationException');
    });

    it('answers a body that is not JSON with SerializationException', async () => {
      const response = await post('Firehose_20150804.ListDeliveryStreams', '{nope');
      expect(response.status).toBe(400);
      expect(((await response.json()) as { __type: string }).__type).toBe('SerializationException');
    });

    it('counts requests per operation', () => {
      expect(emulator.requestCounts()).toMatchObject({ PutRecordBatch: expect.any(Number), UnknownOperation: 1 });
    });
  });
});

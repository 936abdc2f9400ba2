import { type FirehoseClient, PutRecordBatchCommand, type PutRecordBatchResponseEntry } from '@aws-sdk/client-firehose';
import { classifyAwsError, DownstreamError, FAILURE_KINDS } from '../shared/errors.ts';
import type { RetryBudget } from '../shared/retry.ts';
import { sendInCalls } from '../shared/sendInCalls.ts';
import type { SinkOutcome } from './EventSink.ts';

/** Firehose PutRecordBatch quotas: records per call, bytes per call, bytes per record (before base64). */
export const PUT_RECORD_BATCH_LIMITS = {
  maxRecords: 500,
  maxCallBytes: 4 * 1024 * 1024,
  maxRecordBytes: 1_000 * 1024,
} as const;

export interface PutRecordBatchOptions extends RetryBudget {
  readonly client: FirehoseClient;
  readonly streamName: string;
}

export interface RecordToPut {
  readonly eventId: string;
  /** The record as Firehose stores it; at most `maxRecordBytes` (the caller refuses bigger ones). */
  readonly data: Uint8Array;
}

/**
 * Splits records, in order, into PutRecordBatch calls within the quotas: at most `maxRecords` per
 * call and at most `maxCallBytes` of data per call. A call is never refused for its size, so a large
 * batch costs more calls, not failures. Every record must already be within `maxRecordBytes`.
 */
export function splitIntoCalls<T extends { readonly data: Uint8Array }>(
  records: readonly T[],
  limits: Pick<typeof PUT_RECORD_BATCH_LIMITS, 'maxRecords' | 'maxCallBytes'> = PUT_RECORD_BATCH_LIMITS,
): T[][] {
  const calls: T[][] = [];
  let call: T[] = [];
  let bytes = 0;
  for (const record of records) {
    if (call.length > 0 && (call.length >= limits.maxRecords || bytes + record.data.byteLength > limits.maxCallBytes)) {
      calls.push(call);
      call = [];
      bytes = 0;
    }
    call.push(record);
    bytes += record.data.byteLength;
  }
  if (call.length > 0) calls.push(call);
  return calls;
}

/**
 * Sends records to a Firehose stream with PutRecordBatch and returns one outcome per record, in
 * order. A record is `recorded` only once Firehose answered it with a RecordId and no ErrorCode:
 * that is the moment its SQS message may be acknowledged, never earlier.
 *
 * How each result is read:
 * - a 200 answer can still carry `FailedPutCount > 0`: each `RequestResponses[i]` belongs to the
 *   i-th record sent. An entry with a RecordId is accepted; an entry with an ErrorCode failed:
 *   `ServiceUnavailableException` (the stream's throughput was exceeded) and `InternalFailure` are
 *   transient, so only those records are resent, with backoff and jitter, within the retry policy;
 *   any other code is treated as permanent (retrying in this call would not help);
 * - an entry that is missing or has neither a RecordId nor an ErrorCode is not known to be accepted,
 *   so it is retried like a transient failure rather than acknowledged;
 * - a thrown throttling / 5xx / network error → transient for every record of the call;
 * - any other thrown error (`ResourceNotFoundException`, `InvalidArgumentException`, KMS, access
 *   denied) → permanent for every record of the call.
 * What is still failing after the last attempt is returned as `failed` with its last error.
 */
export async function putRecordBatch(
  records: readonly RecordToPut[],
  options: PutRecordBatchOptions,
): Promise<readonly SinkOutcome[]> {
  return sendInCalls<RecordToPut, SinkOutcome, DownstreamError>(
    splitIntoCalls(records),
    {
      service: 'Firehose',
      operation: 'PutRecordBatch',
      send: async (pending) => {
        const response = await options.client.send(
          new PutRecordBatchCommand({
            DeliveryStreamName: options.streamName,
            Records: pending.map((p) => ({ Data: p.data })),
          }),
        );
        return pending.map((p, position) => {
          const error = entryError(p.eventId, response?.RequestResponses?.[position]);
          if (!error) return { settled: { status: 'recorded' } };
          return error.kind === FAILURE_KINDS.permanent ? { settled: { status: 'failed', error } } : { retry: error };
        });
      },
      failed: (_record, error) => ({ status: 'failed', error }),
    },
    options,
  );
}

/** Why one entry of a PutRecordBatch answer was not accepted, or undefined when it was. */
function entryError(eventId: string, entry: PutRecordBatchResponseEntry | undefined): DownstreamError | undefined {
  if (entry?.ErrorCode) {
    const { kind, code } = classifyAwsError({ name: entry.ErrorCode });
    const message = `record for event ${eventId} not accepted: ${entry.ErrorMessage ?? 'no message'}`;
    return new DownstreamError('Firehose', 'PutRecordBatch', code, kind, message);
  }
  if (entry?.RecordId) return undefined;
  return new DownstreamError(
    'Firehose',
    'PutRecordBatch',
    'NoRecordResult',
    FAILURE_KINDS.transient,
    `the answer has no RecordId for the record of event ${eventId}`,
  );
}

import type { ActionContext } from '../ActionContext.ts';
import { acceptRecords, streamFor } from '../acceptRecords.ts';
import { InvalidArgumentError } from '../errors.ts';
import { FIREHOSE_LIMITS } from '../limits.ts';
import { type ActionInput, read, recordData, streamName } from '../readInput.ts';

/** Checks the batch against Firehose's fixed limits and decodes it; any breach fails the whole call. */
function readBatch(input: ActionInput): Buffer[] {
  const records = read.requiredArray(input, 'Records');
  if (records.length < 1)
    throw read.constraint('records', undefined, 'Member must have length greater than or equal to 1');
  if (records.length > FIREHOSE_LIMITS.maxRecordsPerBatch) {
    const rule = `Member must have length less than or equal to ${FIREHOSE_LIMITS.maxRecordsPerBatch}`;
    throw read.constraint('records', undefined, rule);
  }
  const data = records.map((record, i) => recordData(record, `records.${i + 1}.member.data`));
  const bytes = data.reduce((sum, blob) => sum + blob.length, 0);
  if (bytes > FIREHOSE_LIMITS.maxBatchBytes) {
    throw new InvalidArgumentError(
      `Records size ${bytes} bytes exceeds the PutRecordBatch limit of ${FIREHOSE_LIMITS.maxBatchBytes} bytes (4 MiB).`,
    );
  }
  return data;
}

/**
 * PutRecordBatch. A request-level problem (no/too many records, a record over 1,000 KiB, a batch
 * over 4 MiB, an unknown stream) fails the whole call and delivers nothing. Otherwise the call
 * answers 200 with one entry per record in request order — a RecordId, or an ErrorCode and
 * ErrorMessage for a record that failed (only under an injected `partial` fault here) — and
 * `FailedPutCount`; the caller resends only the failed ones.
 */
export function putRecordBatch(input: ActionInput, context: ActionContext): unknown {
  const name = streamName(input);
  const records = readBatch(input);
  const stream = streamFor(name, context);
  const outcomes = acceptRecords(stream, records, context);
  let failed = 0;
  const responses = outcomes.map((outcome) => {
    if ('recordId' in outcome) return { RecordId: outcome.recordId };
    failed += 1;
    return { ErrorCode: outcome.errorCode, ErrorMessage: outcome.errorMessage };
  });
  return { FailedPutCount: failed, Encrypted: stream.encryption !== undefined, RequestResponses: responses };
}

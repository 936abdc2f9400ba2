import type { ActionContext } from '../ActionContext.ts';
import { acceptRecords, streamFor } from '../acceptRecords.ts';
import { InternalFailureError, ServiceUnavailableError } from '../errors.ts';
import { type ActionInput, read, recordData, streamName } from '../readInput.ts';

/** PutRecord: one record; a record failed by an injected `partial` fault fails the call (as 503/500). */
export function putRecord(input: ActionInput, context: ActionContext): unknown {
  const name = streamName(input);
  const data = recordData(read.requiredObject(input, 'Record'), 'record.data');
  const stream = streamFor(name, context);
  const [outcome] = acceptRecords(stream, [data], context);
  if (!outcome || !('recordId' in outcome)) {
    throw outcome?.errorCode === 'InternalFailure'
      ? new InternalFailureError(outcome.errorMessage)
      : new ServiceUnavailableError(outcome?.errorMessage);
  }
  return { RecordId: outcome.recordId, Encrypted: stream.encryption !== undefined };
}

import { randomBytes } from 'node:crypto';
import type { ActionContext } from './ActionContext.ts';
import { deliverRecord } from './deliverRecord.ts';
import { ResourceNotFoundError } from './errors.ts';
import type { RecordFailure } from './FaultSwitch.ts';
import type { AcceptedRecord, StreamInfo } from './FirehoseStore.ts';
import { readIcebergDestination } from './icebergDestination.ts';

/** Firehose's record ids are long opaque strings; only their uniqueness matters to a caller. */
export function newRecordId(): string {
  return randomBytes(48).toString('base64url');
}

/** The stream a data-plane call names, or ResourceNotFoundException. */
export function streamFor(name: string, context: ActionContext): StreamInfo {
  const stream = context.store.getStream(name);
  if (!stream) throw new ResourceNotFoundError(name, context.accountId);
  return stream;
}

/** What PutRecord/PutRecordBatch answer for one record, in request order. */
export type RecordOutcome = { readonly recordId: string } | RecordFailure;

/**
 * Takes the (already validated) records of one call: each is either failed by an injected
 * `partial` fault (and not delivered) or given a RecordId and delivered. Every delivery of the
 * call is committed in one transaction BEFORE this returns, so an answered record survives a
 * kill -9 of the emulator.
 */
export function acceptRecords(stream: StreamInfo, records: readonly Buffer[], context: ActionContext): RecordOutcome[] {
  const destination = readIcebergDestination(stream.destination);
  const outcomes: RecordOutcome[] = [];
  const accepted: AcceptedRecord[] = [];
  for (const data of records) {
    const failure = context.faults.recordFailure(context.nowMs);
    if (failure) {
      outcomes.push(failure);
      continue;
    }
    const recordId = newRecordId();
    accepted.push({ recordId, data, delivery: deliverRecord(data, destination) });
    outcomes.push({ recordId });
  }
  if (accepted.length > 0) context.store.deliver(stream.name, accepted, context.nowMs);
  return outcomes;
}

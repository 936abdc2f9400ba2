import {
  type _Record,
  type RejectedRecord,
  type TimestreamWriteClient,
  WriteRecordsCommand,
} from '@aws-sdk/client-timestream-write';
import { type DownstreamError, REJECTION_KINDS, RecordRejectedError, type RejectionKind } from '../shared/errors.ts';
import type { RetryBudget } from '../shared/retry.ts';
import { chunksOf, sendInCalls } from '../shared/sendInCalls.ts';
import type { SinkOutcome } from './EventSink.ts';

/** Timestream WriteRecords takes at most 100 records per call. */
export const WRITE_RECORDS_MAX_RECORDS = 100;

export interface WriteRecordsOptions extends RetryBudget {
  readonly client: TimestreamWriteClient;
  readonly databaseName: string;
  readonly tableName: string;
}

export interface RecordToWrite {
  readonly eventId: string;
  readonly record: _Record;
}

/**
 * Writes records in calls of ≤100 and returns one outcome per record, in order.
 *
 * How each result is read:
 * - accepted (including an identical re-write, which Timestream accepts silently) → `recorded`;
 * - `RejectedRecordsException` is per record, and the records *not* listed in it were written:
 *   - rejected with `ExistingVersion` → the identity (which contains our eventId) already holds a
 *     record, written by an earlier delivery of this event → `duplicate`, a success;
 *   - rejected as outside the memory-store window → permanent. The cell's table has magnetic-store
 *     writes enabled, so a late event is normally *accepted* into the magnetic store; this rejection
 *     therefore means it is older than magnetic retention, or magnetic writes were switched off. The
 *     message goes to the DLQ, where it waits for an operator (enable magnetic writes, redrive);
 *   - any other rejection (invalid value, limits) → permanent;
 * - a thrown throttling / internal / 5xx / network error → transient: the records of that call are
 *   resent with backoff and jitter within the policy, then reported `failed` (transient);
 * - any other thrown error (validation, missing table, access denied) → permanent for the call.
 */
export async function writeRecords(
  records: readonly RecordToWrite[],
  options: WriteRecordsOptions,
): Promise<readonly SinkOutcome[]> {
  // Every entry is settled by its call's answer; only a thrown error (classified there) is retried.
  return sendInCalls<RecordToWrite, SinkOutcome, DownstreamError>(
    chunksOf(records, WRITE_RECORDS_MAX_RECORDS),
    {
      service: 'Timestream',
      operation: 'WriteRecords',
      send: async (pending) => {
        try {
          await options.client.send(
            new WriteRecordsCommand({
              DatabaseName: options.databaseName,
              TableName: options.tableName,
              Records: pending.map((p) => p.record),
            }),
          );
          return pending.map(() => ({ settled: { status: 'recorded' } }));
        } catch (error) {
          const rejections = rejectedRecordsOf(error);
          if (!rejections) throw error;
          const byIndex = new Map(rejections.map((r) => [r.RecordIndex, r]));
          return pending.map((p, position) => {
            const rejection = byIndex.get(position);
            return { settled: rejection ? outcomeOfRejection(p.eventId, rejection, error) : { status: 'recorded' } };
          });
        }
      },
      failed: (_record, error) => ({ status: 'failed', error }),
    },
    options,
  );
}

/** `RejectedRecords` of a RejectedRecordsException (by name: mocks and other SDK copies count too). */
function rejectedRecordsOf(error: unknown): readonly RejectedRecord[] | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { name?: unknown; RejectedRecords?: unknown };
  if (e.name !== 'RejectedRecordsException') return undefined;
  return Array.isArray(e.RejectedRecords) ? (e.RejectedRecords as RejectedRecord[]) : [];
}

/** Timestream's reasons for a record outside the memory-store (or ingestion) time window. */
const OUTSIDE_RETENTION = /outside the time range|retention|older than/i;

function outcomeOfRejection(eventId: string, rejection: RejectedRecord, cause: unknown): SinkOutcome {
  if (rejection.ExistingVersion !== undefined && rejection.ExistingVersion !== null) return { status: 'duplicate' };
  const reason = rejection.Reason ?? 'rejected without a reason';
  const kind: RejectionKind = OUTSIDE_RETENTION.test(reason)
    ? REJECTION_KINDS.outsideRetention
    : REJECTION_KINDS.invalid;
  return { status: 'failed', error: new RecordRejectedError(eventId, kind, reason, { cause }) };
}

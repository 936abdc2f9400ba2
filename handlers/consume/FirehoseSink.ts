import type { FirehoseClient } from '@aws-sdk/client-firehose';
import { toAnalyticsRow } from '../../schemas/analyticsRecord.ts';
import { REJECTION_KINDS, RecordRejectedError } from '../shared/errors.ts';
import type { RetryClock, RetryPolicy } from '../shared/retry.ts';
import type { EventSink, SinkItem, SinkOutcome, SinkWriteOptions } from './EventSink.ts';
import { analyticsValuesOf } from './mapToRecord.ts';
import { PUT_RECORD_BATCH_LIMITS, putRecordBatch, type RecordToPut } from './putRecordBatch.ts';
import { writeMapped } from './writeMapped.ts';

export interface FirehoseSinkOptions {
  readonly client: FirehoseClient;
  /** The Direct PUT stream that delivers into the cell's Iceberg table. */
  readonly streamName: string;
  readonly policy: RetryPolicy;
  readonly clock?: RetryClock;
}

const utf8 = new TextEncoder();

/**
 * Records events as lakehouse rows: one JSON line per event and consumer (`toAnalyticsRow`), sent
 * to an Amazon Data Firehose stream (Direct PUT) that delivers them into an Iceberg table whose
 * unique key (`ANALYTICS_UNIQUE_KEY`) turns a redelivery into an update of the same row.
 *
 * The newline ends each JSON document, so the records stay one per line wherever Firehose
 * concatenates them (an S3 error prefix, a backup bucket) and any JSON-lines reader can split them.
 *
 * Firehose answers "accepted" for every record it takes, so there is no `duplicate` outcome: a
 * redelivered event is `recorded` again and its row is replaced (last write wins).
 */
export class FirehoseSink implements EventSink {
  readonly name = 'firehose';
  constructor(private readonly options: FirehoseSinkOptions) {}

  async write(items: readonly SinkItem[], options: SinkWriteOptions = {}): Promise<readonly SinkOutcome[]> {
    return writeMapped(items, toRecordToPut, (records) =>
      putRecordBatch(records, {
        ...this.options,
        ...(options.remainingTimeMs ? { remainingTimeMs: options.remainingTimeMs } : {}),
      }),
    );
  }
}

/**
 * The Firehose record of one item. A row over the per-record quota can never be accepted (Firehose
 * answers InvalidArgumentException for the whole call), so it is refused here, alone, as a permanent
 * rejection: its message is reported failed and counted in RecordsRejected, and the other records
 * of the batch are sent as usual.
 */
function toRecordToPut(item: SinkItem): RecordToPut {
  const data = utf8.encode(`${JSON.stringify(toAnalyticsRow(analyticsValuesOf(item)))}\n`);
  if (data.byteLength > PUT_RECORD_BATCH_LIMITS.maxRecordBytes) {
    throw new RecordRejectedError(
      item.detail.eventId,
      REJECTION_KINDS.invalid,
      `the row is ${data.byteLength} bytes, over Firehose's ${PUT_RECORD_BATCH_LIMITS.maxRecordBytes}-byte (1,000 KiB) record quota`,
    );
  }
  return { eventId: item.detail.eventId, data };
}

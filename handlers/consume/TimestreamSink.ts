import type { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import type { RetryClock, RetryPolicy } from '../shared/retry.ts';
import type { EventSink, SinkItem, SinkOutcome, SinkWriteOptions } from './EventSink.ts';
import { mapToRecord } from './mapToRecord.ts';
import { writeMapped } from './writeMapped.ts';
import { type RecordToWrite, writeRecords } from './writeRecords.ts';

export interface TimestreamSinkOptions {
  readonly client: TimestreamWriteClient;
  readonly databaseName: string;
  readonly tableName: string;
  readonly policy: RetryPolicy;
  readonly clock?: RetryClock;
}

/** Records events as Timestream multi-measure records (one per eventId and consumer). */
export class TimestreamSink implements EventSink {
  readonly name = 'timestream';
  constructor(private readonly options: TimestreamSinkOptions) {}

  async write(items: readonly SinkItem[], options: SinkWriteOptions = {}): Promise<readonly SinkOutcome[]> {
    return writeMapped(
      items,
      (item): RecordToWrite => ({ eventId: item.detail.eventId, record: mapToRecord(item) }),
      (records) =>
        writeRecords(records, {
          ...this.options,
          ...(options.remainingTimeMs ? { remainingTimeMs: options.remainingTimeMs } : {}),
        }),
    );
  }
}

import type { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import { FAILURE_KINDS, HandlerError } from '../shared/errors.ts';
import type { RetryClock, RetryPolicy } from '../shared/retry.ts';
import type { EventSink, SinkItem, SinkOutcome, SinkWriteOptions } from './EventSink.ts';
import { mapToRecord } from './mapToRecord.ts';
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
    // Mapping can only fail on an event the contract should have refused (e.g. an amount with too
    // many decimals); such an item fails permanently on its own instead of failing the call.
    const mapped = items.map((item): RecordToWrite | HandlerError => {
      try {
        return { eventId: item.detail.eventId, record: mapToRecord(item) };
      } catch (error) {
        return new HandlerError(
          `cannot map event ${item.detail.eventId}: ${(error as Error).message}`,
          FAILURE_KINDS.permanent,
          {
            cause: error,
          },
        );
      }
    });
    const writable = mapped.filter((m): m is RecordToWrite => !(m instanceof HandlerError));
    const written = await writeRecords(writable, {
      ...this.options,
      ...(options.remainingTimeMs ? { remainingTimeMs: options.remainingTimeMs } : {}),
    });
    let next = 0;
    return mapped.map((m) => (m instanceof HandlerError ? { status: 'failed', error: m } : written[next++]!));
  }
}

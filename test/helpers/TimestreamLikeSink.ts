import type { _Record } from '@aws-sdk/client-timestream-write';
import type { EventSink, SinkItem, SinkOutcome } from '../../handlers/consume/EventSink.ts';
import { mapToRecord } from '../../handlers/consume/mapToRecord.ts';
import type { HandlerError } from '../../handlers/shared/errors.ts';

/**
 * An in-memory store with Timestream's write semantics, for tests: each item is mapped with the
 * production `mapToRecord`; a record's identity is its dimensions + time + measure name; an
 * identical re-write is accepted, a different value at an existing identity is refused as a
 * version conflict, which the sink contract reports as `duplicate` (first write wins).
 *
 * `failWith` lets a test poison chosen items (e.g. one invoice) to exercise retries and DLQs.
 */
export class TimestreamLikeSink implements EventSink {
  readonly name = 'timestream-like';
  /** Records by identity, in the order they were first written. */
  readonly records = new Map<string, _Record>();
  /** Every write call, as the items it was given. */
  readonly calls: SinkItem[][] = [];

  constructor(private readonly failWith: (item: SinkItem) => HandlerError | undefined = () => undefined) {}

  async write(items: readonly SinkItem[]): Promise<readonly SinkOutcome[]> {
    this.calls.push([...items]);
    return items.map((item): SinkOutcome => {
      const error = this.failWith(item);
      if (error) return { status: 'failed', error };
      const record = mapToRecord(item);
      const identity = JSON.stringify([
        [...(record.Dimensions ?? [])].sort((a, b) => a.Name!.localeCompare(b.Name!)).map((d) => [d.Name, d.Value]),
        record.Time,
        record.MeasureName,
      ]);
      const existing = this.records.get(identity);
      if (!existing) {
        this.records.set(identity, record);
        return { status: 'recorded' };
      }
      return JSON.stringify(existing.MeasureValues) === JSON.stringify(record.MeasureValues)
        ? { status: 'recorded' }
        : { status: 'duplicate' };
    });
  }

  /** Value of a dimension or measure of a stored record. */
  static field(record: _Record, name: string): string | undefined {
    return (
      record.Dimensions?.find((d) => d.Name === name)?.Value ??
      record.MeasureValues?.find((m) => m.Name === name)?.Value
    );
  }
}

import { FAILURE_KINDS, HandlerError } from '../shared/errors.ts';
import type { SinkItem, SinkOutcome } from './EventSink.ts';

/**
 * Maps every item to what its store takes, writes what mapped, and returns one outcome per item in
 * input order (the {@link EventSink} contract).
 *
 * Mapping can only fail on an event the contract should have refused (e.g. an amount with too many
 * decimals) or on a record the store could never take (over its size limit); such an item fails
 * permanently on its own instead of failing the call. A `HandlerError` thrown by `map` is kept as
 * it is (it already says what went wrong); anything else is wrapped as a permanent failure.
 */
export async function writeMapped<T>(
  items: readonly SinkItem[],
  map: (item: SinkItem) => T,
  write: (mapped: readonly T[]) => Promise<readonly SinkOutcome[]>,
): Promise<readonly SinkOutcome[]> {
  const mapped = items.map((item): { value: T } | HandlerError => {
    try {
      return { value: map(item) };
    } catch (error) {
      if (error instanceof HandlerError) return error;
      return new HandlerError(
        `cannot map event ${item.detail.eventId}: ${(error as Error).message}`,
        FAILURE_KINDS.permanent,
        { cause: error },
      );
    }
  });
  const writable = mapped.flatMap((m) => (m instanceof HandlerError ? [] : [m.value]));
  const written = writable.length > 0 ? await write(writable) : [];
  let next = 0;
  return mapped.map((m): SinkOutcome => {
    if (m instanceof HandlerError) return { status: 'failed', error: m };
    return (
      written[next++] ?? {
        status: 'failed',
        error: new HandlerError('the store returned no outcome for this record', FAILURE_KINDS.transient),
      }
    );
  });
}

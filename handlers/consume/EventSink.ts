import type { InvoiceEventDetail } from '../../schemas/envelope.ts';
import type { HandlerError } from '../shared/errors.ts';

/** One event to record for one consumer. */
export interface SinkItem {
  readonly detail: InvoiceEventDetail;
  /** The consumer (queue) recording it; part of the record's identity. */
  readonly consumer: string;
  /** The event came from an archive replay. */
  readonly replayed: boolean;
  /** When the consumer handled it (epoch ms). */
  readonly processedAt: number;
}

/**
 * What happened to one item:
 * - `recorded`: written now (an identical re-write also counts: the store accepted it);
 * - `duplicate`: the store already holds a record for this eventId (first write wins);
 * - `failed`: not written; `error.kind` says whether a later retry can help.
 */
export type SinkOutcome =
  | { readonly status: 'recorded' }
  | { readonly status: 'duplicate' }
  | { readonly status: 'failed'; readonly error: HandlerError };

export interface SinkWriteOptions {
  /** Time left in the invocation; a sink stops retrying rather than overrun it. */
  readonly remainingTimeMs?: () => number;
}

/**
 * Where consumed events are recorded. Timestream for LiveAnalytics is closed to new AWS customers
 * (DESIGN §2), so the consumer depends on this interface only; another store is another sink.
 *
 * Contract: `write` returns one outcome per item, in input order, and does not throw for a
 * per-item problem. Transient trouble is retried inside `write` (bounded); what is still failing
 * after that is returned as a `failed` outcome of kind `transient`.
 */
export interface EventSink {
  readonly name: string;
  write(items: readonly SinkItem[], options?: SinkWriteOptions): Promise<readonly SinkOutcome[]>;
}

import type { EventSink, SinkItem } from './EventSink.ts';

/** A sink that remembers when the store answered for each item it was given. */
export interface TimedSink {
  readonly sink: EventSink;
  /** When the write call that carried `item` returned (epoch ms); undefined if it was never written. */
  acceptedAt(item: SinkItem): number | undefined;
}

/**
 * Wraps `sink` so the end-to-end latency stops where the store accepted the record: at the end of
 * the write call (wave) that carried it, not at the start of the invocation. A batch of one invoice's
 * ten events is ten calls; each event's clock stops at its own.
 */
export function timedSink(sink: EventSink, now: () => number): TimedSink {
  const times = new WeakMap<SinkItem, number>();
  return {
    sink: {
      name: sink.name,
      async write(items, options) {
        const outcomes = await sink.write(items, options);
        const at = now();
        for (const item of items) times.set(item, at);
        return outcomes;
      },
    },
    acceptedAt: (item) => times.get(item),
  };
}

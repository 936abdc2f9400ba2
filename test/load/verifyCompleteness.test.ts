import { describe, expect, it } from 'vitest';
import type { AcceptedEvent } from '../../load-tests/acceptedLog.ts';
import { percentiles } from '../../load-tests/percentiles.ts';
import type { RecordedEvent, RecordSource } from '../../load-tests/recordSources.ts';
import { verifyCompleteness } from '../../load-tests/verifyCompleteness.ts';

function accepted(...ids: string[]): AcceptedEvent[] {
  return ids.map((eventId, i) => ({ eventId, invoiceId: `INV-${i}`, stage: 'posting', acceptedAt: 0 }));
}

/** A store whose records appear over time: `schedule[eventId]` = lookups before it shows up. */
function fakeSource(
  records: RecordedEvent[],
  schedule: Record<string, number> = {},
): RecordSource & { lookups: number } {
  const source = {
    description: 'fake',
    lookups: 0,
    async lookup(events: readonly { eventId: string }[]) {
      source.lookups += 1;
      const wanted = new Set(events.map((e) => e.eventId));
      return records.filter((r) => wanted.has(r.eventId) && (schedule[r.eventId] ?? 0) < source.lookups);
    },
    async close() {},
  };
  return source;
}

describe('completeness verifier', () => {
  it('passes when every accepted event is recorded exactly once', async () => {
    const source = fakeSource([
      { eventId: 'a', latencyMs: 100 },
      { eventId: 'b', latencyMs: 300 },
    ]);
    const report = await verifyCompleteness({ accepted: accepted('a', 'b'), source, deadlineMs: 0 });
    expect(report).toMatchObject({ accepted: 2, recorded: 2, missing: [], duplicates: [], complete: true });
    expect(report.visibilityMs.max).toBe(300);
  });

  it('reports an accepted event that never shows up as lost', async () => {
    const source = fakeSource([{ eventId: 'a', latencyMs: 10 }]);
    const report = await verifyCompleteness({
      accepted: accepted('a', 'lost'),
      source,
      deadlineMs: 30,
      pollIntervalMs: 5,
    });
    expect(report.missing).toEqual(['lost']);
    expect(report.complete).toBe(false);
    expect(report.waitedMs).toBeGreaterThanOrEqual(30);
  });

  it('reports an event recorded twice as a duplicate', async () => {
    const source = fakeSource([
      { eventId: 'a', latencyMs: 10 },
      { eventId: 'a', latencyMs: 900 },
    ]);
    const report = await verifyCompleteness({ accepted: accepted('a'), source, deadlineMs: 0 });
    expect(report.duplicates).toEqual([{ eventId: 'a', records: 2 }]);
    expect(report.complete).toBe(false);
    // Visibility counts the first record of an event, not the duplicate.
    expect(report.visibilityMs.count).toBe(1);
  });

  it('waits for stragglers until the deadline and looks up only what is still missing', async () => {
    const lookedUp: number[] = [];
    const base = fakeSource(
      [
        { eventId: 'a', latencyMs: 1 },
        { eventId: 'late', latencyMs: 5000 },
      ],
      { late: 3 },
    );
    const source: RecordSource = {
      ...base,
      lookup: async (events) => {
        lookedUp.push(events.length);
        return base.lookup(events);
      },
    };
    const report = await verifyCompleteness({
      accepted: accepted('a', 'late'),
      source,
      deadlineMs: 5000,
      pollIntervalMs: 1,
    });
    expect(report.complete).toBe(true);
    expect(lookedUp.slice(0, 4)).toEqual([2, 1, 1, 1]);
    // The final pass re-reads every event to count duplicates.
    expect(lookedUp.at(-1)).toBe(2);
  });

  it('waits on the cheap record count when the source has one, then looks events up once', async () => {
    let counted = 0;
    const lookups: number[] = [];
    const records = [
      { eventId: 'a', latencyMs: 1 },
      { eventId: 'b', latencyMs: 2 },
    ];
    const source: RecordSource = {
      description: 'counting',
      countRecorded: async () => Math.min(2, counted++),
      lookup: async (events) => {
        lookups.push(events.length);
        return records;
      },
      close: async () => {},
    };
    const report = await verifyCompleteness({
      accepted: accepted('a', 'b'),
      source,
      deadlineMs: 5000,
      pollIntervalMs: 1,
    });
    expect(report.complete).toBe(true);
    expect(counted).toBe(3);
    expect(lookups).toEqual([2, 2]);
  });

  it('counts an event accepted twice by the client once', async () => {
    const source = fakeSource([{ eventId: 'a', latencyMs: 1 }]);
    const report = await verifyCompleteness({ accepted: accepted('a', 'a'), source, deadlineMs: 0 });
    expect(report).toMatchObject({ accepted: 1, recorded: 1, complete: true });
  });
});

describe('percentiles', () => {
  it('reports observed values by nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentiles(values)).toEqual({ count: 100, p50: 50, p95: 95, p99: 99, max: 100 });
  });

  it('is NaN for no values rather than zero', () => {
    expect(percentiles([]).p99).toBeNaN();
  });
});

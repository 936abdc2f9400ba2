import type { AcceptedEvent } from './acceptedLog.ts';
import { type Percentiles, percentiles } from './percentiles.ts';
import type { RecordSource } from './recordSources.ts';

export interface VerifyOptions {
  readonly accepted: readonly AcceptedEvent[];
  readonly source: RecordSource;
  /** Give up waiting for stragglers after this long. @default 120_000 (the 2-minute visibility promise) */
  readonly deadlineMs?: number;
  /** Pause between looks for still-missing events. @default 500 */
  readonly pollIntervalMs?: number;
  readonly onProgress?: (progress: {
    readonly recorded: number;
    readonly missing: number;
    readonly elapsedMs: number;
  }) => void;
}

export interface CompletenessReport {
  readonly accepted: number;
  /** Distinct accepted events found recorded. */
  readonly recorded: number;
  /** Accepted eventIds not recorded by the deadline: lost (or still in a DLQ). */
  readonly missing: readonly string[];
  /** Accepted eventIds recorded more than once, with their record counts. */
  readonly duplicates: readonly { readonly eventId: string; readonly records: number }[];
  /** received → recorded (latency_ms) over the recorded events. */
  readonly visibilityMs: Percentiles;
  /** How long the verifier waited for the last event. */
  readonly waitedMs: number;
  readonly complete: boolean;
}

/**
 * Checks that every accepted eventId is recorded exactly once. Polls only the still-missing events
 * until none are left or the deadline passes, then re-reads everything once to count duplicates
 * (a late re-delivery could add a second record after the first look).
 */
export async function verifyCompleteness(options: VerifyOptions): Promise<CompletenessReport> {
  const deadline = options.deadlineMs ?? 120_000;
  const interval = options.pollIntervalMs ?? 500;
  const distinct = [...new Map(options.accepted.map((e) => [e.eventId, e])).values()];
  const started = Date.now();
  let pending = distinct;
  if (options.source.countRecorded) {
    // Wait cheaply until the run's record count could cover every event, then look them up.
    for (;;) {
      const recorded = await options.source.countRecorded();
      const elapsedMs = Date.now() - started;
      options.onProgress?.({ recorded, missing: Math.max(0, distinct.length - recorded), elapsedMs });
      if (recorded >= distinct.length || elapsedMs >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, Math.min(interval, deadline - elapsedMs)));
    }
  }
  for (;;) {
    const found = new Set((await options.source.lookup(pending)).map((r) => r.eventId));
    pending = pending.filter((e) => !found.has(e.eventId));
    const elapsedMs = Date.now() - started;
    options.onProgress?.({ recorded: distinct.length - pending.length, missing: pending.length, elapsedMs });
    if (pending.length === 0 || elapsedMs >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(interval, deadline - elapsedMs)));
  }
  const waitedMs = Date.now() - started;

  const records = await options.source.lookup(distinct);
  const counts = new Map<string, number>();
  const latencies: number[] = [];
  for (const record of records) {
    const seen = counts.get(record.eventId) ?? 0;
    counts.set(record.eventId, seen + 1);
    if (seen === 0 && record.latencyMs !== null) latencies.push(record.latencyMs);
  }
  const missing = distinct.filter((e) => !counts.has(e.eventId)).map((e) => e.eventId);
  const duplicates = [...counts]
    .filter(([, n]) => n > 1)
    .map(([eventId, n]) => ({ eventId, records: n }))
    .sort((a, b) => a.eventId.localeCompare(b.eventId));
  return {
    accepted: distinct.length,
    recorded: counts.size,
    missing,
    duplicates,
    visibilityMs: percentiles(latencies),
    waitedMs,
    complete: missing.length === 0 && duplicates.length === 0,
  };
}

import type { DlqRoute } from '../shared/dlq/DlqRoute.ts';
import type { AutoRedriveOutcome } from './autoRedrive.ts';
import { MONITOR_DEFAULTS } from './defaults.ts';
import type { MonitorState } from './MonitorState.ts';
import type { RouteObservation } from './observeConditions.ts';
import { type QueueStats, totalMessages } from './QueueStatsSource.ts';

/** Every route as this run leaves it: the stats, what the redrive left in the DLQ, the parked messages. */
export function observeRoutes(
  routes: readonly DlqRoute[],
  stats: ReadonlyMap<string, QueueStats>,
  outcomes: ReadonlyMap<string, AutoRedriveOutcome>,
  previous: MonitorState,
  automatic: boolean,
): RouteObservation[] {
  return routes.map((route) => {
    const dlq = stats.get(route.dlq.name);
    const source = stats.get(route.source.name);
    const outcome = outcomes.get(route.dlq.name);
    const redriven = outcome?.result?.redriven ?? 0;
    // What remains after this run's redrive is what the alert is about.
    const dlqNow = dlq && redriven > 0 ? shrink(dlq, redriven) : dlq;
    return {
      route,
      ...(source ? { source } : {}),
      ...(dlqNow ? { dlq: dlqNow } : {}),
      ...(automatic ? { parked: parkedOf(route, dlqNow, outcome, previous) } : {}),
      ...(outcome?.action === 'held' ? { redriveNote: `automatic redrive held back: ${outcome.reason}` } : {}),
    };
  });
}

function shrink(stats: QueueStats, by: number): QueueStats {
  const visible = Math.max(0, stats.visible - by);
  const inFlight = Math.max(0, stats.inFlight - Math.max(0, by - stats.visible));
  return { ...stats, visible, inFlight, oldestAgeSeconds: visible + inFlight === 0 ? null : stats.oldestAgeSeconds };
}

/**
 * Parked messages of a DLQ: from this run's scan when there was one; an empty DLQ has none; and a
 * DLQ the gate kept closed still holds what the last scan found.
 */
function parkedOf(
  route: DlqRoute,
  dlq: QueueStats | undefined,
  outcome: AutoRedriveOutcome | undefined,
  previous: MonitorState,
): RouteObservation['parked'] {
  const before = previous.parked[route.dlq.name] ?? { count: 0, sampleInvoiceIds: [] };
  if (dlq && totalMessages(dlq) === 0) return { count: 0, sampleInvoiceIds: [] };
  if (!outcome?.result) return before;
  const { result } = outcome;
  const ids = [...new Set(result.parkedSamples.map((s) => s.invoiceId ?? s.eventId ?? s.messageId))];
  // A scan that did not see the whole DLQ (messages in flight with another reader) cannot say the
  // parked messages it did not see are gone.
  const sawEverything = dlq !== undefined && result.scanned >= totalMessages(dlq) + result.redriven;
  if (sawEverything || result.parked >= before.count) {
    return { count: result.parked, sampleInvoiceIds: ids.slice(0, MONITOR_DEFAULTS.sampleSize) };
  }
  return {
    count: Math.min(before.count, dlq ? totalMessages(dlq) : before.count),
    sampleInvoiceIds: [...new Set([...ids, ...before.sampleInvoiceIds])].slice(0, MONITOR_DEFAULTS.sampleSize),
  };
}

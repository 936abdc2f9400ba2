import type { DlqRoute } from '../shared/dlq/DlqRoute.ts';
import { routeLabel } from '../shared/dlq/DlqRoute.ts';
import type { ParkedStore } from '../shared/dlq/ParkedStore.ts';
import { describeError } from '../shared/errors.ts';
import type { CheckProblem } from './CheckProblem.ts';
import type { OpenAlert } from './MonitorState.ts';

/**
 * Alerts about a DLQ (`dlq:`, `parked:`) whose messages an operator parked since the alert opened,
 * with a note saying so: such an alert closes in the first run that finds the DLQ clear, not after
 * the usual clear runs. Those runs exist because an automatic redrive empties a DLQ for a moment
 * while it retries; a park is a person's decision, and the messages are no longer anyone's to wait for.
 *
 * Only open alerts are looked at, one `list` of the store per DLQ with such an alert. A store that
 * cannot be read is a problem of the run; the alert then closes the usual way.
 */
export async function closedByParking(
  open: Readonly<Record<string, OpenAlert>>,
  routes: readonly DlqRoute[],
  store: ParkedStore | undefined,
  problems: CheckProblem[],
): Promise<Map<string, string>> {
  const notes = new Map<string, string>();
  if (!store) return notes;
  for (const [key, alert] of Object.entries(open)) {
    if (alert.kind !== 'dlq' && alert.kind !== 'parked') continue;
    const route = routes.find((r) => r.dlq.name === alert.queue);
    if (!route) continue;
    try {
      const parked = (await store.list(`${routeLabel(route)}/`)).filter((m) => Date.parse(m.parkedAt) >= alert.sinceMs);
      if (parked.length === 0) continue;
      const latest = parked[parked.length - 1]!;
      const by = [...new Set(parked.map((m) => m.parkedBy))].join(', ');
      notes.set(
        key,
        `${parked.length} message(s) parked by ${by} (latest ${latest.parkedAt}: "${latest.reason}"); ` +
          `see bems parked list ${route.stage}`,
      );
    } catch (error) {
      problems.push({ check: 'parked-store', message: `parked store unreadable: ${describeError(error)}` });
    }
  }
  return notes;
}

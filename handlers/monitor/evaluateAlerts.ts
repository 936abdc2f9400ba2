import { type AlertSeverity, severityRank } from '../../schemas/alerts.ts';
import type { Condition } from './Condition.ts';
import { MONITOR_DEFAULTS } from './defaults.ts';
import type { OpenAlert } from './MonitorState.ts';

/** Runs in a row a condition must be clear before its alert resolves (2 = about two minutes on AWS). */
export const DEFAULT_RESOLVE_AFTER_CLEAR_RUNS = MONITOR_DEFAULTS.resolveAfterClearRuns;

export const TRANSITIONS = { firing: 'firing', escalated: 'escalated', resolved: 'resolved' } as const;
export type Transition = (typeof TRANSITIONS)[keyof typeof TRANSITIONS];

/** One notification to send: a condition started, got worse, or cleared. */
export interface AlertTransition {
  readonly transition: Transition;
  readonly key: string;
  /** The topic it goes to: the new severity, or for a resolution the highest one people were told about. */
  readonly severity: AlertSeverity;
  /** The condition as seen now; for a resolution, as last seen while it was open. */
  readonly condition: Condition;
  /** The alert before this run (absent for `firing`). */
  readonly previous?: OpenAlert;
  readonly sinceMs: number;
  /** Why a resolution came early, e.g. the messages were parked. */
  readonly note?: string;
}

export interface AlertEvaluation {
  readonly transitions: readonly AlertTransition[];
  /** Open alerts after this run, assuming every transition is delivered (see {@link undeliveredTransition}). */
  readonly open: Record<string, OpenAlert>;
}

/**
 * Compares what is wrong now with the alerts already open:
 * - a condition without an open alert fires;
 * - an open alert whose condition rose above the highest severity notified escalates;
 * - an open alert whose condition has been gone for `resolveAfterClearRuns` runs in a row resolves
 *   (to the topic people were last paged on). One clear run is not enough: while the automatic
 *   redrive retries a message, its DLQ is empty for a moment, and the alert would resolve and fire
 *   again with every attempt;
 * - anything else changes nothing people see: the alert's numbers are updated quietly.
 *
 * `isObserved(key)` says whether this run could look at a condition at all: an alert whose check
 * failed this run (say, the SLA query timed out) is kept as it is, never resolved by accident.
 * `closesNow` names alerts that resolve in their first clear run, with a note (`closedByParking`).
 */
export function evaluateAlerts(
  open: Readonly<Record<string, OpenAlert>>,
  conditions: readonly Condition[],
  nowMs: number,
  isObserved: (key: string) => boolean = () => true,
  resolveAfterClearRuns: number = DEFAULT_RESOLVE_AFTER_CLEAR_RUNS,
  closesNow: ReadonlyMap<string, string> = new Map(),
): AlertEvaluation {
  const transitions: AlertTransition[] = [];
  const next: Record<string, OpenAlert> = {};
  const current = new Map(conditions.map((c) => [c.key, c]));

  for (const condition of conditions) {
    const previous = open[condition.key];
    const observed = alertFields(condition);
    if (!previous) {
      next[condition.key] = { ...observed, notifiedSeverity: condition.severity, sinceMs: nowMs, notifiedAtMs: nowMs };
      transitions.push({
        transition: 'firing',
        key: condition.key,
        severity: condition.severity,
        condition,
        sinceMs: nowMs,
      });
      continue;
    }
    if (severityRank(condition.severity) > severityRank(previous.notifiedSeverity)) {
      next[condition.key] = {
        ...observed,
        notifiedSeverity: condition.severity,
        sinceMs: previous.sinceMs,
        notifiedAtMs: nowMs,
      };
      transitions.push({
        transition: 'escalated',
        key: condition.key,
        severity: condition.severity,
        condition,
        previous,
        sinceMs: previous.sinceMs,
      });
      continue;
    }
    const { clearRuns: _cleared, ...stillOpen } = previous;
    next[condition.key] = { ...stillOpen, ...observed, notifiedSeverity: previous.notifiedSeverity };
  }

  for (const [key, previous] of Object.entries(open)) {
    if (current.has(key)) continue;
    if (!isObserved(key)) {
      next[key] = previous;
      continue;
    }
    const clearRuns = (previous.clearRuns ?? 0) + 1;
    const note = closesNow.get(key);
    if (clearRuns < resolveAfterClearRuns && note === undefined) {
      next[key] = { ...previous, clearRuns };
      continue;
    }
    transitions.push({
      transition: 'resolved',
      key,
      severity: previous.notifiedSeverity,
      condition: conditionOf(key, previous),
      previous,
      sinceMs: previous.sinceMs,
      ...(note !== undefined ? { note } : {}),
    });
  }
  return { transitions, open: next };
}

/**
 * Puts an alert back as it was before a transition that could not be delivered, so the next run
 * tries again instead of believing people were told.
 */
export function undeliveredTransition(open: Record<string, OpenAlert>, transition: AlertTransition): void {
  if (transition.previous) open[transition.key] = transition.previous;
  else delete open[transition.key];
}

function conditionOf(key: string, alert: OpenAlert): Condition {
  return { key, ...alertFields(alert) };
}

/** What an open alert keeps of a condition, and a resolved alert's condition is rebuilt from. */
function alertFields(source: Condition | OpenAlert) {
  return {
    kind: source.kind,
    severity: source.severity,
    count: source.count,
    oldestAgeSeconds: source.oldestAgeSeconds,
    ...(source.stage !== undefined ? { stage: source.stage } : {}),
    ...(source.consumer !== undefined ? { consumer: source.consumer } : {}),
    ...(source.queue !== undefined ? { queue: source.queue } : {}),
  };
}

import type { AlertSeverity } from '../../schemas/alerts.ts';
import type { DlqRoute } from '../shared/dlq/DlqRoute.ts';
import { type Condition, conditionKeys } from './Condition.ts';
import { MONITOR_DEFAULTS } from './defaults.ts';
import { type QueueStats, totalMessages } from './QueueStatsSource.ts';
import type { StuckInvoices } from './StuckInvoiceSource.ts';

export type MonitorThresholds = typeof MONITOR_DEFAULTS;

export interface RouteObservation {
  readonly route: DlqRoute;
  readonly source?: QueueStats;
  readonly dlq?: QueueStats;
  /** Parked messages in the DLQ (budget spent), as last scanned. */
  readonly parked?: { readonly count: number; readonly sampleInvoiceIds: readonly string[] };
  /** Why automatic redrive did not act, if it did not (goes into the alert text). */
  readonly redriveNote?: string;
}

/** Turns one run's observations into the conditions that should be alerting, with their severities. */
export function observeConditions(
  routes: readonly RouteObservation[],
  stuck: readonly (StuckInvoices & { readonly slaSeconds: number })[],
  problems: readonly { readonly check: string; readonly message: string }[],
  thresholds: MonitorThresholds = MONITOR_DEFAULTS,
): Condition[] {
  const conditions: Condition[] = [];
  for (const { route, source, dlq, parked, redriveNote } of routes) {
    const where = { stage: route.stage, ...(route.consumer !== undefined ? { consumer: route.consumer } : {}) };
    if (dlq && totalMessages(dlq) >= thresholds.dlq.warningDepth) {
      const count = totalMessages(dlq);
      const age = dlq.oldestAgeSeconds;
      conditions.push({
        key: conditionKeys.dlq(route.dlq.name),
        kind: 'dlq',
        severity: ladder(count >= thresholds.dlq.criticalDepth || (age ?? 0) >= thresholds.dlq.criticalAgeSeconds),
        ...where,
        queue: route.dlq.name,
        count,
        oldestAgeSeconds: age,
        ...(redriveNote !== undefined ? { detail: redriveNote } : {}),
      });
    }
    if (parked && parked.count > 0) {
      conditions.push({
        key: conditionKeys.parked(route.dlq.name),
        kind: 'parked',
        // A parked message failed every automatic attempt: only a person can move it on.
        severity: 'critical',
        ...where,
        queue: route.dlq.name,
        count: parked.count,
        oldestAgeSeconds: dlq?.oldestAgeSeconds ?? null,
        sampleInvoiceIds: parked.sampleInvoiceIds,
      });
    }
    const sourceAge = source?.oldestAgeSeconds ?? null;
    if (source && sourceAge !== null && sourceAge >= thresholds.backlog.warningAgeSeconds) {
      conditions.push({
        key: conditionKeys.backlog(route.source.name),
        kind: 'backlog',
        severity: ladder(sourceAge >= route.slaSeconds),
        ...where,
        queue: route.source.name,
        count: totalMessages(source),
        oldestAgeSeconds: sourceAge,
      });
    }
  }
  for (const s of stuck) {
    if (s.count < thresholds.sla.warningCount) continue;
    conditions.push({
      key: conditionKeys.sla(s.stage),
      kind: 'sla',
      severity: ladder(
        s.count >= thresholds.sla.criticalCount ||
          (s.oldestAgeSeconds ?? 0) >= s.slaSeconds * thresholds.sla.criticalSlaMultiple,
      ),
      stage: s.stage,
      count: s.count,
      oldestAgeSeconds: s.oldestAgeSeconds,
      sampleInvoiceIds: s.sampleInvoiceIds,
      detail: `SLA ${s.slaSeconds} s`,
    });
  }
  const byCheck = new Map<string, string[]>();
  for (const problem of problems) byCheck.set(problem.check, [...(byCheck.get(problem.check) ?? []), problem.message]);
  for (const [check, messages] of byCheck) {
    conditions.push({
      key: conditionKeys.monitor(check),
      kind: 'monitor',
      severity: 'warning',
      count: messages.length,
      oldestAgeSeconds: null,
      detail: messages.slice(0, 3).join('; ') + (messages.length > 3 ? `; and ${messages.length - 3} more` : ''),
    });
  }
  return conditions;
}

function ladder(critical: boolean): AlertSeverity {
  return critical ? 'critical' : 'warning';
}

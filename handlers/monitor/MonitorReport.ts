import type { AlertSeverity } from '../../schemas/alerts.ts';
import type { AutoRedriveOutcome } from './autoRedrive.ts';
import type { Condition } from './Condition.ts';
import type { AlertTransition } from './evaluateAlerts.ts';
import type { OpenAlert } from './MonitorState.ts';
import type { QueueStats } from './QueueStatsSource.ts';
import type { StuckInvoices } from './StuckInvoiceSource.ts';

/** A queue and its DLQ as one run saw them. */
export interface QueueReport {
  readonly stage: string;
  readonly consumer?: string;
  readonly role: 'inbox' | 'consumer';
  readonly queue: string;
  readonly dlq: string;
  readonly source: QueueStats | null;
  readonly dlqStats: QueueStats | null;
}

export interface NotificationReport {
  readonly transition: AlertTransition['transition'];
  readonly severity: AlertSeverity;
  readonly key: string;
  readonly subject: string;
  readonly text: string;
  readonly delivered: boolean;
  readonly error?: string;
}

/** What the automatic redrive did for one DLQ in one run. */
export interface RedriveRouteReport {
  readonly stage: string;
  readonly consumer?: string;
  readonly dlq: string;
  readonly action: AutoRedriveOutcome['action'];
  readonly reason: string;
  readonly redriven: number;
  readonly parked: number;
  readonly failed: number;
}

/** Invoices past their stage SLA, or why they could not be looked for. */
export interface SlaReport {
  readonly available: boolean;
  readonly reason?: string;
  readonly stages: readonly (StuckInvoices & { readonly slaSeconds: number })[];
}

export interface MonitorReport {
  readonly cellId: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly queues: readonly QueueReport[];
  readonly sla: SlaReport;
  readonly redrive: { readonly automatic: boolean; readonly routes: readonly RedriveRouteReport[] };
  readonly conditions: readonly Condition[];
  readonly notifications: readonly NotificationReport[];
  readonly openAlerts: Readonly<Record<string, OpenAlert>>;
  readonly problems: readonly string[];
}

export function redriveRouteReport(outcome: AutoRedriveOutcome): RedriveRouteReport {
  return {
    stage: outcome.route.stage,
    ...(outcome.route.consumer !== undefined ? { consumer: outcome.route.consumer } : {}),
    dlq: outcome.route.dlq.name,
    action: outcome.action,
    reason: outcome.reason,
    redriven: outcome.result?.redriven ?? 0,
    parked: outcome.result?.parked ?? 0,
    failed: outcome.result?.failed.length ?? 0,
  };
}

import type { SQSClient } from '@aws-sdk/client-sqs';
import type { AlertSeverity } from '../../schemas/alerts.ts';
import type { MonitorTopology, RedrivePolicy } from '../../schemas/monitorTopology.ts';
import { type DlqRoute, dlqRoutes } from '../shared/dlq/DlqRoute.ts';
import { peekDlq } from '../shared/dlq/peekDlq.ts';
import type { RateClock } from '../shared/dlq/RateLimiter.ts';
import type { AlertPublisher } from './AlertPublisher.ts';
import { type AutoRedriveOutcome, autoRedriveRoute } from './autoRedrive.ts';
import { type Condition, conditionKeys } from './Condition.ts';
import type { DependencyProbe } from './DependencyProbe.ts';
import { MONITOR_DEFAULTS } from './defaults.ts';
import { type AlertTransition, evaluateAlerts, undeliveredTransition } from './evaluateAlerts.ts';
import { formatAlert } from './formatAlert.ts';
import type { MonitorState, MonitorStateStore, OpenAlert } from './MonitorState.ts';
import { type MonitorThresholds, observeConditions, type RouteObservation } from './observeConditions.ts';
import { type QueueStats, type QueueStatsSource, totalMessages } from './QueueStatsSource.ts';
import type { StageSla, StuckInvoiceSource, StuckInvoices } from './StuckInvoiceSource.ts';

export interface MonitorSettings {
  readonly cellId: string;
  readonly topology: MonitorTopology;
  readonly redrive: RedrivePolicy;
  /** @default MONITOR_DEFAULTS */
  readonly thresholds?: MonitorThresholds;
}

export interface MonitorDependencies {
  readonly sqs: SQSClient;
  readonly queueStats: QueueStatsSource;
  /** The SLA check; without one the report says it was not available. */
  readonly stuckInvoices?: StuckInvoiceSource;
  /** Why there is no SLA check (for the report), when `stuckInvoices` is absent. */
  readonly stuckInvoicesUnavailableReason?: string;
  readonly stateStore: MonitorStateStore;
  readonly publisher: AlertPublisher;
  readonly probe?: DependencyProbe;
  readonly now?: () => number;
  readonly clock?: RateClock;
  /** Long-poll wait of DLQ receives (seconds). @default 1 */
  readonly waitTimeSeconds?: number;
}

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

export interface MonitorReport {
  readonly cellId: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly queues: readonly QueueReport[];
  readonly sla: {
    readonly available: boolean;
    readonly reason?: string;
    readonly stages: readonly (StuckInvoices & { readonly slaSeconds: number })[];
  };
  readonly redrive: {
    readonly automatic: boolean;
    readonly routes: readonly {
      readonly stage: string;
      readonly consumer?: string;
      readonly dlq: string;
      readonly action: AutoRedriveOutcome['action'];
      readonly reason: string;
      readonly redriven: number;
      readonly parked: number;
      readonly failed: number;
    }[];
  };
  readonly conditions: readonly Condition[];
  readonly notifications: readonly NotificationReport[];
  readonly openAlerts: Readonly<Record<string, OpenAlert>>;
  readonly problems: readonly string[];
}

/**
 * One run of the stuck-event monitor:
 * 1. depth and oldest age of every queue and DLQ;
 * 2. automatic redrive of DLQs whose dependency looks healthy, when the cell's policy allows it;
 * 3. invoices past their stage SLA;
 * 4. conditions → alert transitions (fire / escalate / resolve) against the stored state;
 * 5. notifications to the severity topics, then the new state.
 * A failing check is reported (and alerted as a monitor problem) without stopping the others.
 */
export async function runMonitor(settings: MonitorSettings, deps: MonitorDependencies): Promise<MonitorReport> {
  const now = deps.now ?? Date.now;
  const started = now();
  const thresholds = settings.thresholds ?? MONITOR_DEFAULTS;
  const routes = dlqRoutes(settings.topology);
  const problems: { check: string; message: string }[] = [];

  const queueRefs = routes.flatMap((r) => [
    { name: r.source.name, url: r.source.url },
    { name: r.dlq.name, url: r.dlq.url },
  ]);
  let stats: ReadonlyMap<string, QueueStats> = new Map();
  try {
    const result = await deps.queueStats.queueStats(queueRefs, started);
    stats = result.stats;
    for (const message of result.problems) problems.push({ check: 'queue-stats', message });
  } catch (error) {
    problems.push({ check: 'queue-stats', message: `queue statistics unavailable: ${describe(error)}` });
  }
  for (const ref of queueRefs) {
    if (!stats.has(ref.name) && !problems.some((p) => p.message.includes(ref.name))) {
      problems.push({ check: 'queue-stats', message: `no statistics for ${ref.name}` });
    }
  }

  const loaded = await deps.stateStore.load();
  if (loaded.problem) problems.push({ check: 'state', message: loaded.problem });
  const previous = loaded.state;

  // Automatic redrive, one DLQ after the other: the policy's rate is for the cell, not per queue.
  const outcomes = new Map<string, AutoRedriveOutcome>();
  if (settings.redrive.automatic) {
    const deadlineMs = started + thresholds.redrive.runBudgetMs;
    for (const route of routes) {
      const dlq = stats.get(route.dlq.name);
      if (!dlq || totalMessages(dlq) === 0) continue;
      if (now() >= deadlineMs) {
        outcomes.set(route.dlq.name, { route, action: 'held', reason: 'no time left in this run' });
        continue;
      }
      try {
        const outcome = await autoRedriveRoute(
          {
            route,
            dlq,
            source: stats.get(route.source.name),
            previousDepth: previous.dlqDepths[route.dlq.name],
            backlogAgeSeconds: thresholds.backlog.warningAgeSeconds,
          },
          {
            sqs: deps.sqs,
            policy: settings.redrive,
            deadlineMs,
            holdSeconds: thresholds.redrive.holdSeconds,
            ...(deps.probe ? { probe: deps.probe } : {}),
            ...(deps.clock ? { clock: deps.clock } : {}),
            ...(deps.waitTimeSeconds !== undefined ? { waitTimeSeconds: deps.waitTimeSeconds } : {}),
          },
        );
        outcomes.set(route.dlq.name, outcome);
      } catch (error) {
        const message = `automatic redrive of ${route.dlq.name} failed: ${describe(error)}`;
        problems.push({ check: `redrive:${route.dlq.name}`, message });
        outcomes.set(route.dlq.name, { route, action: 'held', reason: message });
      }
    }
  }

  const observations: RouteObservation[] = routes.map((route) => {
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
      ...(settings.redrive.automatic ? { parked: parkedOf(route, dlqNow, outcome, previous) } : {}),
      ...(outcome?.action === 'held' ? { redriveNote: `automatic redrive held back: ${outcome.reason}` } : {}),
    };
  });

  const slaStages: (StageSla & { slaSeconds: number })[] = settings.topology.stages.map((s) => ({
    stage: s.stage,
    slaSeconds: s.slaSeconds,
    primaryConsumer: s.consumers[0]!.consumer,
  }));
  let stuck: (StuckInvoices & { slaSeconds: number })[] = [];
  let slaObserved = false;
  let slaReason: string | undefined;
  if (deps.stuckInvoices) {
    try {
      const found = await deps.stuckInvoices.stuckInvoices(slaStages, {
        nowMs: started,
        lookbackHours: thresholds.sla.lookbackHours,
        sampleSize: thresholds.sampleSize,
      });
      stuck = found.map((s) => ({ ...s, slaSeconds: slaStages.find((x) => x.stage === s.stage)!.slaSeconds }));
      slaObserved = true;
    } catch (error) {
      slaReason = `SLA query failed: ${describe(error)}`;
      problems.push({ check: 'sla-query', message: slaReason });
    }
  } else {
    slaReason = deps.stuckInvoicesUnavailableReason ?? 'no stuck-invoice source configured';
  }

  const conditions = observeConditions(observations, stuck, problems, thresholds);
  const unobserved = new Set<string>();
  for (const route of routes) {
    if (!stats.has(route.dlq.name)) {
      unobserved.add(conditionKeys.dlq(route.dlq.name));
      unobserved.add(conditionKeys.parked(route.dlq.name));
    }
    if (!stats.has(route.source.name)) unobserved.add(conditionKeys.backlog(route.source.name));
  }
  const evaluation = evaluateAlerts(
    previous.alerts,
    conditions,
    started,
    (key) => !unobserved.has(key) && (slaObserved || !key.startsWith('sla:')),
    thresholds.resolveAfterClearRuns,
  );

  const open = { ...evaluation.open };
  const notifications: NotificationReport[] = [];
  for (const raw of evaluation.transitions) {
    const transition = await withSamples(raw, routes, deps, thresholds.sampleSize);
    const message = formatAlert(transition, settings.cellId);
    try {
      await deps.publisher.publish(transition, message);
      notifications.push({ ...summary(transition), subject: message.subject, text: message.text, delivered: true });
    } catch (error) {
      undeliveredTransition(open, transition);
      notifications.push({
        ...summary(transition),
        subject: message.subject,
        text: message.text,
        delivered: false,
        error: describe(error),
      });
    }
  }

  const next: MonitorState = {
    version: 1,
    updatedAtMs: started,
    alerts: open,
    dlqDepths: { ...previous.dlqDepths },
    parked: {},
  };
  for (const observation of observations) {
    const name = observation.route.dlq.name;
    if (observation.dlq) next.dlqDepths[name] = totalMessages(observation.dlq);
    if (observation.parked && observation.parked.count > 0) {
      next.parked[name] = {
        count: observation.parked.count,
        sampleInvoiceIds: [...observation.parked.sampleInvoiceIds],
      };
    }
  }
  await deps.stateStore.save(next);

  return {
    cellId: settings.cellId,
    startedAt: new Date(started).toISOString(),
    durationMs: now() - started,
    queues: routes.map((route) => ({
      stage: route.stage,
      ...(route.consumer !== undefined ? { consumer: route.consumer } : {}),
      role: route.role,
      queue: route.source.name,
      dlq: route.dlq.name,
      source: stats.get(route.source.name) ?? null,
      dlqStats: stats.get(route.dlq.name) ?? null,
    })),
    sla: { available: slaObserved, ...(slaReason ? { reason: slaReason } : {}), stages: stuck },
    redrive: {
      automatic: settings.redrive.automatic,
      routes: [...outcomes.values()].map((o) => ({
        stage: o.route.stage,
        ...(o.route.consumer !== undefined ? { consumer: o.route.consumer } : {}),
        dlq: o.route.dlq.name,
        action: o.action,
        reason: o.reason,
        redriven: o.result?.redriven ?? 0,
        parked: o.result?.parked ?? 0,
        failed: o.result?.failed.length ?? 0,
      })),
    },
    conditions,
    notifications,
    openAlerts: open,
    problems: problems.map((p) => p.message),
  };
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

/** DLQ alerts quote a few invoice ids: looked up (without consuming) only when the alert is sent. */
async function withSamples(
  transition: AlertTransition,
  routes: readonly DlqRoute[],
  deps: MonitorDependencies,
  sampleSize: number,
): Promise<AlertTransition> {
  const { condition } = transition;
  if (condition.kind !== 'dlq' || transition.transition === 'resolved' || condition.sampleInvoiceIds?.length) {
    return transition;
  }
  const route = routes.find((r) => r.dlq.name === condition.queue);
  if (!route) return transition;
  try {
    const messages = await peekDlq({
      sqs: deps.sqs,
      route,
      limit: sampleSize,
      holdSeconds: 10,
      waitTimeSeconds: deps.waitTimeSeconds ?? 1,
    });
    const ids = [...new Set(messages.map((m) => m.invoiceId ?? m.eventId ?? m.messageId))];
    return { ...transition, condition: { ...condition, sampleInvoiceIds: ids } };
  } catch {
    // The alert goes out without samples rather than not at all.
    return transition;
  }
}

function summary(transition: AlertTransition) {
  return { transition: transition.transition, severity: transition.severity, key: transition.key };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

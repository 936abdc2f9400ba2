import type { SQSClient } from '@aws-sdk/client-sqs';
import type { MonitorTopology, RedrivePolicy } from '../../schemas/monitorTopology.ts';
import { type DlqRoute, dlqRoutes } from '../shared/dlq/DlqRoute.ts';
import type { ParkedStore } from '../shared/dlq/ParkedStore.ts';
import type { RateClock } from '../shared/dlq/RateLimiter.ts';
import { describeError } from '../shared/errors.ts';
import type { AlertPublisher } from './AlertPublisher.ts';
import { autoRedriveRoutes } from './autoRedrive.ts';
import type { CheckProblem } from './CheckProblem.ts';
import { conditionKeys } from './Condition.ts';
import { checkSla } from './checkSla.ts';
import { closedByParking } from './closedByParking.ts';
import type { DependencyProbe } from './DependencyProbe.ts';
import { MONITOR_DEFAULTS } from './defaults.ts';
import { deliverAlerts } from './deliverAlerts.ts';
import { evaluateAlerts } from './evaluateAlerts.ts';
import { type MonitorReport, redriveRouteReport } from './MonitorReport.ts';
import type { MonitorState, MonitorStateStore, OpenAlert } from './MonitorState.ts';
import { type MonitorThresholds, observeConditions, type RouteObservation } from './observeConditions.ts';
import { observeRoutes } from './observeRoutes.ts';
import { type QueueStats, type QueueStatsSource, totalMessages } from './QueueStatsSource.ts';
import type { StuckInvoiceSource } from './StuckInvoiceSource.ts';

export type { MonitorReport, NotificationReport, QueueReport } from './MonitorReport.ts';

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
  /** The parked store: an alert whose messages were parked closes at once (`closedByParking`). */
  readonly parkedStore?: ParkedStore;
  readonly publisher: AlertPublisher;
  readonly probe?: DependencyProbe;
  readonly now?: () => number;
  readonly clock?: RateClock;
  /** Long-poll wait of DLQ receives (seconds). @default 1 */
  readonly waitTimeSeconds?: number;
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
  const problems: CheckProblem[] = [];

  const stats = await readQueueStats(routes, deps.queueStats, started, problems);
  const loaded = await deps.stateStore.load();
  if (loaded.problem) problems.push({ check: 'state', message: loaded.problem });
  const previous = loaded.state;

  const outcomes = settings.redrive.automatic
    ? await autoRedriveRoutes(
        { routes, stats, previous, startedMs: started, now, thresholds },
        {
          sqs: deps.sqs,
          policy: settings.redrive,
          ...(deps.probe ? { probe: deps.probe } : {}),
          ...(deps.clock ? { clock: deps.clock } : {}),
          ...(deps.waitTimeSeconds !== undefined ? { waitTimeSeconds: deps.waitTimeSeconds } : {}),
        },
        problems,
      )
    : new Map();
  const observations = observeRoutes(routes, stats, outcomes, previous, settings.redrive.automatic);
  const sla = await checkSla(
    {
      topology: settings.topology,
      thresholds,
      nowMs: started,
      ...(deps.stuckInvoices ? { source: deps.stuckInvoices } : {}),
      ...(deps.stuckInvoicesUnavailableReason !== undefined
        ? { unavailableReason: deps.stuckInvoicesUnavailableReason }
        : {}),
    },
    problems,
  );

  const conditions = observeConditions(observations, sla.stages, problems, thresholds);
  const unobserved = unobservedKeys(routes, stats);
  const current = new Set(conditions.map((c) => c.key));
  const cleared = Object.fromEntries(Object.entries(previous.alerts).filter(([key]) => !current.has(key)));
  const evaluation = evaluateAlerts(
    previous.alerts,
    conditions,
    started,
    (key) => !unobserved.has(key) && (sla.available || !key.startsWith('sla:')),
    thresholds.resolveAfterClearRuns,
    await closedByParking(cleared, routes, deps.parkedStore, problems),
  );
  const { open, notifications } = await deliverAlerts(evaluation, {
    cellId: settings.cellId,
    routes,
    sqs: deps.sqs,
    publisher: deps.publisher,
    sampleSize: thresholds.sampleSize,
    ...(deps.waitTimeSeconds !== undefined ? { waitTimeSeconds: deps.waitTimeSeconds } : {}),
  });
  await deps.stateStore.save(nextState(previous, open, observations, started));

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
    sla,
    redrive: { automatic: settings.redrive.automatic, routes: [...outcomes.values()].map(redriveRouteReport) },
    conditions,
    notifications,
    openAlerts: open,
    problems: problems.map((p) => p.message),
  };
}

/** Depth and oldest age of every queue and DLQ; a queue that could not be read is a problem of the run. */
async function readQueueStats(
  routes: readonly DlqRoute[],
  source: QueueStatsSource,
  nowMs: number,
  problems: CheckProblem[],
): Promise<ReadonlyMap<string, QueueStats>> {
  const queueRefs = routes.flatMap((r) => [
    { name: r.source.name, url: r.source.url },
    { name: r.dlq.name, url: r.dlq.url },
  ]);
  let stats: ReadonlyMap<string, QueueStats> = new Map();
  try {
    const result = await source.queueStats(queueRefs, nowMs);
    stats = result.stats;
    for (const message of result.problems) problems.push({ check: 'queue-stats', message });
  } catch (error) {
    problems.push({ check: 'queue-stats', message: `queue statistics unavailable: ${describeError(error)}` });
  }
  for (const ref of queueRefs) {
    if (!stats.has(ref.name) && !problems.some((p) => p.message.includes(ref.name))) {
      problems.push({ check: 'queue-stats', message: `no statistics for ${ref.name}` });
    }
  }
  return stats;
}

/** Alerts this run could not look at (their queue was not read): kept as they are, never resolved. */
function unobservedKeys(routes: readonly DlqRoute[], stats: ReadonlyMap<string, QueueStats>): Set<string> {
  const unobserved = new Set<string>();
  for (const route of routes) {
    if (!stats.has(route.dlq.name)) {
      unobserved.add(conditionKeys.dlq(route.dlq.name));
      unobserved.add(conditionKeys.parked(route.dlq.name));
    }
    if (!stats.has(route.source.name)) unobserved.add(conditionKeys.backlog(route.source.name));
  }
  return unobserved;
}

/** The state the next run starts from: open alerts, DLQ depths (for the redrive gate), parked messages. */
function nextState(
  previous: MonitorState,
  open: Record<string, OpenAlert>,
  observations: readonly RouteObservation[],
  startedMs: number,
): MonitorState {
  const next: MonitorState = {
    version: 1,
    updatedAtMs: startedMs,
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
  return next;
}

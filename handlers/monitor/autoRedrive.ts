import type { SQSClient } from '@aws-sdk/client-sqs';
import type { RedrivePolicy } from '../../schemas/monitorTopology.ts';
import type { DlqMessage } from '../shared/dlq/DlqMessage.ts';
import type { DlqRoute } from '../shared/dlq/DlqRoute.ts';
import type { RateClock } from '../shared/dlq/RateLimiter.ts';
import { type RedriveDecision, type RedriveResult, redriveDlq } from '../shared/dlq/redriveDlq.ts';
import { describeError } from '../shared/errors.ts';
import type { CheckProblem } from './CheckProblem.ts';
import type { DependencyProbe } from './DependencyProbe.ts';
import { MONITOR_DEFAULTS } from './defaults.ts';
import type { MonitorState } from './MonitorState.ts';
import type { MonitorThresholds } from './observeConditions.ts';
import { type QueueStats, totalMessages } from './QueueStatsSource.ts';

/** What the automatic redrive did for one DLQ, and why. */
export interface AutoRedriveOutcome {
  readonly route: DlqRoute;
  readonly action: 'redriven' | 'held';
  readonly reason: string;
  readonly result?: RedriveResult;
}

export interface AutoRedriveGateInput {
  readonly route: DlqRoute;
  readonly dlq: QueueStats;
  readonly source: QueueStats | undefined;
  /** The DLQ's depth after the previous run; undefined on the first look. */
  readonly previousDepth: number | undefined;
  readonly backlogAgeSeconds?: number;
}

/**
 * Whether the dependency that made messages fail looks healthy again, judged from the queues:
 * - the DLQ has not grown since the last run (new arrivals mean processing still fails);
 * - the source queue is not backlogged (its consumer keeps up with live traffic).
 * A first look at a non-empty DLQ waits one run: there is nothing to compare with yet.
 * Returns the reason to hold back, or undefined when the gate is open.
 */
export function holdReason(input: AutoRedriveGateInput): string | undefined {
  const depth = totalMessages(input.dlq);
  if (input.previousDepth === undefined) {
    return 'first look at this DLQ; waiting one run to see whether failures continue';
  }
  if (depth > input.previousDepth) {
    return `${depth - input.previousDepth} new failure(s) since the last run: the dependency still fails`;
  }
  const backlog = input.source?.oldestAgeSeconds ?? null;
  const limit = input.backlogAgeSeconds ?? MONITOR_DEFAULTS.backlog.warningAgeSeconds;
  if (backlog !== null && backlog >= limit) {
    return `source queue backlogged (oldest message ${backlog} s): its consumer is not keeping up`;
  }
  return undefined;
}

/** Redrive while the message's budget lasts; after that it is parked for a person. */
export function budgetDecision(budgetPerMessage: number): (message: DlqMessage) => RedriveDecision {
  return (message) => (message.redriveCount < budgetPerMessage ? 'redrive' : 'park');
}

export interface AutoRedriveOptions {
  readonly sqs: SQSClient;
  readonly policy: RedrivePolicy;
  readonly probe?: DependencyProbe;
  readonly deadlineMs: number;
  readonly holdSeconds?: number;
  readonly clock?: RateClock;
  readonly waitTimeSeconds?: number;
}

/**
 * One DLQ's automatic redrive: gate, probe, then move messages back within the policy's rate and
 * each message's budget. Messages over budget are left in the DLQ, counted as parked, and escalated
 * by the caller; a person redrives them with `bems redrive` after fixing the cause.
 */
export async function autoRedriveRoute(
  input: AutoRedriveGateInput,
  options: AutoRedriveOptions,
): Promise<AutoRedriveOutcome> {
  const { route } = input;
  const reason = holdReason(input);
  if (reason) return { route, action: 'held', reason };
  if (options.probe) {
    const probe = await options.probe.probe(route);
    if (!probe.ok) return { route, action: 'held', reason: probe.detail };
  }
  const result = await redriveDlq({
    sqs: options.sqs,
    route,
    select: budgetDecision(options.policy.budgetPerMessage),
    ratePerSecond: options.policy.ratePerSecond,
    deadlineMs: options.deadlineMs,
    holdSeconds: options.holdSeconds ?? MONITOR_DEFAULTS.redrive.holdSeconds,
    ...(options.waitTimeSeconds !== undefined ? { waitTimeSeconds: options.waitTimeSeconds } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return {
    route,
    action: 'redriven',
    reason: `${result.redriven} redriven, ${result.parked} parked (budget ${options.policy.budgetPerMessage} per message)`,
    result,
  };
}

export interface AutoRedriveRunInput {
  readonly routes: readonly DlqRoute[];
  readonly stats: ReadonlyMap<string, QueueStats>;
  readonly previous: MonitorState;
  readonly startedMs: number;
  readonly now: () => number;
  readonly thresholds: MonitorThresholds;
}

/**
 * The automatic redrive of one monitor run: every DLQ with messages, one after the other (the
 * policy's rate is for the cell, not per queue), until the run's redrive budget is spent. A DLQ
 * whose redrive failed is held and reported as a problem of the run.
 */
export async function autoRedriveRoutes(
  input: AutoRedriveRunInput,
  options: Omit<AutoRedriveOptions, 'deadlineMs' | 'holdSeconds'>,
  problems: CheckProblem[],
): Promise<Map<string, AutoRedriveOutcome>> {
  const outcomes = new Map<string, AutoRedriveOutcome>();
  const { thresholds, stats } = input;
  const deadlineMs = input.startedMs + thresholds.redrive.runBudgetMs;
  for (const route of input.routes) {
    const dlq = stats.get(route.dlq.name);
    if (!dlq || totalMessages(dlq) === 0) continue;
    if (input.now() >= deadlineMs) {
      outcomes.set(route.dlq.name, { route, action: 'held', reason: 'no time left in this run' });
      continue;
    }
    try {
      const gate = {
        route,
        dlq,
        source: stats.get(route.source.name),
        previousDepth: input.previous.dlqDepths[route.dlq.name],
        backlogAgeSeconds: thresholds.backlog.warningAgeSeconds,
      };
      const outcome = await autoRedriveRoute(gate, {
        ...options,
        deadlineMs,
        holdSeconds: thresholds.redrive.holdSeconds,
      });
      outcomes.set(route.dlq.name, outcome);
    } catch (error) {
      const message = `automatic redrive of ${route.dlq.name} failed: ${describeError(error)}`;
      problems.push({ check: `redrive:${route.dlq.name}`, message });
      outcomes.set(route.dlq.name, { route, action: 'held', reason: message });
    }
  }
  return outcomes;
}

import {
  type DlqMessage,
  type DlqRoute,
  type MoveTaskResult,
  moveWithTask,
  queueDepth,
  type RedriveDecision,
  type RedriveResult,
  redriveDlq,
} from '../../handlers/shared/dlq/index.ts';
import type { Stage } from '../../schemas/stages.ts';
import { createProgress } from '../progressBar.ts';
import type { CellTarget } from '../target/index.ts';
import type { CommandIo } from './Command.ts';

/** What `bems redrive` was asked to do, its flags checked. */
export interface RedriveRequest {
  readonly stage: Stage;
  readonly rate: number;
  readonly dryRun: boolean;
  readonly moveTask: boolean;
  readonly json: boolean;
  readonly select: (message: DlqMessage) => RedriveDecision;
}

export interface RouteOutcome {
  readonly route: DlqRoute;
  readonly depthBefore: number;
  readonly result?: RedriveResult;
  readonly moveTask?: MoveTaskResult;
}

export interface RedriveRun {
  readonly outcomes: readonly RouteOutcome[];
  /** Messages in the DLQs before the run (visible and in flight). */
  readonly totalBefore: number;
  readonly totals: {
    readonly redriven: number;
    /** Of the redriven, events the store had recorded before they were sent; null when not counted. */
    readonly alreadyRecorded: number | null;
    readonly skipped: number;
    readonly failed: number;
    readonly deleteFailed: number;
  };
  readonly interrupted: boolean;
  readonly seconds: number;
}

/**
 * Runs a redrive route by route (each DLQ of the selection), with a progress bar or periodic lines,
 * and counts the events already recorded before each batch is sent.
 */
export async function runRedrive(
  target: CellTarget,
  routes: readonly DlqRoute[],
  request: RedriveRequest,
  io: CommandIo,
): Promise<RedriveRun> {
  const depths = await Promise.all(routes.map((r) => queueDepth(target.sqs, r.dlq.url)));
  const totalBefore = depths.reduce((sum, d) => sum + d.visible + d.inFlight, 0);
  if (!request.json && totalBefore > 0) {
    io.err(
      `${request.dryRun ? 'Scanning' : 'Redriving'}: ${totalBefore} message(s) in ${routes.length} DLQ(s) to look at.`,
    );
  }
  const progress = createProgress({
    total: totalBefore,
    label: request.dryRun ? 'Scanning' : 'Redriving',
    unit: 'messages',
    isTTY: io.stderrIsTTY ?? false,
    json: request.json,
    lines: io.err,
  });
  const started = Date.now();
  const outcomes: RouteOutcome[] = [];
  const recorded = { count: 0 as number | null };
  try {
    let doneBefore = 0;
    for (const [index, route] of routes.entries()) {
      if (io.signal?.aborted) break;
      const depthBefore = depths[index]!.visible + depths[index]!.inFlight;
      const outcome =
        depthBefore === 0
          ? { route, depthBefore }
          : await redriveRoute(target, route, request, io, {
              depthBefore,
              progress: (done) => progress.update(doneBefore + done),
              recorded,
            });
      doneBefore += outcome.result?.scanned ?? outcome.moveTask?.moved ?? 0;
      outcomes.push(outcome);
    }
  } finally {
    progress.stop();
  }
  return {
    outcomes,
    totalBefore,
    totals: {
      redriven: sum(outcomes, (o) => o.result?.redriven ?? o.moveTask?.moved ?? 0),
      alreadyRecorded: request.dryRun || request.moveTask ? null : recorded.count,
      skipped: sum(outcomes, (o) => o.result?.skipped ?? 0),
      failed: sum(outcomes, (o) => o.result?.failed.length ?? (o.moveTask?.status === 'FAILED' ? 1 : 0)),
      deleteFailed: sum(outcomes, (o) => o.result?.deleteFailed ?? 0),
    },
    interrupted:
      (io.signal?.aborted ?? false) || outcomes.some((o) => o.result?.stoppedBy === 'aborted' || o.moveTask?.cancelled),
    seconds: (Date.now() - started) / 1000,
  };
}

async function redriveRoute(
  target: CellTarget,
  route: DlqRoute,
  request: RedriveRequest,
  io: CommandIo,
  run: { depthBefore: number; progress: (done: number) => void; recorded: { count: number | null } },
): Promise<RouteOutcome> {
  const signal = io.signal ? { signal: io.signal } : {};
  if (request.moveTask) {
    const result = await moveWithTask({
      sqs: target.sqs,
      route,
      ratePerSecond: request.rate,
      ...signal,
      onProgress: (p) => run.progress(p.moved),
    });
    return { route, depthBefore: run.depthBefore, moveTask: result };
  }
  const result = await redriveDlq({
    sqs: target.sqs,
    route,
    select: request.select,
    ratePerSecond: request.rate,
    dryRun: request.dryRun,
    waitTimeSeconds: target.waitTimeSeconds,
    ...signal,
    onProgress: (p) => run.progress(p.scanned),
    // Counted before the send: afterwards the store would also hold what this redrive recorded.
    beforeMove: async (messages) => {
      if (run.recorded.count === null) return;
      const ids = messages.flatMap((m) => (m.eventId === undefined ? [] : [m.eventId]));
      const { count } = await target.replayCounter.recordedOf(route.stage, ids);
      run.recorded.count = count === null ? null : run.recorded.count + count;
    },
  });
  return { route, depthBefore: run.depthBefore, result };
}

function sum<T>(items: readonly T[], pick: (item: T) => number): number {
  return items.reduce((total, item) => total + pick(item), 0);
}

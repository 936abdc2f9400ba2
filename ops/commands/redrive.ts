import {
  type DlqMessage,
  type DlqRoute,
  dlqRoutes,
  type MoveTaskResult,
  moveWithTask,
  queueDepth,
  type RedriveDecision,
  type RedriveResult,
  redriveDlq,
  routeLabel,
  selectRoutes,
} from '../../handlers/shared/dlq/index.ts';
import { UsageError } from '../errors.ts';
import { EXIT_CODES } from '../exitCodes.ts';
import { parseTime } from '../parseTime.ts';
import { createProgress } from '../progressBar.ts';
import { parseCommandArgs, parseStage, printJson, TARGET_OPTIONS, TARGET_USAGE, withTarget } from './args.ts';
import type { Command } from './Command.ts';

/** Messages per second when `--rate` is not given: fast for a person, gentle for a consumer just back. */
export const DEFAULT_REDRIVE_RATE = 50;

const USAGE = `Usage: bems redrive <stage> [--consumer C | --inbox] [--invoice ID ...] [--since T] [--rate N]
                    [--dry-run] [--move-task] [--cell ID] [--data-dir DIR] [--json]

Moves messages from a stage's DLQs back to the queues they failed in: same FIFO message group, a
fresh deduplication id, and the message is deleted from the DLQ only after the send succeeded. An
interrupted redrive (Ctrl-C, a crash) loses nothing: run the same command again; a message sent
twice is recorded once (eventId idempotency). Manual redrives ignore the automatic redrive budget.

  --consumer C         only this consumer's DLQ (default: every DLQ of the stage)
  --inbox              only the stage inbox's DLQ
  --invoice ID         only messages of this invoice (repeatable)
  --since T            only messages that first failed at or after T (ISO 8601, or an age: 30m, 2h, 1d)
  --rate N             messages per second (default ${DEFAULT_REDRIVE_RATE})
  --dry-run            show what would be moved; nothing is moved
  --move-task          AWS only, whole DLQ: let SQS move the messages (StartMessageMoveTask)
${TARGET_USAGE}

Ctrl-C stops after the batch in hand (sent messages are deleted, the rest stay in the DLQ);
press it twice to quit at once. Exit codes: 0 done; 5 some messages could not be moved;
130 interrupted; 3 cell not reachable.`;

interface RouteOutcome {
  readonly route: DlqRoute;
  readonly depthBefore: number;
  readonly result?: RedriveResult;
  readonly moveTask?: MoveTaskResult;
}

export const command: Command = {
  name: 'redrive',
  summary: "move a stage's DLQ messages back to their queues (selective, rate-limited, resumable)",
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        ...TARGET_OPTIONS,
        consumer: { type: 'string' },
        inbox: { type: 'boolean' },
        invoice: { type: 'string', multiple: true },
        since: { type: 'string' },
        rate: { type: 'string' },
        'dry-run': { type: 'boolean' },
        'move-task': { type: 'boolean' },
      },
      true,
    );
    if (positionals.length !== 1) throw new UsageError('name exactly one stage, e.g. bems redrive posting');
    const stage = parseStage('<stage>', positionals[0])!;
    if (values.consumer !== undefined && values.inbox)
      throw new UsageError('--consumer and --inbox exclude each other');
    const rate = values.rate === undefined ? DEFAULT_REDRIVE_RATE : Number(values.rate);
    if (!(rate > 0) || !Number.isFinite(rate)) throw new UsageError('--rate: a positive number of messages per second');
    const nowMs = (io.now ?? Date.now)();
    const sinceMs = values.since === undefined ? undefined : parseTime('--since', values.since, nowMs);
    const invoices = new Set(values.invoice ?? []);
    const dryRun = values['dry-run'] ?? false;
    const moveTask = values['move-task'] ?? false;
    if (moveTask && (invoices.size > 0 || sinceMs !== undefined || dryRun)) {
      throw new UsageError('--move-task moves a whole DLQ: it cannot be combined with --invoice, --since or --dry-run');
    }

    return withTarget(values, io, async (target) => {
      if (moveTask && !target.supportsMoveTask) {
        throw new UsageError('--move-task needs SQS StartMessageMoveTask, which only AWS has; leave it out locally');
      }
      const routes = selectRoutes(dlqRoutes(target.topology), {
        stage,
        ...(values.consumer !== undefined ? { consumer: values.consumer } : {}),
        ...(values.inbox ? { inbox: true } : {}),
      });
      if (routes.length === 0) throw new UsageError(`stage ${stage} has no consumer "${values.consumer}"`);
      const select = (message: DlqMessage): RedriveDecision => {
        if (invoices.size > 0 && (message.invoiceId === undefined || !invoices.has(message.invoiceId))) return 'skip';
        if (sinceMs !== undefined && (message.firstFailedAtMs ?? message.sentAtMs ?? 0) < sinceMs) return 'skip';
        return 'redrive';
      };
      const depths = await Promise.all(routes.map((r) => queueDepth(target.sqs, r.dlq.url)));
      const totalBefore = depths.reduce((sum, d) => sum + d.visible + d.inFlight, 0);
      const progress = createProgress({
        total: totalBefore,
        label: dryRun ? 'Scanning' : 'Redriving',
        unit: 'messages',
        isTTY: io.stderrIsTTY ?? false,
        json: values.json ?? false,
      });
      const started = Date.now();
      const outcomes: RouteOutcome[] = [];
      let doneBefore = 0;
      try {
        for (const [index, route] of routes.entries()) {
          const depthBefore = depths[index]!.visible + depths[index]!.inFlight;
          if (io.signal?.aborted) break;
          if (depthBefore === 0) {
            outcomes.push({ route, depthBefore });
            continue;
          }
          if (moveTask) {
            const result = await moveWithTask({
              sqs: target.sqs,
              route,
              ratePerSecond: rate,
              ...(io.signal ? { signal: io.signal } : {}),
              onProgress: (p) => progress.update(doneBefore + p.moved),
            });
            doneBefore += result.moved;
            outcomes.push({ route, depthBefore, moveTask: result });
            continue;
          }
          const result = await redriveDlq({
            sqs: target.sqs,
            route,
            select,
            ratePerSecond: rate,
            dryRun,
            waitTimeSeconds: target.waitTimeSeconds,
            ...(io.signal ? { signal: io.signal } : {}),
            onProgress: (p) => progress.update(doneBefore + p.scanned),
          });
          doneBefore += result.scanned;
          outcomes.push({ route, depthBefore, result });
        }
      } finally {
        progress.stop();
      }
      const interrupted =
        (io.signal?.aborted ?? false) ||
        outcomes.some((o) => o.result?.stoppedBy === 'aborted' || o.moveTask?.cancelled);
      const totals = {
        redriven: sum(outcomes, (o) => o.result?.redriven ?? o.moveTask?.moved ?? 0),
        skipped: sum(outcomes, (o) => o.result?.skipped ?? 0),
        failed: sum(outcomes, (o) => o.result?.failed.length ?? (o.moveTask?.status === 'FAILED' ? 1 : 0)),
        deleteFailed: sum(outcomes, (o) => o.result?.deleteFailed ?? 0),
      };
      const seconds = (Date.now() - started) / 1000;
      if (values.json) {
        printJson(io, {
          cell: target.cellId,
          stage,
          dryRun,
          interrupted,
          durationSeconds: seconds,
          totals,
          routes: outcomes.map((o) => ({
            stage: o.route.stage,
            ...(o.route.consumer !== undefined ? { consumer: o.route.consumer } : {}),
            dlq: o.route.dlq.name,
            source: o.route.source.name,
            messagesBefore: o.depthBefore,
            ...(o.result
              ? {
                  redriven: o.result.redriven,
                  skipped: o.result.skipped,
                  failed: o.result.failed,
                  deleteFailed: o.result.deleteFailed,
                  stoppedBy: o.result.stoppedBy,
                  samples: o.result.samples,
                }
              : {}),
            ...(o.moveTask ? { moveTask: o.moveTask } : {}),
          })),
        });
      } else {
        for (const o of outcomes) io.out(describeOutcome(o, dryRun));
        const verb = dryRun ? 'would be redriven' : 'redriven';
        io.out(
          `\nTotal: ${totals.redriven} ${verb}, ${totals.skipped} skipped by filters, ${totals.failed} failed` +
            `${totals.deleteFailed ? `, ${totals.deleteFailed} sent but still in the DLQ` : ''} in ${seconds.toFixed(1)} s.`,
        );
        if (interrupted) {
          io.out(
            'Interrupted: what was moved stays moved, the rest is still in the DLQ. Run the same command again to continue.',
          );
        } else if (totals.failed || totals.deleteFailed) {
          io.out(
            'Some messages did not go through; they are still in the DLQ. Run the same command again (a duplicate is recorded once).',
          );
        } else if (!dryRun && totals.redriven > 0) {
          io.out('Check that they are recorded now: bems dlq list, bems status.');
        }
      }
      if (interrupted) return EXIT_CODES.interrupted;
      return totals.failed || totals.deleteFailed ? EXIT_CODES.incomplete : EXIT_CODES.ok;
    });
  },
};

function describeOutcome(o: RouteOutcome, dryRun: boolean): string {
  const head = `${routeLabel(o.route)}: ${o.route.dlq.name} → ${o.route.source.name}`;
  if (o.depthBefore === 0) return `${head}\n  DLQ empty, nothing to do`;
  if (o.moveTask) {
    return `${head}\n  message move task ${o.moveTask.status}: ${o.moveTask.moved} moved${o.moveTask.failureReason ? ` (${o.moveTask.failureReason})` : ''}`;
  }
  const r = o.result!;
  const lines = [
    head,
    `  ${r.redriven} ${dryRun ? 'would be redriven' : 'redriven'}, ${r.skipped} skipped, ${r.failed.length} failed` +
      ` (looked at ${r.scanned}; stopped: ${stopReason(r.stoppedBy)})`,
  ];
  for (const f of r.failed.slice(0, 5))
    lines.push(`  failed: ${f.invoiceId ?? '?'} ${f.eventId ?? f.messageId}: ${f.error}`);
  if (dryRun && r.samples.length)
    lines.push(
      `  e.g. ${r.samples
        .map((s) => s.invoiceId ?? s.messageId)
        .slice(0, 10)
        .join(', ')}`,
    );
  return lines.join('\n');
}

function stopReason(reason: RedriveResult['stoppedBy']): string {
  return { empty: 'nothing left to look at', limit: 'limit reached', deadline: 'time limit', aborted: 'interrupted' }[
    reason
  ];
}

function sum<T>(items: readonly T[], pick: (item: T) => number): number {
  return items.reduce((total, item) => total + pick(item), 0);
}

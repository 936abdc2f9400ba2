import { type RedriveResult, routeLabel } from '../../handlers/shared/dlq/index.ts';
import type { CellTarget } from '../target/index.ts';
import { printJson } from './args.ts';
import type { CommandIo } from './Command.ts';
import type { RedriveRequest, RedriveRun, RouteOutcome } from './redriveRun.ts';
import { routeJson } from './routeJson.ts';

/** What a redrive did: per DLQ, then the totals (sent, already recorded, skipped, failed). */
export function reportRedrive(io: CommandIo, target: CellTarget, request: RedriveRequest, run: RedriveRun): void {
  if (request.json) {
    printJson(io, redriveJson(target, request, run));
    return;
  }
  const { outcomes, totals, interrupted, seconds } = run;
  const { dryRun } = request;
  for (const o of outcomes) io.out(describeOutcome(o, dryRun));
  const verb = dryRun ? 'would be redriven' : 'sent';
  const already =
    totals.alreadyRecorded === null ? '' : ` (${totals.alreadyRecorded} of them already recorded: counted once)`;
  io.out(
    `\nTotal: ${totals.redriven} ${verb}${already}, ${totals.skipped} skipped by filters, ${totals.failed} failed` +
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

function redriveJson(target: CellTarget, request: RedriveRequest, run: RedriveRun) {
  return {
    cell: target.cellId,
    stage: request.stage,
    dryRun: request.dryRun,
    interrupted: run.interrupted,
    durationSeconds: run.seconds,
    messagesBefore: run.totalBefore,
    totals: run.totals,
    routes: run.outcomes.map((o) => ({
      ...routeJson(o.route),
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
  };
}

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

import type { Stage } from '../../schemas/stages.ts';
import { UsageError } from '../errors.ts';
import { EXIT_CODES } from '../exitCodes.ts';
import { booleanOptions, stringOptions } from '../optionTable.ts';
import { parseTime } from '../parseTime.ts';
import { createProgress } from '../progressBar.ts';
import type { Count, ReplayWindow } from '../replay/ReplayCounter.ts';
import { type ReplayOutcome, replayName, runReplay } from '../replay/runReplay.ts';
import { settleRecorded } from '../replay/settleRecorded.ts';
import type { CellTarget } from '../target/index.ts';
import { parseStage, parseTargetCommandArgs, printJson, TARGET_USAGE, withTarget } from './args.ts';
import type { Command, CommandIo } from './Command.ts';

const USAGE = `Usage: bems replay --from T [--to T] [--stage S] [--name N] [--dry-run] [--cell ID] [--data-dir DIR] [--json]

Re-sends the events of a time window from the cell's bus archive through the stage rules (EventBridge
StartReplay; the local cell's archive locally), and waits until the replay is done. Use it to rebuild
the time series after data was lost. Events already recorded stay recorded once (eventId), and
replayed records are marked replayed = true.

Before it starts it counts what the window holds and what of it is recorded; --dry-run stops there.
How it counts: locally from the archive itself (exact); on AWS an archive cannot be listed, so from
the stage rules' MatchedEvents metric in CloudWatch (whole minutes, hours for windows older than 63
days, nothing older than 455 days). Recorded: distinct events of the stage's first consumer with a
receipt time in the window (the read model locally, the Timestream table on AWS; not for lakehouse
cells). At the end: sent, already recorded before, newly recorded, and not recorded yet.

  --from T             start of the window (inclusive): ISO 8601 such as 2026-11-28T09:00:00Z, or an age: 2h, 7d
  --to T               end of the window (exclusive; default now)
  --stage S            only this stage's rule (default: every stage)
  --name N             replay name (default: bems-<stage|all>-<time>-<nonce>)
  --dry-run            count what the replay would send, and stop
${TARGET_USAGE}

The window is the events' time on the bus (when the cell received them). A replayed event gets a
deduplication id of its own on the FIFO topic (the replay's name), so a replay can run at any time;
an event already recorded is recorded once (eventId). Ctrl-C cancels the replay (CancelReplay).
Exit codes: 0 COMPLETED (or counted, with --dry-run); 5 FAILED or CANCELLED; 130 interrupted;
3 cell not reachable.`;

interface ReplayArgs {
  readonly window: ReplayWindow;
  readonly stage?: Stage;
  readonly name: string;
  readonly dryRun: boolean;
  readonly json: boolean;
}

export const command: Command = {
  usage: USAGE,
  async run(args, io) {
    const { values } = parseTargetCommandArgs(args, {
      ...stringOptions('from', 'to', 'stage', 'name'),
      ...booleanOptions('dry-run'),
    });
    const parsed = parseReplay(values, io);
    return withTarget(values, io, async (target) => {
      const stages = parsed.stage ? [parsed.stage] : target.topology.stages.map((s) => s.stage);
      const request = { ...parsed, window: { ...parsed.window, stages } };
      const before = await countWindow(target, request.window);
      if (request.dryRun) return reportDryRun(io, target, request, before);
      if (!request.json) io.err(`Replaying ${describeCount(before.archived, 'event')} (${before.archived.method}).`);
      const outcome = await replayWithProgress(io, target, request, before.archived.count);
      const after = await settleRecorded(target.replayCounter, request.window, {
        expected: before.archived.count,
        pollMs: target.pollMs,
        timeoutMs: outcome.state === 'COMPLETED' ? target.pollMs * 50 : 0,
        ...(io.signal ? { signal: io.signal } : {}),
      });
      reportOutcome(io, target, request, outcome, { ...before, recordedAfter: after });
      if (outcome.cancelled) return EXIT_CODES.interrupted;
      return outcome.state === 'COMPLETED' ? EXIT_CODES.ok : EXIT_CODES.incomplete;
    });
  },
};

function parseReplay(
  values: { from?: string; to?: string; stage?: string; name?: string; 'dry-run'?: boolean; json?: boolean },
  io: CommandIo,
): ReplayArgs {
  if (values.from === undefined) throw new UsageError('--from is required');
  const nowMs = (io.now ?? Date.now)();
  const fromMs = parseTime('--from', values.from, nowMs);
  const toMs = values.to === undefined ? nowMs : parseTime('--to', values.to, nowMs);
  if (fromMs >= toMs) throw new UsageError('--from must be before --to');
  if (toMs > nowMs + 1000) throw new UsageError('--to is in the future: the archive only holds what has happened');
  const stage = parseStage('--stage', values.stage);
  const name = values.name ?? replayName(stage, nowMs);
  if (!/^[.\-_A-Za-z0-9]{1,64}$/.test(name))
    throw new UsageError('--name: letters, digits, ".", "-" and "_", at most 64');
  return {
    // The stages are filled in once the cell is known.
    window: { fromMs, toMs, stages: [] },
    ...(stage ? { stage } : {}),
    name,
    dryRun: values['dry-run'] ?? false,
    json: values.json ?? false,
  };
}

async function countWindow(target: CellTarget, window: ReplayWindow) {
  const [archived, recorded] = await Promise.all([
    target.replayCounter.archived(window),
    target.replayCounter.recorded(window),
  ]);
  return { archived, recorded };
}

function reportDryRun(
  io: CommandIo,
  target: CellTarget,
  request: ReplayArgs,
  counts: { archived: Count; recorded: Count },
): number {
  if (request.json) {
    printJson(io, { cell: target.cellId, dryRun: true, ...windowJson(request), ...counts });
  } else {
    io.out(
      [
        `Replay of ${target.archive.name} (${request.stage ?? 'every stage'}) would send ${describeCount(counts.archived, 'event')}`,
        `  window:   ${windowJson(request).from} .. ${windowJson(request).to}`,
        `  counted:  ${counts.archived.method}`,
        `  recorded: ${describeCount(counts.recorded, 'event')} of the window already (${counts.recorded.method})`,
        'Nothing was replayed (--dry-run).',
      ].join('\n'),
    );
  }
  return EXIT_CODES.ok;
}

async function replayWithProgress(
  io: CommandIo,
  target: CellTarget,
  request: ReplayArgs,
  expected: number | null,
): Promise<ReplayOutcome> {
  // EventBridge tells how far through the window a replay is (EventLastReplayedTime), not how many
  // events it sent: the bar shows the share of the window, scaled to the count when there is one.
  const total = expected && expected > 0 ? expected : 100;
  const progress = createProgress({
    total,
    label: `Replay ${request.name}`,
    unit: expected ? 'events (by window time)' : '% of the window',
    isTTY: io.stderrIsTTY ?? false,
    json: request.json,
    lines: io.err,
  });
  try {
    return await runReplay({
      eventBridge: target.eventBridge,
      name: request.name,
      archiveArn: target.archive.arn,
      busArn: target.bus.arn,
      fromMs: request.window.fromMs,
      toMs: request.window.toMs,
      ...(request.stage ? { ruleArns: [target.ruleArn(request.stage)] } : {}),
      description: `bems replay ${request.stage ?? 'all stages'} ${windowJson(request).from}..${windowJson(request).to}`,
      pollMs: target.pollMs,
      ...(io.signal ? { signal: io.signal } : {}),
      onProgress: (p) => progress.update(Math.round(p.fraction * total)),
    });
  } finally {
    progress.stop();
  }
}

function reportOutcome(
  io: CommandIo,
  target: CellTarget,
  request: ReplayArgs,
  outcome: ReplayOutcome,
  counts: { archived: Count; recorded: Count; recordedAfter: Count },
): void {
  const totals = replayTotals(counts);
  if (request.json) {
    printJson(io, {
      cell: target.cellId,
      stage: request.stage ?? null,
      archive: target.archive.name,
      ...outcome,
      counts,
      totals,
    });
    return;
  }
  const n = (value: number | null) => (value === null ? '?' : String(value));
  io.out(
    [
      `Replay ${outcome.name} of ${target.archive.name} (${request.stage ?? 'every stage'}): ${outcome.state}` +
        `${outcome.stateReason ? ` (${outcome.stateReason})` : ''}`,
      `  window:   ${outcome.from} .. ${outcome.to}`,
      `  sent:     ${n(totals.sent)} (${counts.archived.method})`,
      `  already recorded before: ${n(totals.alreadyRecorded)}; newly recorded: ${n(totals.newlyRecorded)}; ` +
        `not recorded yet: ${n(totals.notRecorded)} (${counts.recordedAfter.method})`,
      `  last event replayed: ${outcome.lastReplayedTime ?? '-'}`,
      `  took ${(outcome.durationMs / 1000).toFixed(1)} s`,
      outcome.state === 'COMPLETED'
        ? totals.notRecorded
          ? 'Some events are not recorded yet: they may still be in a queue, or failed (bems dlq list).'
          : 'The events are back on the bus; check the records with bems status or GET /invoices/{id}.'
        : outcome.timedOut
          ? `Still running; follow it with: aws events describe-replay --replay-name ${outcome.name}`
          : 'Not every event was replayed; run a replay of the same window again (duplicates are recorded once).',
    ].join('\n'),
  );
}

/** sent, already recorded, newly recorded, not recorded: null where a count is missing. */
export function replayTotals(counts: { archived: Count; recorded: Count; recordedAfter: Count }) {
  const sent = counts.archived.count;
  const before = counts.recorded.count;
  const after = counts.recordedAfter.count;
  return {
    sent,
    alreadyRecorded: before,
    newlyRecorded: before === null || after === null ? null : Math.max(0, after - before),
    notRecorded: sent === null || after === null ? null : Math.max(0, sent - after),
  };
}

function windowJson(request: ReplayArgs) {
  return { from: new Date(request.window.fromMs).toISOString(), to: new Date(request.window.toMs).toISOString() };
}

function describeCount(count: Count, unit: string): string {
  return count.count === null
    ? `an unknown number of ${unit}s`
    : `${count.count} ${unit}${count.count === 1 ? '' : 's'}`;
}

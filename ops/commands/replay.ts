import { UsageError } from '../errors.ts';
import { EXIT_CODES } from '../exitCodes.ts';
import { stringOptions } from '../optionTable.ts';
import { parseTime } from '../parseTime.ts';
import { createProgress } from '../progressBar.ts';
import { replayName, runReplay } from '../replay/runReplay.ts';
import { parseCommandArgs, parseStage, printJson, TARGET_OPTIONS, TARGET_USAGE, withTarget } from './args.ts';
import type { Command } from './Command.ts';

const USAGE = `Usage: bems replay --from T [--to T] [--stage S] [--name N] [--cell ID] [--data-dir DIR] [--json]

Re-sends the events of a time window from the cell's bus archive through the stage rules (EventBridge
StartReplay; the local cell's archive locally), and waits until the replay is done. Use it to rebuild
the time series after data was lost. Events already recorded stay recorded once (eventId), and
replayed records are marked replayed = true.

  --from T             start of the window (inclusive): ISO 8601 such as 2026-11-28T09:00:00Z, or an age: 2h, 7d
  --to T               end of the window (exclusive; default now)
  --stage S            only this stage's rule (default: every stage)
  --name N             replay name (default: bems-<stage|all>-<time>-<nonce>)
${TARGET_USAGE}

The window is the events' time on the bus (when the cell received them). A replay can run at any
time: each replayed event gets its own FIFO deduplication id (eventId + replay name), so the 5-minute
window does not drop it, and the store's eventId idempotency keeps a recorded event at one record.
Ctrl-C cancels the replay (CancelReplay). Exit codes: 0 COMPLETED; 5 FAILED or CANCELLED; 130 interrupted;
3 cell not reachable.`;

export const command: Command = {
  name: 'replay',
  summary: 'replay a time window from the bus archive (rebuilds lost records)',
  usage: USAGE,
  async run(args, io) {
    const { values } = parseCommandArgs(args, { ...TARGET_OPTIONS, ...stringOptions('from', 'to', 'stage', 'name') });
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
    return withTarget(values, io, async (target) => {
      const progress = createProgress({
        total: 100,
        label: `Replay ${name}`,
        unit: '% of the window',
        isTTY: io.stderrIsTTY ?? false,
        json: values.json ?? false,
      });
      let outcome: Awaited<ReturnType<typeof runReplay>>;
      try {
        outcome = await runReplay({
          eventBridge: target.eventBridge,
          name,
          archiveArn: target.archive.arn,
          busArn: target.bus.arn,
          fromMs,
          toMs,
          ...(stage ? { ruleArns: [target.ruleArn(stage)] } : {}),
          description: `bems replay ${stage ?? 'all stages'} ${new Date(fromMs).toISOString()}..${new Date(toMs).toISOString()}`,
          pollMs: target.pollMs,
          ...(io.signal ? { signal: io.signal } : {}),
          onProgress: (p) => progress.update(Math.round(p.fraction * 100)),
        });
      } finally {
        progress.stop();
      }
      if (values.json) {
        printJson(io, { cell: target.cellId, stage: stage ?? null, archive: target.archive.name, ...outcome });
      } else {
        io.out(
          [
            `Replay ${outcome.name} of ${target.archive.name} (${stage ?? 'every stage'}): ${outcome.state}` +
              `${outcome.stateReason ? ` (${outcome.stateReason})` : ''}`,
            `  window:   ${outcome.from} .. ${outcome.to}`,
            `  last event replayed: ${outcome.lastReplayedTime ?? '-'}`,
            `  took ${(outcome.durationMs / 1000).toFixed(1)} s`,
            outcome.state === 'COMPLETED'
              ? 'The events are back on the bus; check the records with bems status or GET /invoices/{id}.'
              : outcome.timedOut
                ? `Still running; follow it with: aws events describe-replay --replay-name ${outcome.name}`
                : 'Not every event was replayed; run a replay of the same window again (duplicates are recorded once).',
          ].join('\n'),
        );
      }
      if (outcome.cancelled) return EXIT_CODES.interrupted;
      return outcome.state === 'COMPLETED' ? EXIT_CODES.ok : EXIT_CODES.incomplete;
    });
  },
};

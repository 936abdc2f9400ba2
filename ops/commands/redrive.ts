import { type DlqMessage, dlqRoutes, type RedriveDecision, selectRoutes } from '../../handlers/shared/dlq/index.ts';
import type { Stage } from '../../schemas/stages.ts';
import { UsageError } from '../errors.ts';
import { EXIT_CODES } from '../exitCodes.ts';
import { booleanOptions, stringOptions } from '../optionTable.ts';
import { parseTime } from '../parseTime.ts';
import { parseDlqCommandArgs, parseStage, TARGET_USAGE, withTarget } from './args.ts';
import type { Command, CommandIo } from './Command.ts';
import { reportRedrive } from './redriveReport.ts';
import { type RedriveRequest, runRedrive } from './redriveRun.ts';

/** Messages per second when `--rate` is not given: fast for a person, gentle for a consumer just back. */
export const DEFAULT_REDRIVE_RATE = 50;

const USAGE = `Usage: bems redrive <stage> [--consumer C | --inbox] [--invoice ID ...] [--since T] [--rate N]
                    [--dry-run] [--move-task] [--cell ID] [--data-dir DIR] [--json]

Moves messages from a stage's DLQs back to the queues they failed in: same FIFO message group, a
fresh deduplication id, and the message is deleted from the DLQ only after the send succeeded. An
interrupted redrive (Ctrl-C, a crash) loses nothing: run the same command again; a message sent
twice is recorded once (eventId idempotency). Manual redrives ignore the automatic redrive budget.
Also available as bems dlq redrive.

Before it starts it says how many messages the DLQs hold (--dry-run counts what the filters
select, and moves nothing); a long run shows a progress bar with count and ETA on a terminal, a
line every ten seconds otherwise; at the end: sent, already recorded (events the store had before
they were sent: the consumer will count them as duplicates), skipped, failed.

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

export const command: Command = {
  usage: USAGE,
  async run(args, io) {
    const request = parseRedrive(args, io);
    return withTarget(request.values, io, async (target) => {
      if (request.moveTask && !target.supportsMoveTask) {
        throw new UsageError('--move-task needs SQS StartMessageMoveTask, which only AWS has; leave it out locally');
      }
      const routes = selectRoutes(dlqRoutes(target.topology), {
        stage: request.stage,
        ...(request.values.consumer !== undefined ? { consumer: request.values.consumer } : {}),
        ...(request.values.inbox ? { inbox: true } : {}),
      });
      if (routes.length === 0)
        throw new UsageError(`stage ${request.stage} has no consumer "${request.values.consumer}"`);
      const run = await runRedrive(target, routes, request, io);
      reportRedrive(io, target, request, run);
      if (run.interrupted) return EXIT_CODES.interrupted;
      return run.totals.failed || run.totals.deleteFailed ? EXIT_CODES.incomplete : EXIT_CODES.ok;
    });
  },
};

/** The flags, checked: every usage error before any call to the cell. */
function parseRedrive(args: readonly string[], io: CommandIo): RedriveRequest & { values: RedriveValues } {
  const { values, positionals } = parseDlqCommandArgs(args, {
    ...stringOptions('since', 'rate'),
    ...booleanOptions('dry-run', 'move-task'),
  });
  if (positionals.length !== 1) throw new UsageError('name exactly one stage, e.g. bems redrive posting');
  const stage: Stage = parseStage('<stage>', positionals[0])!;
  if (values.consumer !== undefined && values.inbox) throw new UsageError('--consumer and --inbox exclude each other');
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
  const select = (message: DlqMessage): RedriveDecision => {
    if (invoices.size > 0 && (message.invoiceId === undefined || !invoices.has(message.invoiceId))) return 'skip';
    if (sinceMs !== undefined && (message.firstFailedAtMs ?? message.sentAtMs ?? 0) < sinceMs) return 'skip';
    return 'redrive';
  };
  return { values, stage, rate, dryRun, moveTask, select, json: values.json ?? false };
}

type RedriveValues = {
  cell?: string | undefined;
  'data-dir'?: string | undefined;
  consumer?: string | undefined;
  inbox?: boolean | undefined;
  json?: boolean | undefined;
};

import { formatAge, totalMessages } from '../../handlers/monitor/index.ts';
import { type DlqMessage, dlqRoutes, peekDlq, routeLabel, selectRoutes } from '../../handlers/shared/dlq/index.ts';
import { UsageError } from '../errors.ts';
import { EXIT_CODES } from '../exitCodes.ts';
import { formatTable } from '../formatTable.ts';
import { readQueueLines } from '../readQueueLines.ts';
import type { CellTarget } from '../target/index.ts';
import {
  parseCommandArgs,
  parseStage,
  parseTargetCommandArgs,
  printJson,
  runSubcommand,
  TARGET_OPTIONS,
  TARGET_USAGE,
  withTarget,
} from './args.ts';
import type { Command, CommandIo } from './Command.ts';
import { discard, park } from './dlqPark.ts';
import { describeFailure, failureOf } from './parkedSelection.ts';
import { routeJson } from './routeJson.ts';

const USAGE = `Usage: bems dlq list [--stage S] [--cell ID] [--data-dir DIR] [--json]
       bems dlq peek <stage> [--consumer C | --inbox] [--limit N] [--cell ID] [--data-dir DIR] [--json]
       bems dlq park <stage> [--consumer C | --inbox] (--message ID ... | --invoice ID ... | --all) --reason TEXT
       bems dlq discard (PARKED-ID ... | --invoice ID ... | --all [--stage S [--consumer C | --inbox]]) --reason TEXT [--yes]
       bems dlq redrive <stage> …   the same as bems redrive (bems help redrive)

list     every DLQ of the cell: messages, oldest message, messages whose automatic redrive budget is
         spent, and messages parked out of it.
peek     the messages of a stage's DLQs, decoded: invoice, event, status, receive count, redrives,
         first-failure time and why it failed (error class, message, attempt: the failure record).
         Nothing is consumed: each message is received with a short visibility timeout and made
         visible again at once (each look counts as one receive on the message).
park     moves messages that will not succeed (poison messages) out of the DLQ into the cell's parked
         store, with who, when and why: an encrypted S3 prefix of the cell on AWS, <data-dir>/parked-store
         locally. Each copy is written first and the message deleted from the DLQ after; a park that is
         interrupted loses nothing and, run again, parks each message once. The DLQ's alert closes at the
         monitor's next run. On a FIFO DLQ an invoice's later messages are reached only with its earlier
         ones: park by --invoice there.
discard  deletes parked messages for good (never a DLQ message: park it first), after asking (--yes for
         scripts) and after writing an audit record (operator, time, eventIds, reason).

  --stage S            list, discard: only this stage
  --consumer C         only this consumer's DLQ (default: every DLQ of the stage)
  --inbox              only the stage inbox's DLQ
  --limit N            peek: at most N messages per DLQ (default 10, at most 1000)
  --message ID         park: this message (SQS message id or eventId; repeatable)
  --invoice ID         park, discard: the messages of this invoice (repeatable)
  --all                park: every message of the selected DLQs; discard: every parked message selected
  --reason TEXT        park, discard: why (kept with the messages and in the audit record)
  --yes                discard: do not ask
${TARGET_USAGE}

Who: $BEMS_OPERATOR, else the AWS caller's ARN, else the local user.
Exit codes: list: 0 every DLQ empty, 4 messages waiting; peek, park, discard: 0; park: 5 some message not
parked; discard: 5 not confirmed; 130 interrupted; 3 cell not reachable.`;

export const command: Command = {
  usage: USAGE,
  run: (args, io) =>
    runSubcommand(args, io, {
      list,
      peek,
      park,
      discard,
      // The same command as `bems redrive` (its usage: bems help redrive), where operators look for it.
      redrive: async (rest, subIo) => (await import('./redrive.ts')).command.run(rest, subIo),
    }),
};

async function list(args: readonly string[], io: CommandIo): Promise<number> {
  const { values } = parseTargetCommandArgs(args, { stage: { type: 'string' } });
  const stage = parseStage('--stage', values.stage);
  return withTarget(values, io, async (target) => {
    const routes = selectRoutes(dlqRoutes(target.topology), stage ? { stage } : {});
    const { lines, problems } = await readQueueLines(target, routes, (io.now ?? Date.now)());
    const budgetSpent = await budgetSpentByDlq(target);
    const parked = await parkedCounts(target);
    const rows = lines.map((line) => ({
      stage: line.stage,
      ...(line.consumer !== undefined ? { consumer: line.consumer } : {}),
      dlq: line.dlq,
      messages: line.dlqStats ? totalMessages(line.dlqStats) : null,
      oldestAgeSeconds: line.dlqStats?.oldestAgeSeconds ?? null,
      budgetSpent: budgetSpent.get(line.dlq) ?? 0,
      parked: parked?.get(line.dlq) ?? null,
    }));
    const waiting = rows.reduce((sum, row) => sum + (row.messages ?? 0), 0);
    if (values.json) {
      printJson(io, { cell: target.cellId, dlqs: rows, total: waiting, problems });
    } else {
      io.out(
        formatTable(
          ['stage/consumer', 'DLQ', 'messages', 'oldest', 'budget spent', 'parked'],
          rows.map((row) => [
            routeLabel(row),
            row.dlq,
            row.messages === null ? '?' : String(row.messages),
            row.oldestAgeSeconds === null ? '-' : formatAge(row.oldestAgeSeconds),
            String(row.budgetSpent),
            row.parked === null ? '?' : String(row.parked),
          ]),
          { align: ['left', 'left', 'right', 'right', 'right', 'right'] },
        ),
      );
      for (const problem of problems) io.err(`warning: ${problem}`);
      io.out(
        waiting === 0
          ? '\nEvery DLQ is empty.'
          : `\n${waiting} message(s) waiting. Inspect: bems dlq peek <stage>; recover: bems redrive <stage>; ` +
              'a message that will never succeed: bems dlq park <stage> --invoice ID --reason "…".',
      );
    }
    return waiting > 0 ? EXIT_CODES.attention : EXIT_CODES.ok;
  });
}

async function peek(args: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { ...TARGET_OPTIONS, consumer: { type: 'string' }, inbox: { type: 'boolean' }, limit: { type: 'string' } },
    true,
  );
  if (positionals.length !== 1) throw new UsageError('name exactly one stage, e.g. bems dlq peek posting');
  const stage = parseStage('<stage>', positionals[0])!;
  if (values.consumer !== undefined && values.inbox) throw new UsageError('--consumer and --inbox exclude each other');
  const limit = values.limit === undefined ? 10 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new UsageError('--limit: a whole number from 1 to 1000');
  return withTarget(values, io, async (target) => {
    const routes = selectRoutes(dlqRoutes(target.topology), {
      stage,
      ...(values.consumer !== undefined ? { consumer: values.consumer } : {}),
      ...(values.inbox ? { inbox: true } : {}),
    });
    if (routes.length === 0) throw new UsageError(`stage ${stage} has no consumer "${values.consumer}"`);
    const { lines } = await readQueueLines(target, routes, (io.now ?? Date.now)());
    const results = [];
    for (const route of routes) {
      const stats = lines.find((l) => l.dlq === route.dlq.name)?.dlqStats;
      const messages =
        stats && totalMessages(stats) === 0
          ? []
          : await peekDlq({
              sqs: target.sqs,
              route,
              limit,
              waitTimeSeconds: target.waitTimeSeconds,
              ...(io.signal ? { signal: io.signal } : {}),
            });
      const failures = await Promise.all(messages.map((m) => failureOf(target, route, m)));
      results.push({ route, total: stats ? totalMessages(stats) : null, messages, failures });
    }
    if (values.json) {
      printJson(io, {
        cell: target.cellId,
        dlqs: results.map((r) => ({
          ...routeJson(r.route),
          messages: r.total,
          shown: r.messages.map((m, i) => ({ ...toJson(m, target), failure: r.failures[i] ?? null })),
        })),
      });
      return EXIT_CODES.ok;
    }
    for (const r of results) {
      const header = `${routeLabel(r.route)} — ${r.route.dlq.name}: ${r.total ?? '?'} message(s)`;
      if (r.messages.length === 0) {
        io.out(`${header}\n  (empty)\n`);
        continue;
      }
      io.out(`${header}, showing ${r.messages.length}`);
      io.out(
        formatTable(
          ['invoice', 'event', 'status', 'receives', 'redrives', 'first failure', 'why', 'note'],
          r.messages.map((m, i) => [
            m.invoiceId ?? '?',
            m.eventId ?? '?',
            m.status ?? '?',
            String(m.receiveCount),
            String(m.redriveCount),
            m.firstFailedAtMs ? new Date(m.firstFailedAtMs).toISOString() : '?',
            describeFailure(r.failures[i], 80),
            noteOf(m, target),
          ]),
          { align: ['left', 'left', 'left', 'right', 'right', 'left', 'left', 'left'] },
        ),
      );
      io.out('');
    }
    return EXIT_CODES.ok;
  });
}

function isBudgetSpent(message: DlqMessage, target: CellTarget): boolean {
  return target.redrive.automatic && message.redriveCount >= target.redrive.budgetPerMessage;
}

function noteOf(message: DlqMessage, target: CellTarget): string {
  if (message.decodeError) return `unreadable: ${message.decodeError}`;
  return isBudgetSpent(message, target) ? 'automatic redrive budget spent' : '';
}

function toJson(message: DlqMessage, target: CellTarget) {
  let event: unknown;
  try {
    event = JSON.parse(message.body);
  } catch {
    event = undefined;
  }
  const { receiptHandle: _handle, messageAttributes, body, ...rest } = message;
  return {
    ...rest,
    firstFailedAt: message.firstFailedAtMs ? new Date(message.firstFailedAtMs).toISOString() : null,
    budgetSpent: isBudgetSpent(message, target),
    attributes: Object.fromEntries(Object.entries(messageAttributes).map(([k, v]) => [k, v.StringValue ?? null])),
    ...(event === undefined ? { body } : { event }),
  };
}

/** Messages of each DLQ in the parked store; null when the store cannot be read. */
async function parkedCounts(target: CellTarget): Promise<Map<string, number> | null> {
  try {
    const counts = new Map<string, number>();
    for (const message of await target.parkedStore.list()) counts.set(message.dlq, (counts.get(message.dlq) ?? 0) + 1);
    return counts;
  } catch {
    return null;
  }
}

/** The monitor's count of messages whose automatic redrive budget is spent (they stay in the DLQ). */
async function budgetSpentByDlq(target: CellTarget): Promise<Map<string, number>> {
  if (!target.monitorState) return new Map();
  try {
    const { state } = await target.monitorState.load();
    return new Map(Object.entries(state.parked).map(([dlq, p]) => [dlq, p.count]));
  } catch {
    return new Map();
  }
}

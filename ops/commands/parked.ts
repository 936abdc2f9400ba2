import { dlqRoutes, restoreParked } from '../../handlers/shared/dlq/index.ts';
import type { ParkedMessage } from '../../schemas/parkedMessage.ts';
import { UsageError } from '../errors.ts';
import { EXIT_CODES } from '../exitCodes.ts';
import { formatTable } from '../formatTable.ts';
import { booleanOptions, stringOptions } from '../optionTable.ts';
import {
  parseDlqCommandArgs,
  parseStage,
  parseTargetCommandArgs,
  printJson,
  printRows,
  TARGET_USAGE,
  withTarget,
} from './args.ts';
import type { Command, CommandIo } from './Command.ts';
import { requireReason } from './dlqPark.ts';
import { assertOneSelector, describeFailure, type ParkedSelector, selectParked } from './parkedSelection.ts';

const USAGE = `Usage: bems parked list [<stage>] [--consumer C | --inbox] [--invoice ID ...] [--cell ID] [--data-dir DIR] [--json]
       bems parked show (PARKED-ID ... | --invoice ID ...) [--cell ID] [--data-dir DIR] [--json]
       bems parked restore (PARKED-ID ... | --invoice ID ... | <stage> --all) --reason TEXT [--cell ID] [--data-dir DIR] [--json]
       bems parked audit [--cell ID] [--data-dir DIR] [--json]

The parked store holds the messages operators moved out of a DLQ with bems dlq park (an encrypted S3
prefix of the cell on AWS, <data-dir>/parked-store locally), with who parked them, when and why, and
why they failed (the failure record: error class, message, attempt).

list     the parked messages: id, invoice, event, parked when, by whom, why, and why it failed.
show     everything about parked messages: the failure, the message attributes and the event.
restore  puts parked messages back on the DLQ they came from, as they were (body, attributes, FIFO
         group; a deduplication id of the restore), and removes them from the store. The DLQ, not the
         source queue: back in the DLQ a message is visible to dlq peek and to the monitor again, and
         bems redrive moves it on once the fault is fixed, with its rate limit, its dry run and FIFO
         order kept. Restore, then: bems redrive <stage> --consumer C --invoice ID.
audit    every park, restore and discard: operator, time, reason, eventIds.

  --consumer C         list: only this consumer's parked messages
  --inbox              list: only the stage inbox's
  --invoice ID         the parked messages of this invoice (repeatable)
  --all                restore: every parked message of <stage>
  --reason TEXT        restore: why (kept in the audit record)
${TARGET_USAGE}

Exit codes: 0 done; 5 some message could not be restored; 2 an id that is not parked; 3 cell not reachable.`;

export const command: Command = {
  usage: USAGE,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === 'list') return list(rest, io);
    if (sub === 'show') return show(rest, io);
    if (sub === 'restore') return restore(rest, io);
    if (sub === 'audit') return audit(rest, io);
    throw new UsageError(
      sub === undefined ? 'name a sub-command: list, show, restore or audit' : `unknown sub-command "${sub}"`,
    );
  },
};

async function list(args: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseDlqCommandArgs(args, {});
  if (positionals.length > 1) throw new UsageError('name at most one stage');
  const stage = parseStage('<stage>', positionals[0]);
  if ((values.consumer !== undefined || values.inbox) && !stage)
    throw new UsageError('--consumer and --inbox need a stage');
  const selector: ParkedSelector = {
    ids: [],
    invoices: values.invoice ?? [],
    all: true,
    ...(stage ? { stage } : {}),
    ...(values.consumer !== undefined ? { consumer: values.consumer } : {}),
    ...(values.inbox ? { inbox: true } : {}),
  };
  return withTarget(values, io, async (target) => {
    const messages = await selectParked(target, selector);
    if (values.json) {
      printJson(io, { cell: target.cellId, store: target.parkedStore.location, parked: messages.map(withoutBody) });
      return EXIT_CODES.ok;
    }
    if (messages.length === 0) {
      io.out(`No parked messages in ${target.parkedStore.location}.`);
      return EXIT_CODES.ok;
    }
    io.out(
      formatTable(
        ['id', 'invoice', 'event', 'parked at', 'by', 'reason', 'why it failed'],
        messages.map((m) => [
          m.id,
          m.invoiceId ?? '?',
          m.eventId ?? '?',
          m.parkedAt,
          m.parkedBy,
          clip(m.reason, 40),
          describeFailure(m.failure, 60),
        ]),
      ),
    );
    io.out(
      `\n${messages.length} parked message(s). Details: bems parked show <id>; back to the DLQ: bems parked restore <id>.`,
    );
    return EXIT_CODES.ok;
  });
}

async function show(args: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseDlqCommandArgs(args, {});
  const selector = { ids: positionals, invoices: values.invoice ?? [], all: false };
  assertOneSelector(selector, 'parked messages to show');
  return withTarget(values, io, async (target) => {
    const messages = await selectParked(target, selector);
    if (values.json) {
      printJson(io, { cell: target.cellId, parked: messages.map((m) => ({ ...m, event: parseBody(m.message.body) })) });
      return EXIT_CODES.ok;
    }
    if (messages.length === 0) io.out('No parked message matches.');
    for (const m of messages) io.out(describeParked(m));
    return EXIT_CODES.ok;
  });
}

async function restore(args: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseDlqCommandArgs(args, { ...stringOptions('reason'), ...booleanOptions('all') });
  const stage = values.all ? parseStage('<stage>', positionals[0]) : undefined;
  if (values.all && (!stage || positionals.length !== 1))
    throw new UsageError('--all restores one stage: bems parked restore <stage> --all');
  const selector: ParkedSelector = {
    ids: values.all ? [] : positionals,
    invoices: values.invoice ?? [],
    all: values.all ?? false,
    ...(stage ? { stage } : {}),
    ...(values.consumer !== undefined ? { consumer: values.consumer } : {}),
    ...(values.inbox ? { inbox: true } : {}),
  };
  assertOneSelector(selector, 'parked messages to restore');
  const reason = requireReason(values.reason);
  return withTarget(values, io, async (target) => {
    const messages = await selectParked(target, selector);
    const result = await restoreParked(target.sqs, dlqRoutes(target.topology), messages, {
      store: target.parkedStore,
      cellId: target.cellId,
      operator: await target.operator(),
      reason,
    });
    if (values.json) {
      printJson(io, {
        cell: target.cellId,
        restored: result.restored.map((m) => ({ id: m.id, dlq: m.dlq, invoiceId: m.invoiceId, eventId: m.eventId })),
        failed: result.failed,
        audit: result.audit ?? null,
      });
    } else {
      for (const m of result.restored) io.out(`restored to ${m.dlq}: ${m.id} (invoice ${m.invoiceId ?? '?'})`);
      for (const f of result.failed) io.out(`not restored: ${f.id}: ${f.error}`);
      if (result.restored.length === 0 && result.failed.length === 0)
        io.out('No parked message matches: nothing restored.');
      for (const hint of redriveHints(result.restored)) io.out(`Next, once the fault is fixed: ${hint}`);
    }
    return result.failed.length > 0 ? EXIT_CODES.incomplete : EXIT_CODES.ok;
  });
}

async function audit(args: readonly string[], io: CommandIo): Promise<number> {
  const { values } = parseTargetCommandArgs(args, {});
  return withTarget(values, io, async (target) => {
    const records = await target.parkedStore.auditTrail();
    return printRows(io, values.json, {
      document: { cell: target.cellId, audit: records },
      empty: 'No park, restore or discard yet.',
      header: ['at', 'action', 'operator', 'messages', 'reason', 'events'],
      rows: records.map((r) => [
        r.at,
        r.action,
        r.operator,
        String(r.parkedIds.length),
        clip(r.reason, 50),
        clip(r.eventIds.join(','), 60),
      ]),
    });
  });
}

/** One `bems redrive` line per queue the messages went back to. */
function redriveHints(messages: readonly ParkedMessage[]): string[] {
  const byQueue = new Map<string, { stage: string; consumer?: string; invoices: Set<string> }>();
  for (const m of messages) {
    const entry = byQueue.get(m.dlq) ?? {
      stage: m.stage,
      ...(m.consumer ? { consumer: m.consumer } : {}),
      invoices: new Set(),
    };
    if (m.invoiceId) entry.invoices.add(m.invoiceId);
    byQueue.set(m.dlq, entry);
  }
  return [...byQueue.values()].map(
    (q) =>
      `bems redrive ${q.stage} ${q.consumer ? `--consumer ${q.consumer}` : '--inbox'}` +
      [...q.invoices].map((id) => ` --invoice ${id}`).join(''),
  );
}

function describeParked(m: ParkedMessage): string {
  const f = m.failure;
  return [
    `${m.id}`,
    `  invoice:        ${m.invoiceId ?? '?'}`,
    `  event:          ${m.eventId ?? '?'}`,
    `  from:           ${m.dlq} (source ${m.source})`,
    `  parked:         ${m.parkedAt} by ${m.parkedBy}`,
    `  reason:         ${m.reason}`,
    f
      ? `  failed:         ${f.errorClass} (${f.kind}, attempt ${f.attempt}, first ${f.firstFailedAt}, last ${f.lastFailedAt})\n` +
        `  error:          ${f.errorMessage}`
      : '  failed:         (no failure record: it failed before failure records existed, or its record was not written)',
    `  receives:       ${m.message.receiveCount}, redrives ${m.message.redriveCount}` +
      `${m.message.groupId ? `, FIFO group ${m.message.groupId}` : ''}`,
    `  attributes:     ${Object.entries(m.message.attributes)
      .map(([k, v]) => `${k}=${v.StringValue ?? '(binary)'}`)
      .join(' ')}`,
    `  body:           ${clip(m.message.body, 400)}`,
    '',
  ].join('\n');
}

function withoutBody(m: ParkedMessage) {
  const { message, ...rest } = m;
  const { body: _body, ...meta } = message;
  return { ...rest, message: meta };
}

function parseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

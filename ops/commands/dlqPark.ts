import {
  auditRecordOf,
  type DlqMessage,
  discardParked,
  dlqRoutes,
  type ParkResult,
  parkDlq,
  queueDepth,
  routeLabel,
  selectRoutes,
} from '../../handlers/shared/dlq/index.ts';
import type { ParkedMessage } from '../../schemas/parkedMessage.ts';
import { confirmOnTerminal } from '../confirm.ts';
import { UsageError } from '../errors.ts';
import { EXIT_CODES } from '../exitCodes.ts';
import { booleanOptions, stringOptions } from '../optionTable.ts';
import { createProgress } from '../progressBar.ts';
import { parseDlqCommandArgs, parseStage, printJson, withTarget } from './args.ts';
import type { CommandIo } from './Command.ts';
import { assertOneSelector, selectParked } from './parkedSelection.ts';
import { routeJson } from './routeJson.ts';

/** `bems dlq park`: moves DLQ messages into the parked store (copy first, delete after). */
export async function park(args: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseDlqCommandArgs(args, {
    message: { type: 'string', multiple: true },
    ...stringOptions('reason'),
    ...booleanOptions('all'),
  });
  if (positionals.length !== 1) throw new UsageError('name exactly one stage, e.g. bems dlq park posting --all');
  const stage = parseStage('<stage>', positionals[0])!;
  const messages = new Set(values.message ?? []);
  const invoices = new Set(values.invoice ?? []);
  assertOneSelector(
    { ids: [...messages], invoices: [...invoices], all: values.all ?? false, stage, ...consumerFlags(values) },
    'messages to park',
  );
  const reason = requireReason(values.reason);
  const select = (m: DlqMessage) =>
    values.all === true ||
    messages.has(m.messageId) ||
    (m.eventId !== undefined && messages.has(m.eventId)) ||
    (m.invoiceId !== undefined && invoices.has(m.invoiceId));
  return withTarget(values, io, async (target) => {
    const routes = selectRoutes(dlqRoutes(target.topology), { stage, ...consumerFlags(values) });
    if (routes.length === 0) throw new UsageError(`stage ${stage} has no consumer "${values.consumer}"`);
    const operator = await target.operator();
    const depths = await Promise.all(routes.map((r) => queueDepth(target.sqs, r.dlq.url)));
    const progress = createProgress({
      total: depths.reduce((sum, d) => sum + d.visible + d.inFlight, 0),
      label: 'Parking',
      unit: 'messages looked at',
      isTTY: io.stderrIsTTY ?? false,
      json: values.json ?? false,
    });
    const results: ParkResult[] = [];
    let before = 0;
    try {
      for (const route of routes) {
        if (io.signal?.aborted) break;
        const result = await parkDlq({
          sqs: target.sqs,
          route,
          store: target.parkedStore,
          cellId: target.cellId,
          operator,
          reason,
          select,
          ...(target.failures ? { failures: target.failures } : {}),
          waitTimeSeconds: target.waitTimeSeconds,
          ...(io.signal ? { signal: io.signal } : {}),
          onProgress: (p) => progress.update(before + p.scanned),
        });
        before += result.scan.scanned;
        results.push(result);
      }
    } finally {
      progress.stop();
    }
    const parked = results.flatMap((r) => r.parked);
    const stuck = results.flatMap((r) => r.notDeleted);
    const failed = results.flatMap((r) => r.scan.failed);
    if (parked.length + stuck.length > 0) {
      await target.parkedStore.audit(
        auditRecordOf('park', [...parked, ...stuck], { cellId: target.cellId, operator, reason }),
      );
    }
    report(io, values.json ?? false, { cell: target.cellId, store: target.parkedStore.location, results });
    if (io.signal?.aborted) return EXIT_CODES.interrupted;
    return failed.length > 0 || stuck.length > 0 ? EXIT_CODES.incomplete : EXIT_CODES.ok;
  });
}

function report(
  io: CommandIo,
  json: boolean,
  run: { readonly cell: string; readonly store: string; readonly results: readonly ParkResult[] },
): void {
  if (json) {
    printJson(io, {
      cell: run.cell,
      store: run.store,
      routes: run.results.map((r) => ({
        ...routeJson(r.route),
        scanned: r.scan.scanned,
        parked: r.parked.map(summary),
        notDeleted: r.notDeleted.map(summary),
        failed: r.scan.failed,
      })),
    });
    return;
  }
  for (const r of run.results) {
    io.out(`${routeLabel(r.route)}: ${r.route.dlq.name} → parked store ${run.store}`);
    io.out(`  ${r.parked.length} parked (looked at ${r.scan.scanned})`);
    for (const m of r.parked.slice(0, 20))
      io.out(`  parked: ${m.id}  invoice ${m.invoiceId ?? '?'}  event ${m.eventId ?? '?'}`);
    for (const m of r.notDeleted) io.out(`  copied but still in the DLQ (run the same command again): ${m.id}`);
    for (const f of r.scan.failed)
      io.out(`  not parked: ${f.invoiceId ?? '?'} ${f.eventId ?? f.messageId}: ${f.error}`);
  }
  const total = run.results.reduce((sum, r) => sum + r.parked.length, 0);
  io.out(
    total === 0
      ? '\nNothing matched: no message was parked.'
      : `\n${total} message(s) parked. See them: bems parked list; put them back: bems parked restore; delete them: bems dlq discard.`,
  );
}

/** `bems dlq discard`: deletes parked messages for good, after an audit record, once confirmed. */
export async function discard(args: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseDlqCommandArgs(args, {
    ...stringOptions('stage', 'reason'),
    ...booleanOptions('all', 'yes'),
  });
  const stage = parseStage('--stage', values.stage);
  const selector = {
    ids: positionals,
    invoices: values.invoice ?? [],
    all: values.all ?? false,
    ...(stage ? { stage } : {}),
    ...consumerFlags(values),
  };
  assertOneSelector(selector, 'parked messages to discard');
  const reason = requireReason(values.reason);
  return withTarget(values, io, async (target) => {
    const messages = await selectParked(target, selector);
    if (messages.length === 0) {
      io.out('No parked message matches: nothing discarded.');
      return EXIT_CODES.ok;
    }
    const confirm = io.confirm ?? confirmOnTerminal;
    if (!values.yes) {
      io.err(messages.map((m) => `  ${m.id}  invoice ${m.invoiceId ?? '?'}  event ${m.eventId ?? '?'}`).join('\n'));
      if (!(await confirm(`Discard these ${messages.length} parked message(s) of cell ${target.cellId} for good?`))) {
        io.out('Not confirmed: nothing discarded.');
        return EXIT_CODES.incomplete;
      }
    }
    const audit = await discardParked(messages, {
      store: target.parkedStore,
      cellId: target.cellId,
      operator: await target.operator(),
      reason,
    });
    if (values.json) printJson(io, { cell: target.cellId, discarded: messages.map(summary), audit });
    else io.out(`${messages.length} parked message(s) discarded; audit record ${audit.id} (bems parked audit).`);
    return EXIT_CODES.ok;
  });
}

export function requireReason(reason: string | undefined): string {
  if (reason === undefined || reason.trim() === '') {
    throw new UsageError('--reason "…" is required: say why, for the audit trail');
  }
  return reason.trim();
}

function consumerFlags(values: { consumer?: string | undefined; inbox?: boolean | undefined }) {
  return {
    ...(values.consumer !== undefined ? { consumer: values.consumer } : {}),
    ...(values.inbox ? { inbox: true } : {}),
  };
}

function summary(m: ParkedMessage) {
  return {
    id: m.id,
    ...(m.invoiceId !== undefined ? { invoiceId: m.invoiceId } : {}),
    ...(m.eventId !== undefined ? { eventId: m.eventId } : {}),
  };
}

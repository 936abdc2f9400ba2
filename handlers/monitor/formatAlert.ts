import type { Condition } from './Condition.ts';
import type { AlertTransition } from './evaluateAlerts.ts';

/** What an operator reads: where, how much, since when, and the exact commands that help. */
export interface AlertMessage {
  /** SNS e-mail subject: ASCII, one line, at most 100 characters. */
  readonly subject: string;
  readonly text: string;
  /** The command that recovers the condition, when one does. */
  readonly recoverCommand?: string;
  readonly inspectCommand: string;
  /** Section of docs/OPERATIONS.md. */
  readonly runbook: string;
}

const RUNBOOK = 'docs/OPERATIONS.md';
/** How an operator runs the CLI from a clone of the repository (package.json `bin`; no `npm link` needed). */
export const BEMS_CLI = 'npx bems';

/** `bems` commands for a condition. `--cell` is always given, so the line can be pasted as is. */
export function commandsFor(condition: Condition, cellId: string): { recover?: string; inspect: string } {
  const cell = `--cell ${cellId}`;
  const queue = condition.stage
    ? `${condition.stage} ${condition.consumer !== undefined ? `--consumer ${condition.consumer}` : '--inbox'}`
    : '';
  switch (condition.kind) {
    case 'dlq':
      return { recover: `${BEMS_CLI} redrive ${queue} ${cell}`, inspect: `${BEMS_CLI} dlq peek ${queue} ${cell}` };
    case 'parked':
      // The budget is spent: a person fixes the cause first, then redrives by hand (no budget applies).
      return { recover: `${BEMS_CLI} redrive ${queue} ${cell}`, inspect: `${BEMS_CLI} dlq peek ${queue} ${cell}` };
    case 'backlog':
      return { inspect: `${BEMS_CLI} status ${cell}` };
    case 'sla':
      return { inspect: `${BEMS_CLI} status --stage ${condition.stage} ${cell}` };
    case 'monitor':
      return { inspect: `${BEMS_CLI} status ${cell}` };
  }
}

export function runbookAnchor(condition: Pick<Condition, 'kind'>): string {
  const anchors = {
    dlq: 'alert-dlq-messages',
    parked: 'alert-parked-messages',
    backlog: 'alert-queue-backlog',
    sla: 'alert-sla-breach',
    monitor: 'alert-monitor-check-failed',
  } as const;
  return `${RUNBOOK}#${anchors[condition.kind]}`;
}

/** One line saying what is wrong, e.g. "300 messages in the DLQ of posting/recorder". */
export function describeCondition(condition: Condition): string {
  const where = condition.stage ? `${condition.stage}/${condition.consumer ?? 'inbox'}` : 'the monitor';
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  switch (condition.kind) {
    case 'dlq':
      return `${plural(condition.count, 'message')} in the DLQ of ${where}`;
    case 'parked':
      return `${plural(condition.count, 'message')} parked in the DLQ of ${where} (automatic redrive budget spent)`;
    case 'backlog':
      return `${where} queue backlog: oldest message ${formatAge(condition.oldestAgeSeconds)} old`;
    case 'sla':
      return `${plural(condition.count, 'invoice')} stuck in ${condition.stage} past the SLA`;
    case 'monitor':
      return `monitor check failed: ${condition.key.slice('monitor:'.length)}`;
  }
}

export function formatAlert(transition: AlertTransition, cellId: string): AlertMessage {
  const { condition } = transition;
  const commands = commandsFor(condition, cellId);
  const runbook = runbookAnchor(condition);
  const state = transition.transition.toUpperCase();
  const summary = describeCondition(condition);
  const subject = toSubject(`[BEMS ${transition.severity}] ${state} ${cellId}: ${summary}`);
  const lines = [
    `${state} (${transition.severity}) in cell ${cellId}: ${summary}.`,
    '',
    `Cell:      ${cellId}`,
    ...(condition.stage ? [`Stage:     ${condition.stage}`] : []),
    ...(condition.stage ? [`Consumer:  ${condition.consumer ?? '(stage inbox)'}`] : []),
    ...(condition.queue ? [`Queue:     ${condition.queue}`] : []),
    `Count:     ${condition.count}`,
    `Oldest:    ${formatAge(condition.oldestAgeSeconds)}`,
    `Since:     ${new Date(transition.sinceMs).toISOString()}`,
    ...(transition.previous && transition.transition === 'escalated'
      ? [`Was:       ${transition.previous.notifiedSeverity}, ${transition.previous.count} at the last notification`]
      : []),
    ...(condition.sampleInvoiceIds?.length ? [`Invoices:  ${condition.sampleInvoiceIds.join(', ')}`] : []),
    ...(condition.detail ? [`Note:      ${condition.detail}`] : []),
    '',
    ...(transition.transition === 'resolved'
      ? [
          transition.note ? `Closed:    ${transition.note}` : 'The condition has cleared; nothing to do.',
          `Check:     ${commands.inspect}`,
        ]
      : [
          ...(commands.recover ? [`Recover:   ${commands.recover}`] : []),
          `Inspect:   ${commands.inspect}`,
          `Runbook:   ${runbook}`,
        ]),
  ];
  return {
    subject,
    text: lines.join('\n'),
    ...(commands.recover ? { recoverCommand: commands.recover } : {}),
    inspectCommand: commands.inspect,
    runbook,
  };
}

/** `95` → `1m 35s`; `null` → `unknown`. */
export function formatAge(seconds: number | null): string {
  if (seconds === null) return 'unknown';
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86_400)}d ${Math.floor((seconds % 86_400) / 3600)}h`;
}

/** SNS subjects must be ASCII without control characters and at most 100 characters. */
function toSubject(text: string): string {
  const ascii = text.replace(/[^\x20-\x7e]/g, '?');
  return ascii.length <= 100 ? ascii : `${ascii.slice(0, 97)}...`;
}

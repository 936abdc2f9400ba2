import {
  commandsFor,
  describeCondition,
  formatAge,
  MONITOR_DEFAULTS,
  type OpenAlert,
  type QueueStats,
  type StuckInvoices,
  totalMessages,
} from '../../handlers/monitor/index.ts';
import { dlqRoutes, routeLabel, selectRoutes } from '../../handlers/shared/dlq/index.ts';
import type { Stage } from '../../schemas/stages.ts';
import { EXIT_CODES } from '../exitCodes.ts';
import { formatTable } from '../formatTable.ts';
import { type QueueLine, readQueueLines } from '../readQueueLines.ts';
import type { CellTarget, ComponentStatus } from '../target/index.ts';
import { parseCommandArgs, parseStage, printJson, TARGET_OPTIONS, TARGET_USAGE, withTarget } from './args.ts';
import type { Command } from './Command.ts';

const USAGE = `Usage: bems status [--stage S] [--cell ID] [--data-dir DIR] [--json]

The cell at a glance: its components, every queue and DLQ (depth and oldest message), invoices past
their stage SLA, and the stuck-event monitor's open alerts.

  --stage S            only this stage's queues and SLA
${TARGET_USAGE}

Exit codes: 0 all clear; 4 messages in a DLQ, invoices past their SLA or alerts open; 3 cell not reachable.`;

export const command: Command = {
  name: 'status',
  summary: "the cell's components, queues, DLQs, SLA breaches and open alerts",
  usage: USAGE,
  async run(args, io) {
    const { values } = parseCommandArgs(args, { ...TARGET_OPTIONS, stage: { type: 'string' } });
    const stage = parseStage('--stage', values.stage);
    const nowMs = (io.now ?? Date.now)();
    return withTarget(values, io, async (target) => {
      const routes = selectRoutes(dlqRoutes(target.topology), stage ? { stage } : {});
      const [components, queues, sla, alerts] = await Promise.all([
        target.components(),
        readQueueLines(target, routes, nowMs),
        readSla(target, stage, nowMs),
        readAlerts(target, stage),
      ]);
      const dlqMessages = queues.lines.reduce((sum, q) => sum + (q.dlqStats ? totalMessages(q.dlqStats) : 0), 0);
      const stuck = sla.stages.reduce((sum, s) => sum + s.count, 0);
      const attention = dlqMessages > 0 || stuck > 0 || alerts.open.length > 0;
      if (values.json) {
        printJson(io, {
          cell: target.cellId,
          kind: target.kind,
          description: target.description,
          components,
          queues: queues.lines,
          sla,
          openAlerts: alerts.open.map(([key, alert]) => ({ key, ...alert })),
          problems: [...queues.problems, ...alerts.problems],
          attention,
        });
      } else {
        io.out(render(target, components, queues.lines, sla, alerts.open, [...queues.problems, ...alerts.problems]));
        io.out(
          attention
            ? `\nAttention: ${dlqMessages} message(s) in DLQs, ${stuck} invoice(s) past SLA, ${alerts.open.length} open alert(s).`
            : '\nAll clear: DLQs empty, no invoice past its SLA, no open alert.',
        );
      }
      return attention ? EXIT_CODES.attention : EXIT_CODES.ok;
    });
  },
};

interface SlaReport {
  readonly available: boolean;
  readonly reason?: string;
  readonly stages: readonly (StuckInvoices & { readonly slaSeconds: number })[];
}

async function readSla(target: CellTarget, stage: Stage | undefined, nowMs: number): Promise<SlaReport> {
  if (!target.stuckInvoices)
    return { available: false, reason: target.stuckInvoicesUnavailableReason ?? 'not available', stages: [] };
  // Every stage goes into the query (the latest event of an invoice may be in any); the output is filtered.
  const stages = target.topology.stages.map((s) => ({
    stage: s.stage,
    slaSeconds: s.slaSeconds,
    primaryConsumer: s.consumers[0]!.consumer,
  }));
  try {
    const found = await target.stuckInvoices.stuckInvoices(stages, {
      nowMs,
      lookbackHours: MONITOR_DEFAULTS.sla.lookbackHours,
      sampleSize: MONITOR_DEFAULTS.sampleSize,
    });
    return {
      available: true,
      stages: found
        .filter((s) => stage === undefined || s.stage === stage)
        .map((s) => ({ ...s, slaSeconds: stages.find((x) => x.stage === s.stage)!.slaSeconds })),
    };
  } catch (error) {
    return { available: false, reason: `SLA query failed: ${(error as Error).message}`, stages: [] };
  }
}

async function readAlerts(
  target: CellTarget,
  stage: Stage | undefined,
): Promise<{ open: [string, OpenAlert][]; problems: string[] }> {
  if (!target.monitorState) return { open: [], problems: [] };
  try {
    const { state, problem } = await target.monitorState.load();
    const open = Object.entries(state.alerts).filter(([, alert]) => stage === undefined || alert.stage === stage);
    return { open, problems: problem ? [problem] : [] };
  } catch (error) {
    return {
      open: [],
      problems: [`monitor state ${target.monitorState.location} unreadable: ${(error as Error).message}`],
    };
  }
}

function render(
  target: CellTarget,
  components: readonly ComponentStatus[],
  queues: readonly QueueLine[],
  sla: SlaReport,
  alerts: readonly [string, OpenAlert][],
  problems: readonly string[],
): string {
  const count = (stats: QueueStats | null, pick: (s: QueueStats) => number) => (stats ? String(pick(stats)) : '?');
  const age = (stats: QueueStats | null) =>
    stats ? (stats.oldestAgeSeconds === null ? '-' : formatAge(stats.oldestAgeSeconds)) : '?';
  const sections = [`BEMS cell ${target.cellId}: ${target.description}`];
  if (components.length) {
    sections.push(
      `Components\n${formatTable(
        ['component', 'state', 'detail'],
        components.map((c) => [c.name, c.state, c.detail ?? '']),
      )}`,
    );
  }
  sections.push(
    `Queues\n${formatTable(
      ['stage/consumer', 'ready', 'in flight', 'oldest', 'DLQ', 'DLQ oldest'],
      queues.map((q) => [
        routeLabel(q),
        count(q.source, (s) => s.visible),
        count(q.source, (s) => s.inFlight),
        age(q.source),
        count(q.dlqStats, totalMessages),
        age(q.dlqStats),
      ]),
      { align: ['left', 'right', 'right', 'right', 'right', 'right'] },
    )}`,
  );
  sections.push(
    sla.available
      ? `SLA breaches (latest event older than the stage SLA, status not final)\n${formatTable(
          ['stage', 'SLA', 'stuck', 'oldest', 'invoices'],
          sla.stages.map((s) => [
            s.stage,
            formatAge(s.slaSeconds),
            String(s.count),
            s.oldestAgeSeconds === null ? '-' : formatAge(s.oldestAgeSeconds),
            s.sampleInvoiceIds.join(', '),
          ]),
          { align: ['left', 'right', 'right', 'right', 'left'] },
        )}`
      : `SLA breaches: not checked (${sla.reason})`,
  );
  sections.push(
    alerts.length === 0
      ? 'Open alerts: none'
      : `Open alerts\n${alerts
          .map(([key, alert]) => {
            const condition = { key, ...alert };
            const commands = commandsFor(condition, target.cellId);
            return `  ${alert.notifiedSeverity.padEnd(8)} ${describeCondition(condition)} (since ${new Date(alert.sinceMs).toISOString()})\n           → ${commands.recover ?? commands.inspect}`;
          })
          .join('\n')}`,
  );
  if (problems.length) sections.push(`Problems\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return sections.join('\n\n');
}

import {
  commandsFor,
  describeCondition,
  formatAge,
  MONITOR_DEFAULTS,
  type QueueStats,
  totalMessages,
} from '../../handlers/monitor/index.ts';
import { dlqRoutes, routeLabel, selectRoutes } from '../../handlers/shared/dlq/index.ts';
import type { CliStatusOutput } from '../../schemas/cliOutput.ts';
import type { Stage } from '../../schemas/stages.ts';
import type { Paint } from '../color.ts';
import { formatTable } from '../formatTable.ts';
import { readQueueLines } from '../readQueueLines.ts';
import type { CellTarget } from '../target/index.ts';

type SlaReport = CliStatusOutput['sla'];
type OpenAlertLine = CliStatusOutput['openAlerts'][number];

/** Everything `bems status` reports about one cell: the JSON document (schemas/cliOutput.ts). */
export async function collectStatus(
  target: CellTarget,
  stage: Stage | undefined,
  nowMs: number,
): Promise<CliStatusOutput> {
  const routes = selectRoutes(dlqRoutes(target.topology), stage ? { stage } : {});
  const [components, queues, sla, alerts] = await Promise.all([
    target.components(),
    readQueueLines(target, routes, nowMs),
    readSla(target, stage, nowMs),
    readAlerts(target, stage),
  ]);
  const dlqMessages = queues.lines.reduce((sum, q) => sum + (q.dlqStats ? totalMessages(q.dlqStats) : 0), 0);
  const stuckInvoices = sla.stages.reduce((sum, s) => sum + s.count, 0);
  return {
    cell: target.cellId,
    kind: target.kind,
    region: target.region,
    description: target.description,
    components,
    queues: queues.lines,
    sla,
    openAlerts: alerts.open,
    problems: [...queues.problems, ...alerts.problems],
    summary: { dlqMessages, stuckInvoices, openAlerts: alerts.open.length },
    attention: dlqMessages > 0 || stuckInvoices > 0 || alerts.open.length > 0,
  };
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
): Promise<{ open: OpenAlertLine[]; problems: string[] }> {
  if (!target.monitorState) return { open: [], problems: [] };
  try {
    const { state, problem } = await target.monitorState.load();
    const open = Object.entries(state.alerts)
      .filter(([, alert]) => stage === undefined || alert.stage === stage)
      .map(([key, alert]) => ({ key, ...alert }));
    return { open, problems: problem ? [problem] : [] };
  } catch (error) {
    return {
      open: [],
      problems: [`monitor state ${target.monitorState.location} unreadable: ${(error as Error).message}`],
    };
  }
}

/** The status of one cell for people. */
export function renderStatus(status: CliStatusOutput, paint: Paint): string {
  const count = (stats: QueueStats | null, pick: (s: QueueStats) => number) => (stats ? String(pick(stats)) : '?');
  const age = (stats: QueueStats | null) =>
    stats ? (stats.oldestAgeSeconds === null ? '-' : formatAge(stats.oldestAgeSeconds)) : '?';
  const sections = [paint.bold(`BEMS cell ${status.cell}: ${status.description}`)];
  if (status.components.length) {
    sections.push(
      `Components\n${formatTable(
        ['component', 'state', 'detail'],
        status.components.map((c) => [c.name, c.state, c.detail ?? '']),
      )}`,
    );
  }
  sections.push(
    `Queues\n${formatTable(
      ['stage/consumer', 'ready', 'in flight', 'oldest', 'DLQ', 'DLQ oldest'],
      status.queues.map((q) => [
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
  sections.push(renderSla(status.sla));
  sections.push(
    status.openAlerts.length === 0
      ? 'Open alerts: none'
      : `Open alerts\n${status.openAlerts
          .map((alert) => {
            const commands = commandsFor(alert, status.cell);
            return `  ${alert.notifiedSeverity.padEnd(8)} ${describeCondition(alert)} (since ${new Date(alert.sinceMs).toISOString()})\n           → ${commands.recover ?? commands.inspect}`;
          })
          .join('\n')}`,
  );
  if (status.problems.length) sections.push(`Problems\n${status.problems.map((p) => `  - ${p}`).join('\n')}`);
  const { dlqMessages, stuckInvoices, openAlerts } = status.summary;
  sections.push(
    status.attention
      ? paint.yellow(
          `Attention: ${dlqMessages} message(s) in DLQs, ${stuckInvoices} invoice(s) past SLA, ${openAlerts} open alert(s).`,
        )
      : paint.green('All clear: DLQs empty, no invoice past its SLA, no open alert.'),
  );
  return sections.join('\n\n');
}

function renderSla(sla: SlaReport): string {
  if (!sla.available) return `SLA breaches: not checked (${sla.reason})`;
  return `SLA breaches (latest event older than the stage SLA, status not final)\n${formatTable(
    ['stage', 'SLA', 'stuck', 'oldest', 'invoices'],
    sla.stages.map((s) => [
      s.stage,
      formatAge(s.slaSeconds),
      String(s.count),
      s.oldestAgeSeconds === null ? '-' : formatAge(s.oldestAgeSeconds),
      s.sampleInvoiceIds.join(', '),
    ]),
    { align: ['left', 'right', 'right', 'right', 'left'] },
  )}`;
}

import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCells } from '../../cells/cells.config.ts';
import { monitorTopologyOf } from '../../cells/monitorTopology.ts';
import { cellTopology } from '../../cells/topology.ts';
import { MONITOR_DEFAULTS } from '../../handlers/monitor/defaults.ts';
import { observeConditions } from '../../handlers/monitor/observeConditions.ts';
import { dlqRoutes } from '../../handlers/shared/dlq/DlqRoute.ts';
import { ALERT_SEVERITIES, type AlertSeverity, DLQ_SEVERITY_LADDER, severityRank } from '../../schemas/alerts.ts';
import { type SynthesizedCells, synthCells } from './support/synthCells.ts';
import { type CfnResource, nameOf, resourcesOf } from './support/templateQueries.ts';

/**
 * The stuck-event monitor and the CloudWatch alarms judge a DLQ by the same ladder: for the same DLQ
 * state (messages visible, in flight, age of the oldest), the most severe alarm in ALARM has the
 * severity of the monitor's DLQ condition, and neither fires without the other. Both are run on the
 * same states: the monitor's `observeConditions`, and each alarm of the synthesized template
 * evaluated as CloudWatch would (its metric or expression against its threshold).
 */
const cell = awsCells()[0]!;
let synth: SynthesizedCells;
beforeAll(() => {
  synth = synthCells([cell]);
});
afterAll(() => synth?.cleanUp());
const template = (): Template => synth.templates.get(cell.id)!;

interface DlqState {
  readonly visible: number;
  readonly inFlight: number;
  readonly oldestAgeSeconds: number | null;
}

const SQS_METRIC_OF: Record<string, (state: DlqState) => number | undefined> = {
  ApproximateNumberOfMessagesVisible: (s) => s.visible,
  ApproximateNumberOfMessagesNotVisible: (s) => s.inFlight,
  ApproximateAgeOfOldestMessage: (s) => s.oldestAgeSeconds ?? undefined,
};

/** One alarm's value for a DLQ state: a single SQS metric, or an arithmetic expression over some. */
function alarmValue(alarm: CfnResource, state: DlqState): number | undefined {
  const { MetricName, Metrics } = alarm.Properties;
  if (MetricName) return SQS_METRIC_OF[MetricName]!(state);
  const queries = Metrics as { Id: string; Expression?: string; MetricStat?: { Metric: { MetricName: string } } }[];
  const values = Object.fromEntries(
    queries.filter((q) => q.MetricStat).map((q) => [q.Id, SQS_METRIC_OF[q.MetricStat!.Metric.MetricName]!(state)]),
  );
  const expression = queries.find((q) => q.Expression)!.Expression!;
  const arithmetic = expression.replace(/[a-z]\w*/g, (id) => String(values[id] ?? 0));
  if (!/^[\d\s+*/().-]+$/.test(arithmetic)) throw new Error(`not plain arithmetic: ${arithmetic}`);
  return Function(`return (${arithmetic});`)() as number;
}

/** The DLQ alarms of the template by DLQ name, each with its severity (the topic it notifies). */
function dlqAlarms(): Map<string, { alarm: CfnResource; severity: AlertSeverity }[]> {
  const t = template();
  const byDlq = new Map<string, { alarm: CfnResource; severity: AlertSeverity }[]>();
  for (const [, alarm] of resourcesOf(t, 'AWS::CloudWatch::Alarm')) {
    const name = String(alarm.Properties.AlarmName);
    const dlq = /^(.+-dlq(?:\.fifo)?)-(not-empty|critical-depth|critical-age)$/.exec(name)?.[1];
    if (!dlq) continue;
    const topic = nameOf(t, alarm.Properties.AlarmActions[0], 'TopicName');
    const severity = ALERT_SEVERITIES.find((s) => topic.endsWith(`-alerts-${s}`))!;
    byDlq.set(dlq, [...(byDlq.get(dlq) ?? []), { alarm, severity }]);
  }
  return byDlq;
}

/** What the alarms say about a state: the most severe one in ALARM, or nothing. */
function alarmsSeverity(alarms: { alarm: CfnResource; severity: AlertSeverity }[], state: DlqState) {
  const firing = alarms.filter(({ alarm }) => {
    const value = alarmValue(alarm, state);
    expect(alarm.Properties.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
    return value !== undefined && value >= alarm.Properties.Threshold;
  });
  return firing.map((f) => f.severity).sort((a, b) => severityRank(b) - severityRank(a))[0];
}

const { warningDepth, criticalDepth, criticalAgeSeconds } = DLQ_SEVERITY_LADDER;
const STATES: DlqState[] = [
  { visible: 0, inFlight: 0, oldestAgeSeconds: null },
  { visible: warningDepth, inFlight: 0, oldestAgeSeconds: 5 },
  { visible: 0, inFlight: warningDepth, oldestAgeSeconds: 5 },
  { visible: criticalDepth - 1, inFlight: 0, oldestAgeSeconds: criticalAgeSeconds - 1 },
  { visible: criticalDepth - 10, inFlight: 10, oldestAgeSeconds: 60 },
  { visible: criticalDepth, inFlight: 0, oldestAgeSeconds: 60 },
  { visible: 3, inFlight: 0, oldestAgeSeconds: criticalAgeSeconds },
  { visible: 50_000, inFlight: 7, oldestAgeSeconds: 86_400 },
];

describe(`cell ${cell.id}: DLQ severities`, () => {
  it('the monitor and the alarms read one ladder', () => {
    expect(MONITOR_DEFAULTS.dlq).toBe(DLQ_SEVERITY_LADDER);
  });

  it('give every DLQ state the same severity, on every DLQ of the cell', () => {
    const alarms = dlqAlarms();
    const routes = dlqRoutes(monitorTopologyOf(cellTopology(cell), 'https://sqs.example/'));
    expect([...alarms.keys()].sort()).toEqual(routes.map((r) => r.dlq.name).sort());
    for (const route of routes) {
      for (const state of STATES) {
        const [condition] = observeConditions([{ route, dlq: { name: route.dlq.name, ...state } }], [], []);
        const label = `${route.dlq.name} ${JSON.stringify(state)}`;
        expect(alarmsSeverity(alarms.get(route.dlq.name)!, state), label).toBe(condition?.severity);
      }
    }
  });

  it('covers every rung of the ladder with the states above', () => {
    const [route] = dlqRoutes(monitorTopologyOf(cellTopology(cell), 'https://sqs.example/'));
    const severities = STATES.map(
      (state) => observeConditions([{ route: route!, dlq: { name: 'd', ...state } }], [], [])[0]?.severity,
    );
    expect(new Set(severities)).toEqual(new Set([undefined, 'warning', 'critical']));
  });
});

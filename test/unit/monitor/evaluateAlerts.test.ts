import { describe, expect, it } from 'vitest';
import type { Condition } from '../../../handlers/monitor/Condition.ts';
import { evaluateAlerts, undeliveredTransition } from '../../../handlers/monitor/evaluateAlerts.ts';
import type { OpenAlert } from '../../../handlers/monitor/MonitorState.ts';

const DLQ = 'dlq:bems-test-posting-recorder-dlq.fifo';

function dlqCondition(overrides: Partial<Condition> = {}): Condition {
  return {
    key: DLQ,
    kind: 'dlq',
    severity: 'warning',
    stage: 'posting',
    consumer: 'recorder',
    queue: 'bems-test-posting-recorder-dlq.fifo',
    count: 300,
    oldestAgeSeconds: 12,
    ...overrides,
  };
}

/** Runs the evaluation over several minutes the way the monitor does: each run starts from the last open set. */
function runs(...minutes: (readonly Condition[])[]) {
  let open: Record<string, OpenAlert> = {};
  return minutes.map((conditions, index) => {
    const evaluation = evaluateAlerts(open, conditions, 1_000_000 + index * 60_000);
    open = evaluation.open;
    return evaluation;
  });
}

describe('alert state transitions', () => {
  it('fires once when a condition starts and stays quiet while it lasts', () => {
    // Act
    const [first, second, third] = runs(
      [dlqCondition()],
      [dlqCondition({ count: 310 })],
      [dlqCondition({ count: 290 })],
    );

    // Assess
    expect(first!.transitions).toEqual([
      expect.objectContaining({ transition: 'firing', key: DLQ, severity: 'warning' }),
    ]);
    expect(second!.transitions).toEqual([]);
    expect(third!.transitions).toEqual([]);
    // The open alert keeps the latest numbers without notifying.
    expect(third!.open[DLQ]).toMatchObject({ count: 290, notifiedSeverity: 'warning', sinceMs: 1_000_000 });
  });

  it('escalates when the severity rises above what was notified, once', () => {
    const [, second, third] = runs(
      [dlqCondition()],
      [dlqCondition({ severity: 'critical', count: 2000 })],
      [dlqCondition({ severity: 'critical', count: 2500 })],
    );

    expect(second!.transitions).toEqual([
      expect.objectContaining({ transition: 'escalated', severity: 'critical', sinceMs: 1_000_000 }),
    ]);
    expect(second!.transitions[0]!.previous).toMatchObject({ notifiedSeverity: 'warning', count: 300 });
    expect(third!.transitions).toEqual([]);
  });

  it('does not re-alert when a condition falls back and rises again to the severity already notified', () => {
    const [, , second, third] = runs(
      [dlqCondition({ severity: 'critical' })],
      [dlqCondition({ severity: 'warning' })],
      [dlqCondition({ severity: 'critical' })],
      [dlqCondition({ severity: 'critical' })],
    );

    expect(second!.transitions).toEqual([]);
    expect(third!.transitions).toEqual([]);
  });

  it('resolves on the topic people were last notified on once the condition stayed clear for two runs', () => {
    const [, , clearOnce, cleared, after] = runs(
      [dlqCondition()],
      [dlqCondition({ severity: 'critical' })],
      [],
      [],
      [],
    );

    expect(clearOnce!.transitions).toEqual([]);
    expect(clearOnce!.open[DLQ]).toMatchObject({ clearRuns: 1 });
    expect(cleared!.transitions).toEqual([
      expect.objectContaining({ transition: 'resolved', key: DLQ, severity: 'critical' }),
    ]);
    expect(cleared!.transitions[0]!.condition).toMatchObject({ kind: 'dlq', stage: 'posting', count: 300 });
    expect(cleared!.open).toEqual({});
    expect(after!.transitions).toEqual([]);
  });

  it('neither resolves nor fires again when a condition is clear for a single run (a redrive in progress)', () => {
    const evaluations = runs([dlqCondition()], [], [dlqCondition({ count: 1 })], [], [dlqCondition({ count: 1 })]);

    expect(evaluations.slice(1).flatMap((e) => e.transitions)).toEqual([]);
    expect(evaluations.at(-1)!.open[DLQ]).not.toHaveProperty('clearRuns');
  });

  it('resolves after one clear run when asked to', () => {
    const { open } = evaluateAlerts({}, [dlqCondition()], 0);
    expect(evaluateAlerts(open, [], 60_000, () => true, 1).transitions).toEqual([
      expect.objectContaining({ transition: 'resolved' }),
    ]);
  });

  it('keeps an alert whose check could not run instead of resolving it', () => {
    // Prepare
    const sla: Condition = {
      key: 'sla:posting',
      kind: 'sla',
      severity: 'warning',
      stage: 'posting',
      count: 4,
      oldestAgeSeconds: 1200,
    };
    const { open } = evaluateAlerts({}, [sla], 0);

    // Act: the SLA query failed this run, so no SLA condition was produced.
    const evaluation = evaluateAlerts(open, [], 60_000, (key) => !key.startsWith('sla:'));

    // Assess
    expect(evaluation.transitions).toEqual([]);
    expect(evaluation.open['sla:posting']).toEqual(open['sla:posting']);
  });

  it('treats a notification that could not be delivered as not sent, so the next run tries again', () => {
    // Prepare
    const first = evaluateAlerts({}, [dlqCondition()], 0);
    const open = { ...first.open };

    // Act
    undeliveredTransition(open, first.transitions[0]!);
    const retry = evaluateAlerts(open, [dlqCondition()], 60_000);

    // Assess
    expect(retry.transitions).toEqual([expect.objectContaining({ transition: 'firing' })]);
  });

  it('keeps a resolution that could not be delivered pending', () => {
    const fired = evaluateAlerts({}, [dlqCondition()], 0);
    const cleared = evaluateAlerts(fired.open, [], 60_000, () => true, 1);
    const open = { ...cleared.open };

    undeliveredTransition(open, cleared.transitions[0]!);
    const retry = evaluateAlerts(open, [], 120_000, () => true, 1);

    expect(retry.transitions).toEqual([expect.objectContaining({ transition: 'resolved' })]);
  });
});

describe('an alert whose messages were parked', () => {
  it('resolves in its first clear run, with the note, instead of waiting for the usual clear runs', () => {
    // Prepare
    const fired = evaluateAlerts({}, [dlqCondition()], 1_000_000);
    const note = '300 message(s) parked by alice';

    // Act
    const unparked = evaluateAlerts(fired.open, [], 1_060_000);
    const parked = evaluateAlerts(fired.open, [], 1_060_000, () => true, 2, new Map([[DLQ, note]]));

    // Assess
    expect(unparked.transitions).toEqual([]);
    expect(parked.transitions).toEqual([expect.objectContaining({ transition: 'resolved', key: DLQ, note })]);
    expect(parked.open).toEqual({});
  });

  it('stays open while its DLQ still has messages, parked or not', () => {
    const fired = evaluateAlerts({}, [dlqCondition()], 1_000_000);
    const next = evaluateAlerts(
      fired.open,
      [dlqCondition({ count: 5 })],
      1_060_000,
      () => true,
      2,
      new Map([[DLQ, 'x']]),
    );
    expect(next.transitions).toEqual([]);
    expect(Object.keys(next.open)).toEqual([DLQ]);
  });
});

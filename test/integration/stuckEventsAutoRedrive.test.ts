import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitorReport } from '../../handlers/monitor/runMonitor.ts';
import type { RunningLocalCell } from '../../local/cell/index.ts';
import {
  bems,
  dlqDepth,
  drainAlerts,
  fastPostingCell,
  postEvents,
  postingEvents,
  postingFault,
  recordedEventIds,
  startCell,
  tempDataDir,
  waitFor,
} from './stuckEventsSupport.ts';

const BUDGET = 2;
const PARKED_CONDITION = 'parked:bems-local-posting-recorder-dlq.fifo';

/**
 * Issue 5, "Done when" 5: with automatic redrive on, a message that always fails is redriven at most
 * its budget times, then parked in the DLQ and escalated to a person — not looped. Events that only
 * failed once are recovered by the monitor on its own.
 */
describe('stuck events: automatic redrive within a budget', () => {
  const data = tempDataDir('stuck-auto');
  const poison = postingEvents('POISON-', 1)[0]!;
  let cell: RunningLocalCell;
  const reports: MonitorReport[] = [];
  const run = async () => {
    const report = await cell.monitor.runOnce();
    reports.push(report);
    return report;
  };
  const redriven = () => reports.flatMap((r) => r.redrive.routes).reduce((sum, r) => sum + r.redriven, 0);

  beforeAll(async () => {
    cell = await startCell(
      data.dir,
      fastPostingCell({ redrive: { automatic: true, ratePerSecond: 50, budgetPerMessage: BUDGET } }),
      [postingFault('POISON-')],
    );
  });
  afterAll(async () => {
    await cell?.stop();
    data.remove();
  });

  it('holds back while the time-series store fails its write probe', async () => {
    // Prepare
    await postEvents(cell, 'posting', [poison]);
    await waitFor('the poison event in the DLQ', async () => (await dlqDepth(cell, 'posting')) === 1);
    await cell.faults.setTimestreamFault({ mode: 'unavailable' });

    // Act
    const first = await run();
    const second = await run();
    await cell.faults.setTimestreamFault(null);

    // Assess
    expect(first.redrive.routes).toEqual([
      expect.objectContaining({ action: 'held', reason: expect.stringMatching(/first look/) }),
    ]);
    expect(second.redrive.routes).toEqual([
      expect.objectContaining({ action: 'held', reason: expect.stringMatching(/Timestream write probe failed/) }),
    ]);
    expect(redriven()).toBe(0);
  }, 180_000);

  it('5. parks a message that always fails after its budget and escalates it, instead of looping', async () => {
    // Act: run the monitor until the message is parked (each redrive fails again within ~2 s).
    const parked = await waitFor(
      'the poison message to be parked',
      async () => {
        const report = await run();
        if (report.notifications.some((n) => n.key === PARKED_CONDITION)) return report;
        await new Promise((resolve) => setTimeout(resolve, 300));
        return undefined;
      },
      120_000,
    );
    const later = [await run(), await run(), await run()];
    const peek = await bems(data.dir, ['dlq', 'peek', 'posting', '--consumer', 'recorder', '--json']);
    const alerts = await drainAlerts(cell);

    // Assess
    expect(redriven()).toBe(BUDGET);
    expect(parked.notifications).toEqual([
      expect.objectContaining({ transition: 'firing', severity: 'critical', key: PARKED_CONDITION }),
    ]);
    const text = parked.notifications.find((n) => n.key === PARKED_CONDITION)!.text;
    expect(text).toContain('Invoices:  POISON-0000');
    expect(text).toContain('Recover:   npx bems redrive posting --consumer recorder --cell local');
    for (const report of later) {
      expect(report.redrive.routes.every((r) => r.redriven === 0)).toBe(true);
      expect(report.notifications).toEqual([]);
    }
    const [message] = JSON.parse(peek.out).dlqs[0].shown;
    expect(message).toMatchObject({ invoiceId: 'POISON-0000', redriveCount: BUDGET, budgetSpent: true });
    expect(alerts.filter((a) => a.condition === PARKED_CONDITION)).toEqual([
      expect.objectContaining({ severity: 'critical', transition: 'firing' }),
    ]);
    expect(recordedEventIds(cell, 'posting')).toEqual([]);
  }, 180_000);

  it('recovers events that failed only for a while on its own, and a person can still redrive the parked one', async () => {
    // Prepare: ten events fail while the fault matches them, then the fault is narrowed to the poison.
    cell.faults.setRules([postingFault('POISON-'), postingFault('FLAKY-')]);
    const flaky = postingEvents('FLAKY-', 10);
    await postEvents(cell, 'posting', flaky);
    await waitFor('the flaky events in the DLQ', async () => (await dlqDepth(cell, 'posting')) === 11);
    cell.faults.setRules([postingFault('POISON-')]);

    // Act
    await waitFor(
      'the flaky events recorded',
      async () => {
        await run();
        return recordedEventIds(cell, 'posting').length === 10;
      },
      120_000,
    );
    cell.faults.setRules([]);
    const manual = await bems(data.dir, ['redrive', 'posting', '--invoice', 'POISON-0000']);
    await waitFor('the parked event recorded', () => recordedEventIds(cell, 'posting').length === 11);
    const resolved = [await run(), await run()].flatMap((r) => r.notifications);

    // Assess
    expect(recordedEventIds(cell, 'posting').sort()).toEqual([...flaky, poison].map((e) => e.eventId).sort());
    expect(manual.code).toBe(0);
    expect(manual.out).toContain('1 redriven');
    expect(resolved.map((n) => `${n.transition} ${n.key}`)).toEqual(
      expect.arrayContaining([`resolved ${PARKED_CONDITION}`, 'resolved dlq:bems-local-posting-recorder-dlq.fifo']),
    );
    expect(cell.readModel.duplicateIdentities()).toEqual([]);
  }, 180_000);
});

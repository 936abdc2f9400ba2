import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningLocalCell } from '../../local/cell/index.ts';
import { ANALYTICS_STORES } from '../../schemas/analyticsRecord.ts';
import { buildInvoiceEvent } from '../helpers/invoiceEvents.ts';
import { waitForDrain } from '../helpers/localCellTraffic.ts';
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

/**
 * Issue 5, "Done when" 1, 2 and 4, on the local cell as a new user would meet them: a consumer
 * fails, its events pile up in the DLQ, the monitor alerts once, `bems redrive` recovers every event
 * exactly once, the alert resolves; then the time series is wiped and `bems replay` rebuilds it, and
 * a second replay over the records it rebuilt adds none. With each analytics store: Timestream
 * keeps a record's first write (a replayed repeat is refused), the lakehouse its last (the repeat
 * replaces the row) — either way one record per event and consumer.
 */
describe.each(ANALYTICS_STORES)('stuck events: alert, redrive and replay on the local cell (%s store)', (store) => {
  const data = tempDataDir('stuck-events');
  const cellDefinition = fastPostingCell();
  const stuck = postingEvents('STUCK-', 300);
  const healthy = Array.from({ length: 20 }, () => buildInvoiceEvent('ingestion'));
  const startedAt = new Date(Date.now() - 1000).toISOString();
  let cell: RunningLocalCell;

  beforeAll(async () => {
    cell = await startCell(data.dir, cellDefinition, [postingFault('STUCK-')], store);
  });
  afterAll(async () => {
    await cell?.stop();
    data.remove();
  }, 180_000);

  it('1. sends 300 failing events to the DLQ and raises exactly one alert naming the stage, the count and the command', async () => {
    // Prepare
    await postEvents(cell, 'ingestion', healthy);
    await postEvents(cell, 'posting', stuck);
    await waitFor('300 events in the posting DLQ', async () => (await dlqDepth(cell, 'posting')) === 300);
    await waitFor('the healthy events recorded', () => recordedEventIds(cell, 'ingestion').length === 20);

    // Act
    const first = await cell.monitor.runOnce();
    const second = await cell.monitor.runOnce();
    const alerts = await drainAlerts(cell);

    // Assess
    expect(first.notifications).toHaveLength(1);
    expect(second.notifications).toEqual([]);
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    expect(alert).toMatchObject({
      severity: 'warning',
      transition: 'firing',
      condition: 'dlq:bems-local-posting-recorder-dlq.fifo',
      subject: '[BEMS warning] FIRING local: 300 messages in the DLQ of posting/recorder',
    });
    expect(alert!.message).toContain('Stage:     posting');
    expect(alert!.message).toContain('Count:     300');
    expect(alert!.message).toMatch(/Invoices: {2}STUCK-\d{4}/);
    expect(alert!.message).toContain('Recover:   npx bems redrive posting --consumer recorder --cell local');
  }, 180_000);

  it('shows the stuck events with bems status, dlq list and dlq peek without consuming them', async () => {
    // Act
    const status = await bems(data.dir, ['status', '--json']);
    const list = await bems(data.dir, ['dlq', 'list', '--json']);
    const peek = await bems(data.dir, ['dlq', 'peek', 'posting', '--consumer', 'recorder', '--limit', '5', '--json']);
    const text = await bems(data.dir, ['dlq', 'peek', 'posting', '--limit', '3']);

    // Assess
    expect(status.code).toBe(4);
    const report = JSON.parse(status.out);
    expect(report.attention).toBe(true);
    expect(report.openAlerts).toEqual([expect.objectContaining({ key: 'dlq:bems-local-posting-recorder-dlq.fifo' })]);
    expect(list.code).toBe(4);
    expect(JSON.parse(list.out).total).toBe(300);
    expect(peek.code).toBe(0);
    const [dlq] = JSON.parse(peek.out).dlqs;
    expect(dlq.messages).toBe(300);
    expect(dlq.shown).toHaveLength(5);
    for (const message of dlq.shown) {
      expect(message.invoiceId).toMatch(/^STUCK-/);
      expect(message.event.stage).toBe('posting');
      expect(message.receiveCount).toBeGreaterThanOrEqual(2);
      expect(Date.parse(message.firstFailedAt)).toBeGreaterThan(Date.parse(startedAt));
    }
    expect(text.out).toContain('posting/recorder — bems-local-posting-recorder-dlq.fifo: 300 message(s), showing 3');
    // Looking did not consume anything.
    expect(await dlqDepth(cell, 'posting')).toBe(300);
  }, 180_000);

  it('2. with the fault removed, bems redrive records every event exactly once, empties the DLQ and the alert resolves', async () => {
    // Prepare
    cell.faults.setRules([]);

    // Act
    const redrive = await bems(data.dir, ['redrive', 'posting', '--rate', '500']);
    await waitFor('300 posting events recorded', () => recordedEventIds(cell, 'posting').length >= 300);
    const list = await bems(data.dir, ['dlq', 'list']);
    // An alert resolves once its condition stayed clear for two runs (a redrive in progress empties a DLQ for a moment).
    const clearOnce = await cell.monitor.runOnce();
    const resolved = await cell.monitor.runOnce();
    const alerts = await drainAlerts(cell);

    // Assess
    expect(redrive.code).toBe(0);
    expect(redrive.out).toContain('300 redriven, 0 skipped, 0 failed');
    const ids = recordedEventIds(cell, 'posting');
    expect(ids).toHaveLength(300);
    expect(new Set(ids)).toEqual(new Set(stuck.map((e) => e.eventId)));
    expect(cell.readModel.duplicateIdentities()).toEqual([]);
    expect(list.code).toBe(0);
    expect(list.out).toContain('Every DLQ is empty.');
    expect(clearOnce.notifications).toEqual([]);
    expect(resolved.notifications).toEqual([expect.objectContaining({ transition: 'resolved' })]);
    expect(alerts).toEqual([
      expect.objectContaining({ transition: 'resolved', condition: 'dlq:bems-local-posting-recorder-dlq.fifo' }),
    ]);
    expect((await bems(data.dir, ['status'])).code).toBe(0);
  }, 180_000);

  const columns = `cell, region, stage, consumer, invoice_id, event_id, vendor_id, currency, status, amount_text,
      amount_minor, amount, vendor_name, vendor_country, invoice_date, time_ms, received_at_ms, due_at_ms, source_system`;
  const snapshot = () =>
    cell.store.query(`SELECT ${columns} FROM invoice_events ORDER BY event_id, stage, consumer`) as Record<
      string,
      unknown
    >[];
  let endedAt: string;

  it('4. after wiping the time series, bems replay over the whole window rebuilds identical records', async () => {
    // Prepare
    const before = snapshot();
    expect(before).toHaveLength(320);
    endedAt = new Date(Date.now() + 1000).toISOString();
    expect(cell.store.wipe()).toBe(320);
    // No restart: every event was delivered well within the 5-minute FIFO deduplication window, and
    // the replay still gets through because the forwarder gives a replay its own deduplication id.

    // Act
    const replay = await bems(data.dir, ['replay', '--from', startedAt, '--to', endedAt, '--json']);
    await waitFor('every record rebuilt', () => cell.readModel.countRecords({ measureName: 'invoice_event' }) >= 320);

    // Assess
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.out)).toMatchObject({ state: 'COMPLETED', cancelled: false });
    // Counted before it started (the local archive, exactly), and what it changed.
    expect(JSON.parse(replay.out).totals).toMatchObject({ sent: 320, alreadyRecorded: 0 });
    expect(snapshot()).toEqual(before);
    expect(cell.readModel.duplicateIdentities()).toEqual([]);
    const replayed = cell.store.query<{ n: number }>('SELECT count(*) AS n FROM invoice_events WHERE replayed = 1');
    expect(replayed[0]!.n).toBe(320);
  }, 180_000);

  it('5. a second replay over the records it rebuilt leaves one record per event and consumer', async () => {
    // Prepare
    const before = snapshot();
    // One consume function per stage: their invocations together.
    const consumed = () =>
      cell.requestCountsByAction().then((counts) =>
        Object.entries(counts)
          .filter(([key]) => key.startsWith('lambda:bems-local-consume-'))
          .reduce((sum, [, n]) => sum + n, 0),
      );
    const invocationsBefore = (await consumed()) ?? 0;
    const replayStartedMs = Date.now();

    // Act: count first (nothing is sent), then replay the same window again; wait until the
    // consumers have handled every replayed event.
    const dryRun = await bems(data.dir, ['replay', '--from', startedAt, '--to', endedAt, '--dry-run', '--json']);
    const replay = await bems(data.dir, ['replay', '--from', startedAt, '--to', endedAt, '--json']);
    await waitFor(
      'the replayed events consumed',
      async () => ((await consumed()) ?? 0) > invocationsBefore && (await waitForDrain(cell.apiUrl, 0)),
    );

    // Assess: the same 320 records, none twice — Timestream refused every repeat (first write wins),
    // the lakehouse replaced every row with the repeat (last write wins).
    expect(dryRun.code).toBe(0);
    expect(JSON.parse(dryRun.out)).toMatchObject({ dryRun: true, archived: { count: 320 }, recorded: { count: 320 } });
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.out).totals).toMatchObject({ sent: 320, alreadyRecorded: 320, newlyRecorded: 0 });
    expect(cell.readModel.countRecords({ measureName: 'invoice_event' })).toBe(320);
    expect(cell.readModel.duplicateIdentities()).toEqual([]);
    expect(snapshot()).toEqual(before);
    const [rewritten] = cell.store.query<{ n: number }>(
      'SELECT count(*) AS n FROM invoice_events WHERE written_at_ms >= ?',
      [replayStartedMs],
    );
    expect(rewritten!.n).toBe(store === 'lakehouse' ? 320 : 0);
  }, 180_000);
});

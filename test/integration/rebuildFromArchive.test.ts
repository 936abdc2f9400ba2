import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CELL } from '../../cells/cells.config.ts';
import { parseCellDefinition } from '../../cells/definition.ts';
import type { RunningLocalCell } from '../../local/cell/index.ts';
import { ANALYTICS_STORES } from '../../schemas/analyticsRecord.ts';
import type { InvoiceEvent } from '../../schemas/invoiceEvent.ts';
import { STAGES, type Stage } from '../../schemas/stages.ts';
import { buildInvoiceEvent } from '../helpers/invoiceEvents.ts';
import { waitForDrain } from '../helpers/localCellTraffic.ts';
import { bems, postEvents, startCell, tempDataDir, waitFor } from './stuckEventsSupport.ts';

/**
 * docs/RECOVERY.md, "Rebuilding a store from the archive", run on the local cell: the analytics store
 * is lost (the cell is stopped and the store's file deleted, as a lost table or bucket would be), the
 * cell starts again on the same data directory with an empty store, `bems replay` sends the archive
 * through the bus again, and every event the API accepted is back exactly once per consumer that
 * records it — with the same values — while a refused request stays absent. With each store.
 */
const cell = parseCellDefinition({
  ...structuredClone(LOCAL_CELL),
  stages: {
    // A second consumer sees only escalations: the rebuild must give it exactly its own events back.
    authorization: {
      consumers: [{ name: 'recorder' }, { name: 'escalations', filterPolicy: { status: ['escalated'] } }],
    },
  },
});
const PER_STAGE = 40;
const COLUMNS = `cell, region, stage, consumer, invoice_id, event_id, vendor_id, currency, status, amount_text,
  amount_minor, amount, vendor_name, vendor_country, invoice_date, time_ms, received_at_ms, due_at_ms, source_system`;

function eventsOf(stage: Stage): InvoiceEvent[] {
  return Array.from({ length: PER_STAGE }, (_, i) =>
    stage === 'authorization' && i % 4 === 0
      ? buildInvoiceEvent(stage, { status: 'escalated' })
      : buildInvoiceEvent(stage),
  );
}

describe.each(ANALYTICS_STORES)('rebuild the analytics store from the archive (%s store)', (store) => {
  const data = tempDataDir(`rebuild-${store}`);
  const accepted = Object.fromEntries(STAGES.map((stage) => [stage, eventsOf(stage)])) as Record<Stage, InvoiceEvent[]>;
  const expectedRecords = STAGES.length * PER_STAGE + PER_STAGE / 4;
  const startedAt = new Date(Date.now() - 1_000).toISOString();
  let running: RunningLocalCell;

  const snapshot = () =>
    running.store.query<Record<string, unknown>>(`SELECT ${COLUMNS} FROM invoice_events ORDER BY event_id, consumer`);

  beforeAll(async () => {
    running = await startCell(data.dir, cell, [], store);
  }, 120_000);
  afterAll(async () => {
    await running?.stop();
    data.remove();
  }, 120_000);

  it('records every accepted event, and not a refused request', async () => {
    for (const stage of STAGES) await postEvents(running, stage, accepted[stage]);
    const refused = await fetch(`${running.apiUrl}/invoices/posting`, {
      method: 'POST',
      headers: { 'x-api-key': running.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ ...buildInvoiceEvent('posting'), amount: '12.345' }), // too many decimals for EUR
    });

    await waitFor(
      'every record written',
      () => running.readModel.countRecords({ measureName: 'invoice_event' }) === expectedRecords,
    );

    expect(refused.status).toBe(400);
  }, 120_000);

  it('after the store is deleted, bems replay brings every accepted event back exactly once, with its values', async () => {
    // Prepare: what the store held; then lose it.
    const before = snapshot();
    expect(before).toHaveLength(expectedRecords);
    const endedAt = new Date(Date.now() + 1_000).toISOString();
    const storeFile = running.store.path;
    await running.stop();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${storeFile}${suffix}`, { force: true });
    running = await startCell(data.dir, cell, [], store);
    expect(running.readModel.countRecords({ measureName: 'invoice_event' })).toBe(0);

    // Act
    const replay = await bems(data.dir, ['replay', '--from', startedAt, '--to', endedAt, '--json']);
    await waitFor(
      'the archive replayed into the store',
      () => running.readModel.countRecords({ measureName: 'invoice_event' }) >= expectedRecords,
      120_000,
    );
    await waitFor('the pipeline drained', () => waitForDrain(running.apiUrl, 0));

    // Assess
    expect(replay.code, replay.err).toBe(0);
    expect(JSON.parse(replay.out)).toMatchObject({ state: 'COMPLETED', cancelled: false });
    expect(running.readModel.duplicateIdentities()).toEqual([]);
    for (const stage of STAGES) {
      const ids = running.readModel.eventIds({ stage, consumer: 'recorder', measureName: 'invoice_event' });
      expect(ids.sort(), stage).toEqual(accepted[stage].map((e) => e.eventId).sort());
    }
    const escalations = running.readModel.eventIds({ stage: 'authorization', consumer: 'escalations' });
    expect(escalations.sort()).toEqual(
      accepted.authorization
        .filter((e) => e.status === 'escalated')
        .map((e) => e.eventId)
        .sort(),
    );
    expect(snapshot()).toEqual(before);
    const [replayed] = running.store.query<{ n: number }>(
      'SELECT count(*) AS n FROM invoice_events WHERE replayed = 1',
    );
    expect(replayed!.n).toBe(expectedRecords);
  }, 240_000);
});

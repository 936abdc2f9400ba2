import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerQueryStore } from '../../../dashboards/WorkerQueryStore.ts';
import { EVENTS } from './dashboardFixture.ts';
import { type SeededStore, startSeededStore } from './seededStore.ts';

describe('WorkerQueryStore', () => {
  let seeded: SeededStore;
  let store: WorkerQueryStore;

  beforeAll(async () => {
    seeded = await startSeededStore(EVENTS);
    store = new WorkerQueryStore(seeded.store.path, 200);
  });
  afterAll(async () => {
    await store?.close();
    await seeded?.stop();
  });

  it('answers exactly what the store answers on its own connection', async () => {
    const sql =
      'SELECT invoice_id, stage, status, CAST(amount_minor AS TEXT) AS minor FROM invoice_events ORDER BY time_ms, event_id';
    expect(await store.query(sql)).toEqual(seeded.store.query(sql));
    expect(await store.query('SELECT count(*) AS n FROM invoice_events WHERE currency = ?', ['EUR'])).toEqual([
      { n: EVENTS.filter((e) => e.currency === 'EUR').length },
    ]);
  });

  it('runs concurrent queries and keeps their answers apart', async () => {
    const answers = await Promise.all(
      ['INV-A', 'INV-B', 'INV-C'].map((id) =>
        store.query('SELECT count(*) AS n FROM invoice_events WHERE invoice_id = ?', [id]),
      ),
    );
    expect(answers).toEqual([[{ n: 5 }], [{ n: 2 }], [{ n: 3 }]]);
  });

  it('rejects a bad statement with the SQLite message, and cannot write', async () => {
    await expect(store.query('SELECT nope FROM invoice_events')).rejects.toThrow(/no such column: nope/);
    await expect(store.query('DELETE FROM records')).rejects.toThrow(/readonly/);
    expect(seeded.store.countRecords()).toBe(EVENTS.length);
  });

  it('stops its worker when idle and starts a new one on the next query', async () => {
    await store.query('SELECT 1');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((store as unknown as { worker?: unknown }).worker).toBeUndefined();
    expect(await store.query('SELECT 2 AS two')).toEqual([{ two: 2 }]);
  });
});

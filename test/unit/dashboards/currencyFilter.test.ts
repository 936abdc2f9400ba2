import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalSql } from '../../../dashboards/localSql.ts';
import { DashboardQueries } from '../../../dashboards/queries.ts';
import type { TimeRange } from '../../../dashboards/timeRange.ts';
import type { ViewData } from '../../../dashboards/viewData.ts';
import { SOURCES, VIEW_IDS } from '../../../dashboards/views.ts';
import { EVENTS, HOUR, WINDOW } from './dashboardFixture.ts';
import { type SeededStore, startSeededStore } from './seededStore.ts';

/**
 * The currency filter applies to every panel: a view filtered to one currency is exactly the view of
 * a store that holds only that currency's invoices — every KPI, chart, table, the stuck list and the
 * anomaly series alike. Only the currency selector's list (every currency of the range) and the live
 * queue depths (not kept per currency) are the same with or without the filter.
 */
const RANGE: TimeRange = { ...WINDOW, bucket: '1h', bucketMs: HOUR };
const CURRENCIES = [...new Set(EVENTS.map((e) => e.currency))];
const PRIMARY = { ingestion: 'recorder', reconciliation: 'recorder', authorization: 'recorder', posting: 'recorder' };

/**
 * Panels whose figures are the store's own write times (END_TO_END_VISIBILITY, `endToEnd` on the
 * operations view): two stores seeded a moment apart differ there whatever the filter; that panel's
 * filter is covered by the check of every source below.
 */
const WRITE_TIME_PANELS = new Set(['endToEnd']);

function comparable(view: ViewData) {
  const { currencies: _list, currency: _filter, generatedAt: _at, panels, ...rest } = view;
  return { ...rest, panels: Object.fromEntries(Object.entries(panels).filter(([id]) => !WRITE_TIME_PANELS.has(id))) };
}

describe('currency filter', () => {
  let all: SeededStore;
  const only = new Map<string, SeededStore>();

  beforeAll(async () => {
    all = await startSeededStore(EVENTS);
    for (const currency of CURRENCIES) {
      only.set(currency, await startSeededStore(EVENTS.filter((e) => e.currency === currency)));
    }
  });
  afterAll(async () => {
    await all?.stop();
    for (const store of only.values()) await store.stop();
  });

  it('puts the filter into every source of the local SQL, whatever the time field', () => {
    const sql = new LocalSql({
      primaryConsumers: PRIMARY,
      slaSecondsByStage: { ingestion: 900, reconciliation: 900, authorization: 900, posting: 900 },
    });
    for (const source of SOURCES) {
      for (const timeField of ['occurred', 'processed'] as const) {
        const query = sql.source(source, { ...RANGE, currency: 'XTS' }, timeField);
        expect(query.params, `${source}/${timeField}`).toContain('XTS');
        expect(query.sql.match(/\?/g)?.length, `${source}/${timeField}`).toBe(query.params.length);
      }
    }
    expect(sql.stuck(RANGE.toMs, 86_400_000, 10, 'XTS').params).toContain('XTS');
  });

  it.each(VIEW_IDS)(
    '%s view: filtered to a currency equals the view of that currency’s invoices alone',
    async (viewId) => {
      const queriesOver = (s: SeededStore) => new DashboardQueries(s.store, { now: () => WINDOW.toMs });
      for (const currency of CURRENCIES) {
        // Act
        const filtered = await queriesOver(all).view(viewId, { ...RANGE, currency });
        const alone = await queriesOver(only.get(currency)!).view(viewId, RANGE);
        // Assess
        expect(filtered.currency).toBe(currency);
        expect(comparable(filtered), `${viewId} in ${currency}`).toEqual(comparable(alone));
      }
    },
  );

  it('keeps every currency of the range in the selector, and every currency without a filter', async () => {
    const queries = new DashboardQueries(all.store, { now: () => WINDOW.toMs });
    const unfiltered = await queries.view('finance', RANGE);
    const filtered = await queries.view('finance', { ...RANGE, currency: 'JPY' });
    expect(unfiltered.currency).toBeNull();
    expect(filtered.currencies).toEqual(unfiltered.currencies);
    expect([...filtered.currencies].sort()).toEqual(
      [
        ...new Set(
          EVENTS.filter((e) => e.occurredAtMs >= WINDOW.fromMs && e.occurredAtMs < WINDOW.toMs).map((e) => e.currency),
        ),
      ].sort(),
    );
  });
});

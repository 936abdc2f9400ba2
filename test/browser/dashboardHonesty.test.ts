// The functions passed to page.evaluate run in Chromium; the DOM types are for them only.
/// <reference lib="dom" />
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnomalyPanelData, KpiPanelData, TablePanelData } from '../../dashboards/viewData.ts';
import type { InvoiceEvent } from '../../schemas/invoiceEvent.ts';
import { buildInvoiceEvent } from '../helpers/invoiceEvents.ts';
import { seedDashboardEvents } from './dashboardSeed.ts';
import {
  chartsOf,
  type DashboardSession,
  latestPerInvoice,
  nextLoad,
  openView,
  startDashboardSession,
} from './dashboardSession.ts';

/**
 * Issue 19, "dashboards that don't mislead", in Chromium against a local cell fed real events: the
 * currency filter reaches every panel, each SLA figure names its SLA, anomalies ignore quiet
 * periods and state their method, one unit per axis, ISO dates with their time zone, CSV export of
 * every table, and empty states that say what to do.
 */

/** Vendor names a CSV must quote or neutralise: a comma, quotes, and a formula. */
const AWKWARD_VENDORS = ['Smith, "Jones" & Co', '=HYPERLINK("http://x")'];

function seedWithAwkwardVendors(nowMs: number): InvoiceEvent[] {
  const extra = AWKWARD_VENDORS.map((name, i) =>
    buildInvoiceEvent('ingestion', {
      invoiceId: `INV-CSV-${i}`,
      status: 'captured',
      amount: '1234.50',
      currency: 'GBP',
      occurredAt: new Date(nowMs - (3 + i) * 3_600_000).toISOString(),
      vendor: { vendorId: `V-CSV-${i}`, name },
    }),
  );
  return [...seedDashboardEvents(nowMs), ...extra];
}

/** RFC 4180 parsing, for the test: quoted fields with doubled quotes, CRLF line ends. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const next = text[i + 1];
    i += 1;
    if (quoted && ch === '"' && next === '"') {
      field += '"';
      i += 1;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (!quoted && ch === ',') {
      row.push(field);
      field = '';
    } else if (!quoted && ch === '\r' && next === '\n') {
      rows.push([...row, field]);
      row = [];
      field = '';
      i += 1;
    } else {
      field += ch;
    }
  }
  return rows;
}

describe('dashboards that do not mislead (Chromium)', () => {
  let session: DashboardSession;
  let page: Page;
  let day: string;

  beforeAll(async () => {
    session = await startDashboardSession(seedWithAwkwardVendors, { timezoneId: 'Asia/Kolkata' });
    page = session.page;
    day = `range=custom&from=${session.fromMs}&to=${session.toMs}`;
  });
  afterAll(async () => session?.stop());

  it('applies the currency filter to every panel: unposted count, vendor table, stuck list, counts', async () => {
    const usd = session.events.filter((e) => e.currency === 'USD');
    const api = await openView(session, 'finance', `${day}&currency=EUR`);
    expect(api.currency).toBe('EUR');

    // Act
    await nextLoad(page, () => page.getByRole('combobox', { name: /^Currency\b/ }).selectOption('USD'));

    // Assess: the KPIs and the table show USD invoices only, as the seed implies.
    const unposted = latestPerInvoice(usd).filter(
      (e) => !(e.stage === 'posting' && e.status === 'posted') && e.status !== 'rejected' && e.status !== 'reversed',
    );
    expect(await page.locator('#view-finance [data-kpi="open"] .kpi-value').textContent()).toBe(
      String(unposted.length),
    );
    const currencies = await page
      .locator('#view-finance [data-panel="vendorValue"] td[data-column="currency"]')
      .allTextContents();
    expect(new Set(currencies)).toEqual(new Set(['USD']));
    expect(new URL(page.url()).searchParams.get('currency')).toBe('USD');
    const chips = await page.locator('#view-finance .scope-chip').allTextContents();
    expect(chips.filter(Boolean).every((chip) => chip === 'USD')).toBe(true);

    // The operations view keeps the choice: events and stuck invoices of USD only, queues marked as all currencies.
    await nextLoad(page, () => page.getByRole('tab', { name: 'Operations' }).click());
    const ops = (await page.evaluate(
      () =>
        (window as unknown as { bemsDashboard: { state: { data: Record<string, unknown> } } }).bemsDashboard.state.data
          .operations,
    )) as {
      panels: Record<string, unknown>;
    };
    const processed = (ops.panels.headline as KpiPanelData).items.find((i) => i.id === 'processed')!;
    expect(processed.value).toBe(String(usd.length));
    const stuckCurrencies = await page
      .locator('#view-operations [data-panel="stuck"] tbody td:nth-child(5)')
      .allTextContents();
    expect(stuckCurrencies.length).toBeGreaterThan(0);
    expect(stuckCurrencies.every((text) => text.endsWith(' USD'))).toBe(true);
    expect(await page.locator('#view-operations [data-panel="queues"] .scope-chip').textContent()).toBe(
      'All currencies',
    );
    expect(await page.locator('#view-operations [data-panel="queues"] .scope-note').textContent()).toMatch(
      /not split by currency/,
    );
  });

  it('says which SLA each figure belongs to, with its definition', async () => {
    await openView(session, 'operations', `${day}&currency=`);
    const within = page.locator('[data-kpi="withinSla"]');
    const stuck = page.locator('[data-kpi="stuck"]');
    expect(await within.locator('.kpi-label').textContent()).toBe('Recorded within 2 min');
    expect(await within.locator('.kpi-badge').textContent()).toBe('Visibility SLA · 2 min');
    expect(await within.getAttribute('title')).toMatch(
      /^Visibility SLA: share of the range's events recorded within 2 min/,
    );
    expect(await stuck.locator('.kpi-label').textContent()).toBe('Stuck past stage SLA');
    expect(await stuck.locator('.kpi-badge').textContent()).toBe('Stage SLA · 15 min');
    expect(await stuck.getAttribute('title')).toMatch(/^Stage SLA: .*A different clock from the 2 min visibility SLA/);
    // The definition is the card's accessible description too.
    const described = await stuck.getAttribute('aria-describedby');
    expect(await page.locator(`[id="${described}"]`).textContent()).toBe(await stuck.getAttribute('title'));
  });

  it('ignores quiet hours in anomaly detection and states the method on the panel', async () => {
    // A week of hourly intervals: 20 active hours and 148 quiet ones; the old rule flagged every active hour.
    const api = await openView(session, 'operations', 'range=7d&bucket=1h&currency=');
    const data = api.panels.volumeAnomalies as AnomalyPanelData;
    expect(data.verdicts.filter((v) => v === 'quiet').length).toBeGreaterThan(100);
    expect(data.anomalies.length).toBe(1);
    const items = await page.locator('#view-operations .anomaly-list li').allTextContents();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC: \d+ events \(z [\d.]+\)$/);
    expect(await page.locator('#view-operations [data-panel="volumeAnomalies"] .panel-desc').textContent()).toMatch(
      /robust z-score .* empty and quiet intervals are neither baseline nor flagged/,
    );
    const chart = (await chartsOf(page, 'operations')).find((c) => c.panel === 'volumeAnomalies')!;
    const colours = chart.datasets[0]!.colours as string[];
    expect(new Set(data.verdicts.map((v, i) => `${v}:${colours[i]}`)).size).toBe(new Set(data.verdicts).size);
  });

  it('uses one unit per value axis and per latency column', async () => {
    await openView(session, 'operations', `${day}&currency=`);
    for (const chart of await chartsOf(page, 'operations')) {
      const units = new Set(chart.valueTicks.map((tick) => tick.replace(/^[\d.,-]+\s?/, '')));
      expect(units.size, `${chart.panel}: ${chart.valueTicks.join(' / ')}`).toBe(1);
    }
    const latency = (await chartsOf(page, 'operations')).find((c) => c.panel === 'latency')!;
    expect(latency.valueTitle).toMatch(/^Latency \((ms|s|min)\)$/);
    const cells = await page
      .locator('#view-operations [data-panel="latencyByStage"] td[data-column^="p"]')
      .allTextContents();
    expect(new Set(cells.filter((c) => c !== '—').map((c) => c.split(' ')[1])).size).toBe(1);
  });

  it('writes every date as ISO 8601 with its time zone, UTC unless the viewer picks another', async () => {
    await openView(session, 'operations', `${day}&currency=`);
    const throughput = (await chartsOf(page, 'operations')).find((c) => c.panel === 'throughput')!;
    for (const label of throughput.labels) expect(label).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(throughput.categoryTitle).toBe('Time (UTC)');
    expect(await page.locator('#view-operations [data-panel="stuck"] th').nth(5).textContent()).toBe(
      'Last event (UTC)',
    );
    const firstKey = new Date(Math.floor(session.fromMs / 3_600_000) * 3_600_000);
    expect(throughput.labels[0]).toBe(firstKey.toISOString().slice(0, 16).replace('T', ' '));

    // Act: the browser's own zone (India, UTC+05:30, no daylight saving time; ICU may call it Asia/Calcutta).
    await page.getByRole('combobox', { name: /^Time zone\b/ }).selectOption({ index: 1 });

    // Assess
    const shifted = (await chartsOf(page, 'operations')).find((c) => c.panel === 'throughput')!;
    const plus530 = new Date(firstKey.getTime() + 5.5 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
    expect(shifted.labels[0]).toBe(plus530);
    expect(shifted.categoryTitle).toMatch(/^Time \(Asia\/(Kolkata|Calcutta)\)$/);
    expect(await page.locator('#status').textContent()).toMatch(/Asia\/(Kolkata|Calcutta)/);
    expect(new URL(page.url()).searchParams.get('tz')).toMatch(/^Asia\/(Kolkata|Calcutta)$/);
  });

  it('exports each table as CSV with exact values, quoting and formula neutralising', async () => {
    const api = await openView(session, 'finance', `${day}&currency=GBP`);
    const table = api.panels.vendorValue as TablePanelData;

    // Act
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#view-finance [data-panel="vendorValue"] .csv-button').click(),
    ]);

    // Assess
    expect(download.suggestedFilename()).toMatch(/^bems-finance-vendorValue-\d{8}-\d{4}-\d{8}-\d{4}\.csv$/);
    const rows = parseCsv(readFileSync((await download.path())!, 'utf8'));
    expect(rows[0]).toEqual(table.columns.map((c) => c.label));
    const expected = table.rows.map((row) =>
      table.columns.map((c) => {
        const value = String(row[c.key] ?? '');
        return c.format === 'text' && /^[=+\-@]/.test(value) ? `'${value}` : value;
      }),
    );
    expect(rows.slice(1)).toEqual(expected);
    expect(rows.slice(1).map((r) => r[0])).toEqual(
      expect.arrayContaining(['Smith, "Jones" & Co', `'=HYPERLINK("http://x")`]),
    );

    // Every table of every view has the button, the stuck list included.
    for (const view of ['operations'] as const) {
      await openView(session, view, `${day}&currency=`);
      const tables = await page.locator(`#view-${view} table`).count();
      expect(await page.locator(`#view-${view} .csv-button`).count()).toBe(tables);
    }
  });

  it('says what to do when a range has nothing to show', async () => {
    const yearAgo = session.toMs - 366 * 86_400_000;
    await openView(session, 'executive', `range=custom&from=${yearAgo}&to=${yearAgo + 86_400_000}&currency=`);
    const notes = await page.locator('#view-executive .empty-note').allTextContents();
    expect(notes.length).toBeGreaterThanOrEqual(4);
    for (const note of notes) expect(note).toMatch(/widen the time range|choose a currency/);
    expect(notes.some((n) => n.includes('send one with POST /invoices/ingestion'))).toBe(true);
    await openView(session, 'finance', `range=custom&from=${yearAgo}&to=${yearAgo + 86_400_000}&currency=EUR`);
    expect(await page.locator('#view-finance [data-panel="vendorValue"] .empty-note').textContent()).toBe(
      'No EUR invoices in this range — widen the time range or choose another currency.',
    );
    expect(session.pageErrors).toEqual([]);
  });
});

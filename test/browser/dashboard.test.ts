// The functions passed to page.evaluate run in Chromium; the DOM types are for them only.
/// <reference lib="dom" />
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AnomalyPanelData,
  InvoiceTimeline,
  KpiPanelData,
  SeriesPanelData,
  StuckPanelData,
  TablePanelData,
  ViewData,
} from '../../dashboards/viewData.ts';
import { VIEW_IDS, type ViewId } from '../../dashboards/views.ts';
import type { InvoiceEvent } from '../../schemas/invoiceEvent.ts';
import { fromMinorUnits, toMinorUnits } from '../../schemas/money.ts';
import { FINAL_STATUSES, STAGES, type Stage } from '../../schemas/stages.ts';
import { seedDashboardEvents } from './dashboardSeed.ts';
import { type DashboardSession, latestPerInvoice, startDashboardSession } from './dashboardSession.ts';

/**
 * The local dashboard in headless Debian Chromium: a local cell on port 0 is fed a known day of
 * events through its real API; the test opens each view and checks that every KPI and chart shows
 * the numbers the query endpoints return, and that those numbers are the ones the seeded events
 * imply (computed here independently, for the currency the page is filtered by). It takes a screenshot of each view: into docs/screenshots/
 * with `BEMS_UPDATE_SCREENSHOTS=1` (to refresh the README's pictures), else into a temp directory,
 * so an ordinary test run leaves the working tree as it was.
 */

const SCREENSHOTS =
  process.env.BEMS_UPDATE_SCREENSHOTS === '1'
    ? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots')
    : mkdtempSync(join(tmpdir(), 'bems-screenshots-'));
const CURRENCY = 'EUR';

interface RenderedChart {
  readonly panel: string;
  readonly canvas: string;
  readonly labels: string[];
  readonly datasets: { label: string; data: (number | null)[] }[];
}

/** What the page shows: KPI texts and the data each Chart.js instance draws (reference lines left out). */
async function rendered(page: Page, view: ViewId) {
  return page.evaluate((viewId) => {
    const root = document.getElementById(`view-${viewId}`)!;
    const kpis = [...root.querySelectorAll<HTMLElement>('[data-kpi]')].map((card) => ({
      id: card.dataset.kpi!,
      text: card.querySelector('.kpi-value')!.textContent!,
    }));
    const ChartJs = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): unknown } }).Chart;
    const charts = [...root.querySelectorAll<HTMLCanvasElement>('canvas')].flatMap((canvas) => {
      const chart = ChartJs.getChart(canvas) as
        | { data: { labels: string[]; datasets: { label: string; data: (number | null)[]; bemsRole?: string }[] } }
        | undefined;
      if (!chart) return [];
      return [
        {
          panel: canvas.closest<HTMLElement>('[data-panel]')!.dataset.panel!,
          canvas: canvas.id,
          labels: [...chart.data.labels],
          datasets: chart.data.datasets.filter((d) => !d.bemsRole).map((d) => ({ label: d.label, data: [...d.data] })),
        },
      ];
    });
    const tables = Object.fromEntries(
      [...root.querySelectorAll<HTMLElement>('[data-panel]')].map((panel) => [
        panel.dataset.panel!,
        [...panel.querySelectorAll('tbody tr')].map((tr) =>
          Object.fromEntries(
            [...tr.querySelectorAll<HTMLElement>('td[data-column]')].map((td) => [
              td.dataset.column!,
              td.dataset.value!,
            ]),
          ),
        ),
      ]),
    );
    return { kpis, charts, tables, lastQuery: document.body.dataset.lastQuery! };
  }, view) as Promise<{
    kpis: { id: string; text: string }[];
    charts: RenderedChart[];
    tables: Record<string, Record<string, string>[]>;
    lastQuery: string;
  }>;
}

/** The chart data the endpoint returned for one series panel, for the currency the page shows. */
function expectedSeries(data: SeriesPanelData) {
  const group = data.groups.find((g) => g.currency === null) ?? data.groups.find((g) => g.currency === CURRENCY);
  return group && { labels: group.labels, datasets: group.series.map((s) => ({ label: s.label, data: s.values })) };
}

describe('local dashboard in headless Chromium', () => {
  let session: DashboardSession;
  let page: Page;
  /** The seeded events of the currency the page is filtered by. */
  let events: InvoiceEvent[];
  let fromMs: number;
  let toMs: number;

  beforeAll(async () => {
    session = await startDashboardSession(seedDashboardEvents);
    ({ page, fromMs, toMs } = session);
    events = session.events.filter((e) => e.currency === CURRENCY);
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await session?.stop();
    if (process.env.BEMS_UPDATE_SCREENSHOTS !== '1') rmSync(SCREENSHOTS, { recursive: true, force: true });
  });

  async function open(view: ViewId): Promise<{ api: ViewData; shown: Awaited<ReturnType<typeof rendered>> }> {
    await page.goto(
      `${session.cell.apiUrl}/dashboard?view=${view}&range=custom&from=${fromMs}&to=${toMs}&currency=${CURRENCY}&refresh=0`,
    );
    await page.waitForFunction((v) => document.body.dataset.renderedView === v && !document.body.dataset.loading, view);
    const shown = await rendered(page, view);
    expect(shown.lastQuery).toBe(`/api/views/${view}?from=${fromMs}&to=${toMs}&bucket=1h&currency=${CURRENCY}`);
    const response = await fetch(`${session.cell.apiUrl}${shown.lastQuery}`);
    expect(response.status).toBe(200);
    return { api: (await response.json()) as ViewData, shown };
  }

  /**
   * Every KPI card, chart and table on screen equals the endpoint's data. Queue depths are live (read
   * from SQS at request time, not from the recorded range), so for them the same queues must be listed
   * with whole numbers; everything else is a function of the range and must match exactly.
   */
  function expectPageMatchesApi(api: ViewData, shown: Awaited<ReturnType<typeof rendered>>) {
    const live = (text: string) => (/^(\d+|—)$/.test(text) ? 'live number' : text);
    const kpiPanel = api.panels.headline as KpiPanelData;
    const expectedKpis = kpiPanel.items
      .filter((i) => i.currency === null || i.currency === CURRENCY)
      .map((i) => ({ id: i.id, text: i.id === 'dlq' ? 'live number' : (i.value ?? '—') }));
    expect(
      shown.kpis.map((k) => {
        const text = k.text.replaceAll(',', '');
        return { id: k.id, text: k.id === 'dlq' ? live(text) : text };
      }),
    ).toEqual(expectedKpis);

    for (const chart of shown.charts) {
      const data = api.panels[chart.panel]!;
      if (data.kind === 'series') {
        expect(chart, chart.panel).toEqual({ ...chart, ...expectedSeries(data) });
      } else if (data.kind === 'anomalies') {
        expect(chart.labels).toEqual((data as AnomalyPanelData).labels);
        expect(chart.datasets[0]?.data).toEqual((data as AnomalyPanelData).counts);
      } else if (data.kind === 'stuck') {
        expect(chart.datasets[0]?.data).toEqual((data as StuckPanelData).byStage.map((s) => s.count));
      } else {
        throw new Error(`unexpected chart in panel ${chart.panel} (${data.kind})`);
      }
    }
    // Every series panel with data for the shown currency has a chart.
    const drawn = new Set(shown.charts.map((c) => c.panel));
    for (const [id, data] of Object.entries(api.panels)) {
      if (data.kind === 'series' && expectedSeries(data)) expect(drawn.has(id), id).toBe(true);
    }
    for (const [id, data] of Object.entries(api.panels)) {
      if (data.kind !== 'table' || (data as TablePanelData).rows.length === 0) continue;
      const table = data as TablePanelData;
      if (id === 'queues') {
        expect(shown.tables[id]!.map((row) => row.queue)).toEqual(table.rows.map((row) => row.queue));
        for (const row of shown.tables[id]!) expect(row.waiting, row.queue).toMatch(/^\d+$/);
        continue;
      }
      expect(shown.tables[id], id).toEqual(
        table.rows.map((row) =>
          Object.fromEntries(table.columns.map((c) => [c.key, row[c.key] === null ? '' : String(row[c.key])])),
        ),
      );
    }
  }

  it('serves the page and every asset from the cell itself (works offline)', async () => {
    await open('executive');
    const origin = new URL(session.cell.apiUrl).origin;
    const foreign = session.requestedUrls.filter((url) => !url.startsWith(origin) && !url.startsWith('data:'));
    expect(foreign).toEqual([]);
    expect(session.requestedUrls.some((url) => url.endsWith('/dashboard/assets/chart.umd.min.js'))).toBe(true);
    expect(session.pageErrors).toEqual([]);
  });

  it('executive view: KPIs and charts show the endpoint numbers, which match the seeded events', async () => {
    const { api, shown } = await open('executive');
    expectPageMatchesApi(api, shown);

    // Assess against the seed, computed independently of the SQL.
    const kpis = Object.fromEntries((api.panels.headline as KpiPanelData).items.map((i) => [i.id, i.value]));
    expect(kpis.events).toBe(String(events.length));
    expect(kpis.invoices).toBe(String(new Set(events.map((e) => e.invoiceId)).size));
    const latest = latestPerInvoice(events);
    expect(kpis.posted).toBe(String(latest.filter((e) => e.stage === 'posting' && e.status === 'posted').length));
    const sum = latest.reduce((total, e) => total + toMinorUnits(e.amount, e.currency), 0n);
    expect(kpis[`value:${CURRENCY}`]).toBe(fromMinorUnits(sum, CURRENCY));
    expect(Object.keys(kpis).filter((id) => id.startsWith('value:'))).toEqual([`value:${CURRENCY}`]);
    const funnel = (api.panels.conversion as SeriesPanelData).groups[0]!.series[0]!.values;
    const cohort = new Set(events.filter((e) => e.stage === 'ingestion').map((e) => e.invoiceId));
    expect(funnel).toEqual(
      STAGES.map(
        (stage) =>
          new Set(events.filter((e) => e.stage === stage && cohort.has(e.invoiceId)).map((e) => e.invoiceId)).size,
      ),
    );

    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-executive.png'), fullPage: true });
  });

  it('operations view: throughput, latency, stuck invoices and the volume anomaly', async () => {
    const { api, shown } = await open('operations');
    expectPageMatchesApi(api, shown);

    const stuck = api.panels.stuck as StuckPanelData;
    const expectedStuck = latestPerInvoice(events).filter(
      (e) =>
        !(FINAL_STATUSES[e.stage as Stage] as readonly string[]).includes(e.status) &&
        Date.parse(e.occurredAt) < toMs - 900_000,
    );
    expect(stuck.total).toBe(expectedStuck.length);
    expect(stuck.invoices.map((i) => i.invoiceId).sort()).toEqual(expectedStuck.map((e) => e.invoiceId).sort());
    const throughput = (api.panels.throughput as SeriesPanelData).groups[0]!;
    const total = throughput.series.reduce((sum, s) => sum + s.values.reduce<number>((a, v) => a + (v ?? 0), 0), 0);
    expect(total).toBe(events.length);
    expect((api.panels.volumeAnomalies as AnomalyPanelData).anomalies.length).toBeGreaterThan(0);
    const queues = api.panels.queues as TablePanelData;
    expect(queues.rows.length).toBe(session.cell.topology.stages.reduce((n, s) => n + 1 + s.consumers.length, 0));

    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-operations.png'), fullPage: true });
  });

  it('drills down from a stuck invoice to its timeline', async () => {
    const { api } = await open('operations');
    const first = (api.panels.stuck as StuckPanelData).invoices[0]!;
    const timeline = (await (
      await fetch(`${session.cell.apiUrl}/api/invoices/${first.invoiceId}/timeline`)
    ).json()) as InvoiceTimeline;

    // Act
    await page.getByRole('button', { name: `Show timeline of invoice ${first.invoiceId}` }).click();

    // Assess
    const items = page.locator('#view-operations .timeline li');
    await expect.poll(() => items.count()).toBe(timeline.events.length);
    expect(await items.first().locator('strong').textContent()).toBe(
      `${timeline.events[0]!.stage} · ${timeline.events[0]!.status}`,
    );
    expect(timeline.events.map((e) => e.stage)).toEqual(
      events.filter((e) => e.invoiceId === first.invoiceId).map((e) => e.stage),
    );
  });

  it('finance view: cash flow, aging and value by vendor', async () => {
    const { api, shown } = await open('finance');
    expectPageMatchesApi(api, shown);

    const unposted = latestPerInvoice(events).filter(
      (e) => !(e.stage === 'posting' && e.status === 'posted') && e.status !== 'rejected' && e.status !== 'reversed',
    );
    const kpis = Object.fromEntries((api.panels.headline as KpiPanelData).items.map((i) => [i.id, i.value]));
    expect(kpis.open).toBe(String(unposted.length));
    const weekly = (api.panels.cashFlowWeekly as SeriesPanelData).groups.find((g) => g.currency === CURRENCY)!;
    const projected = weekly.series
      .flatMap((s) => s.exact!)
      .reduce((sum, text) => sum + toMinorUnits(text, CURRENCY), 0n);
    const payable = latestPerInvoice(events).filter(
      (e) => e.currency === CURRENCY && e.status !== 'rejected' && e.status !== 'reversed',
    );
    expect(projected).toBe(payable.reduce((sum, e) => sum + toMinorUnits(e.amount, CURRENCY), 0n));

    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-finance.png'), fullPage: true });
  });

  it('filters by time range from the toolbar and labels every control', async () => {
    await open('executive');
    const before = await page.evaluate(() => Number(document.body.dataset.loads));

    // Act
    await page.getByLabel('Time range').selectOption('1h');
    await page.waitForFunction(
      (n) => Number(document.body.dataset.loads) > n && !document.body.dataset.loading,
      before,
    );

    // Assess
    const query = new URL(await page.evaluate(() => document.body.dataset.lastQuery!), session.cell.apiUrl);
    expect(Number(query.searchParams.get('to')) - Number(query.searchParams.get('from'))).toBe(3_600_000);
    expect(query.searchParams.get('bucket')).toBe('1m');
    expect(new URL(page.url()).searchParams.get('range')).toBe('1h');
    for (const name of ['Time range', 'Interval', 'Currency', 'Time zone', 'Auto-refresh']) {
      await expect.poll(() => page.getByRole('combobox', { name: new RegExp(`^${name}\\b`) }).count()).toBe(1);
    }
    await expect.poll(() => page.getByRole('button', { name: 'Refresh now' }).count()).toBe(1);
    expect(await page.getByRole('tab').allTextContents()).toEqual(
      VIEW_IDS.map((v) => v[0]!.toUpperCase() + v.slice(1)),
    );
    const unnamedCanvases = await page.locator('canvas:not([aria-label])').count();
    expect(unnamedCanvases).toBe(0);
  });

  it('refreshes on its own when auto-refresh is on', async () => {
    await page.goto(`${session.cell.apiUrl}/dashboard?view=operations&range=24h&refresh=15`);
    await page.waitForFunction(() => Number(document.body.dataset.loads) >= 1);
    // Speed the clock-driven refresh up: the page re-reads the interval when the select changes.
    await page.evaluate(() => {
      const select = document.getElementById('refresh') as HTMLSelectElement;
      select.add(new Option('test', '1'));
      select.value = '1';
      select.dispatchEvent(new Event('change'));
    });
    await page.waitForFunction(() => Number(document.body.dataset.loads) >= 3, undefined, { timeout: 10_000 });
    expect(session.pageErrors).toEqual([]);
  });
});

// The functions passed to page.evaluate run in Chromium; the DOM types are for them only.
/// <reference lib="dom" />
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { ViewData } from '../../dashboards/viewData.ts';
import type { ViewId } from '../../dashboards/views.ts';
import { type RunningLocalCell, startLocalCell } from '../../local/cell/LocalCell.ts';
import type { InvoiceEvent } from '../../schemas/invoiceEvent.ts';
import { STAGES } from '../../schemas/stages.ts';

/**
 * A local cell on port 0 fed a known set of events through its real API, and Debian's Chromium
 * (headless) on its dashboard: what the browser tests of the dashboard share.
 */

export const CHROMIUM = '/usr/bin/chromium';

export interface DashboardSession {
  readonly cell: RunningLocalCell;
  readonly browser: Browser;
  readonly page: Page;
  readonly events: InvoiceEvent[];
  /** Exactly a day ending just after the last event, so the headline compares with the same hours yesterday. */
  readonly fromMs: number;
  readonly toMs: number;
  readonly requestedUrls: string[];
  readonly pageErrors: string[];
  stop(): Promise<void>;
}

async function post(cell: RunningLocalCell, events: readonly InvoiceEvent[]): Promise<void> {
  for (const stage of STAGES) {
    const ofStage = events.filter((e) => e.stage === stage);
    for (let i = 0; i < ofStage.length; i += 10) {
      const response = await fetch(`${cell.apiUrl}/invoices/${stage}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': cell.apiKey },
        body: JSON.stringify({ events: ofStage.slice(i, i + 10) }),
      });
      expect(response.status, await response.clone().text()).toBe(202);
    }
  }
}

export async function startDashboardSession(
  seed: (nowMs: number) => InvoiceEvent[],
  context: BrowserContextOptions = {},
): Promise<DashboardSession> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (CI's .ci/run does)`);
  const dataDir = mkdtempSync(join(tmpdir(), 'bems-dashboard-'));
  const cell = await startLocalCell({ port: 0, dataDir, quiet: true });
  const events = seed(Date.now());
  await post(cell, events);
  const deadline = Date.now() + 60_000;
  while (cell.readModel.countRecords({ primaryOnly: true }) < events.length) {
    if (Date.now() > deadline) throw new Error('the local cell did not record every seeded event within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const toMs = Date.now() + 1;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true, ...context });
  const requestedUrls: string[] = [];
  const pageErrors: string[] = [];
  page.on('request', (request) => requestedUrls.push(request.url()));
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return {
    cell,
    browser,
    page,
    events,
    fromMs: toMs - 24 * 3_600_000,
    toMs,
    requestedUrls,
    pageErrors,
    stop: async () => {
      await browser.close();
      await cell.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Opens a view at `query` (URL parameters) and waits until it is drawn; returns the API's data behind it. */
export async function openView(session: DashboardSession, view: ViewId, query: string): Promise<ViewData> {
  const { page, cell } = session;
  await page.goto(`${cell.apiUrl}/dashboard?view=${view}&refresh=0&${query}`);
  await page.waitForFunction((v) => document.body.dataset.renderedView === v && !document.body.dataset.loading, view);
  const lastQuery = await page.evaluate(() => document.body.dataset.lastQuery!);
  const response = await fetch(`${cell.apiUrl}${lastQuery}`);
  expect(response.status).toBe(200);
  return (await response.json()) as ViewData;
}

/** Waits for the next load of the page after `act`. */
export async function nextLoad(page: Page, act: () => Promise<unknown>): Promise<void> {
  const before = await page.evaluate(() => Number(document.body.dataset.loads));
  await act();
  await page.waitForFunction((n) => Number(document.body.dataset.loads) > n && !document.body.dataset.loading, before);
}

/** The latest event of each invoice (later time wins, then later stage). */
export function latestPerInvoice(events: readonly InvoiceEvent[]): InvoiceEvent[] {
  const latest = new Map<string, InvoiceEvent>();
  for (const e of events) {
    const current = latest.get(e.invoiceId);
    const later =
      !current ||
      Date.parse(e.occurredAt) > Date.parse(current.occurredAt) ||
      (e.occurredAt === current.occurredAt && STAGES.indexOf(e.stage) > STAGES.indexOf(current.stage));
    if (later) latest.set(e.invoiceId, e);
  }
  return [...latest.values()];
}

interface ChartState {
  readonly panel: string;
  readonly labels: string[];
  readonly datasets: { label: string; data: (number | null)[]; role?: string; colours?: unknown }[];
  /** Tick labels of the value axis and its title; of the category axis' title. */
  readonly valueTicks: string[];
  readonly valueTitle: string;
  readonly categoryTitle: string;
}

/** Every Chart.js chart of a view as drawn: labels, data, tick texts and axis titles. */
export function chartsOf(page: Page, view: ViewId): Promise<ChartState[]> {
  return page.evaluate((viewId) => {
    type Scale = {
      axis: string;
      ticks: { label: string | string[] }[];
      options: { title: { text: string; display: boolean } };
    };
    const ChartJs = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): unknown } }).Chart;
    const root = document.getElementById(`view-${viewId}`)!;
    return [...root.querySelectorAll<HTMLCanvasElement>('canvas')].flatMap((canvas) => {
      const chart = ChartJs.getChart(canvas) as
        | {
            options: { indexAxis: string };
            scales: Record<string, Scale>;
            data: {
              labels: string[];
              datasets: { label: string; data: (number | null)[]; bemsRole?: string; backgroundColor?: unknown }[];
            };
          }
        | undefined;
      if (!chart) return [];
      const valueId = chart.options.indexAxis === 'y' ? 'x' : 'y';
      const categoryId = valueId === 'x' ? 'y' : 'x';
      return [
        {
          panel: canvas.closest<HTMLElement>('[data-panel]')!.dataset.panel!,
          labels: [...chart.data.labels],
          datasets: chart.data.datasets.map((d) => ({
            label: d.label,
            data: [...d.data],
            ...(d.bemsRole ? { role: d.bemsRole } : {}),
            colours: d.backgroundColor,
          })),
          valueTicks: chart.scales[valueId]!.ticks.map((t) => String(t.label)),
          valueTitle: chart.scales[valueId]!.options.title.text,
          categoryTitle: chart.scales[categoryId]!.options.title.display
            ? chart.scales[categoryId]!.options.title.text
            : '',
        },
      ];
    });
  }, view);
}

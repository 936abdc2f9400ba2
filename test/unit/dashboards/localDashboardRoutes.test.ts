import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardRoutes } from '../../../dashboards/localDashboardRoutes.ts';
import type { InvoiceTimeline, KpiPanelData, TablePanelData, ViewData } from '../../../dashboards/viewData.ts';
import { ErrorResponseSchema } from '../../../schemas/errorResponse.ts';
import { EVENTS, WINDOW } from './dashboardFixture.ts';
import { type SeededStore, startSeededStore } from './seededStore.ts';

const QUERY = `from=${WINDOW.fromMs}&to=${WINDOW.toMs}&bucket=1h`;

/** A health body shaped like the local cell's `GET /health`. */
function healthWith(dlqVisible: number) {
  const state = (name: string, visible: number) => ({
    name,
    visible,
    inFlight: 1,
    delayed: 0,
    oldestMessageAgeSeconds: visible ? 42 : null,
  });
  return async () => ({
    healthy: true,
    body: {
      status: 'ok',
      queues: [
        {
          ...state('bems-local-posting-inbox', 3),
          stage: 'posting',
          role: 'inbox',
          dlq: state('bems-local-posting-inbox-dlq', 0),
        },
        {
          ...state('bems-local-posting-recorder.fifo', 0),
          stage: 'posting',
          role: 'consumer',
          consumer: 'recorder',
          dlq: state('bems-local-posting-recorder-dlq.fifo', dlqVisible),
        },
      ],
    },
  });
}

describe('dashboard routes', () => {
  let seeded: SeededStore;

  beforeAll(async () => {
    seeded = await startSeededStore(EVENTS);
  });
  afterAll(async () => {
    await seeded?.stop();
  });

  it('serves the page with a same-origin-only CSP, three tabs and labelled controls', async () => {
    const app = dashboardRoutes({ store: seeded.store });
    const response = await app.request('/dashboard');
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(html.match(/role="tab"/g)).toHaveLength(3);
    for (const label of ['Time range', 'Interval', 'Currency', 'Auto-refresh'])
      expect(html).toMatch(new RegExp(`<label[^>]*>${label} <select`));
    expect(html).not.toMatch(/https?:\/\//);
    expect(html.match(/<canvas [^>]*aria-label="[^"]+"/g)?.length).toBe(html.match(/<canvas/g)?.length);
  });

  it('serves Chart.js and its own assets from disk, and nothing else', async () => {
    const app = dashboardRoutes({ store: seeded.store });
    const chart = await app.request('/dashboard/assets/chart.umd.min.js');
    expect(chart.status).toBe(200);
    expect(chart.headers.get('content-type')).toContain('javascript');
    expect(await chart.text()).toContain('Chart.js v4');
    expect((await app.request('/dashboard/assets/dashboard.css')).status).toBe(200);
    const missing = await app.request('/dashboard/assets/..%2Fqueries.ts');
    expect(missing.status).toBe(404);
    expect(ErrorResponseSchema.parse(await missing.json()).code).toBe('NOT_FOUND');
  });

  it('serves every module and stylesheet the page entry points import, with their content types', async () => {
    // Prepare: the entry points the page names, and the relative imports found in what is served.
    const app = dashboardRoutes({ store: seeded.store });
    const pending = ['dashboard.js', 'dashboard.css'];
    const served = new Set<string>();

    // Act: follow `import … from './x.js'` and `@import url("x.css")` from the entry points.
    while (pending.length > 0) {
      const name = pending.pop()!;
      if (served.has(name)) continue;
      const response = await app.request(`/dashboard/assets/${name}`);
      expect(response.status, name).toBe(200);
      expect(response.headers.get('content-type'), name).toContain(name.endsWith('.css') ? 'text/css' : 'javascript');
      served.add(name);
      const text = await response.text();
      for (const [, script, sheet] of text.matchAll(/from '\.\/([\w-]+\.js)'|@import url\("([\w-]+\.css)"\)/g)) {
        pending.push((script ?? sheet)!);
      }
    }

    // Assess: the page loads its entry points, which reach a module per concern and every stylesheet part.
    const html = await (await app.request('/dashboard')).text();
    expect(html).toContain('<script type="module" src="/dashboard/assets/dashboard.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="/dashboard/assets/dashboard.css">');
    expect(served).toContain('renderSeries.js');
    expect(served).toContain('format.js');
    expect(served).toContain('kpis.css');
  });

  it('answers a view query with the computed view', async () => {
    const app = dashboardRoutes({ store: seeded.store, now: () => WINDOW.toMs });
    const response = await app.request(`/api/views/executive?${QUERY}`);
    const body = (await response.json()) as ViewData;

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(body.view).toBe('executive');
    expect(body.range).toMatchObject({ fromMs: WINDOW.fromMs, toMs: WINDOW.toMs, bucket: '1h' });
    expect((body.panels.headline as KpiPanelData).items[0]).toMatchObject({ id: 'events', value: '26' });
  });

  it('refuses an unknown view, bad parameters and bad invoice ids with error responses', async () => {
    const app = dashboardRoutes({ store: seeded.store });
    const unknown = await app.request('/api/views/marketing');
    expect(unknown.status).toBe(404);
    expect(ErrorResponseSchema.parse(await unknown.json()).message).toMatch(/executive, operations, finance/);

    const bad = await app.request('/api/views/finance?from=yesterday&bucket=3m');
    expect(bad.status).toBe(400);
    const body = ErrorResponseSchema.parse(await bad.json());
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.issues?.map((i) => i.path)).toEqual(['from', 'bucket']);

    expect((await app.request('/api/invoices/bad%20id/timeline')).status).toBe(400);
    expect((await app.request('/api/invoices/INV-NONE/timeline')).status).toBe(404);
  });

  it('returns an invoice timeline', async () => {
    const app = dashboardRoutes({ store: seeded.store });
    const response = await app.request('/api/invoices/INV-A/timeline');
    const body = (await response.json()) as InvoiceTimeline;
    expect(response.status).toBe(200);
    expect(body.events.map((e) => e.status)).toEqual(['received', 'captured', 'matched', 'approved', 'posted']);
  });

  it('shows queue depths and DLQ counts from the cell health report', async () => {
    const app = dashboardRoutes({ store: seeded.store, health: healthWith(2), now: () => WINDOW.toMs });
    const body = (await (await app.request(`/api/views/operations?${QUERY}`)).json()) as ViewData;

    expect((body.panels.queues as TablePanelData).rows).toEqual([
      { queue: 'posting inbox', waiting: 3, inFlight: 1, dlq: 1, oldest: 42_000 },
      { queue: 'posting → recorder', waiting: 0, inFlight: 1, dlq: 3, oldest: null },
    ]);
    expect((body.panels.headline as KpiPanelData).items.find((i) => i.id === 'dlq')).toMatchObject({
      value: '4',
      alert: true,
    });
  });

  it('keeps the operations view up when the health report cannot be read', async () => {
    const health = async () => ({ healthy: false, body: { status: 'degraded', queues: [{ name: 42 }] } });
    const app = dashboardRoutes({ store: seeded.store, health, now: () => WINDOW.toMs });
    const body = (await (await app.request(`/api/views/operations?${QUERY}`)).json()) as ViewData;
    expect((body.panels.queues as TablePanelData).note).toMatch(/unavailable: health report: queues\.0\.name/);
    expect((body.panels.headline as KpiPanelData).items.find((i) => i.id === 'dlq')?.value).toBeNull();
  });
});

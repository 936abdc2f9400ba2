import { VIEWS } from './viewDefinitions/index.ts';
import {
  BUCKET_IDS,
  DEFAULT_RANGE,
  DEFAULT_REFRESH_S,
  type Panel,
  RANGE_PRESETS,
  REFRESH_INTERVALS_S,
  VIEW_IDS,
  type ViewDef,
} from './views.ts';

/**
 * The dashboard page, rendered from the view definition: one tab per view, one card per panel. The
 * page holds no data; `assets/dashboard.js` fills the cards from the query endpoints. No inline script
 * or style, so the page runs under a strict Content-Security-Policy (`'self'` only, nothing remote).
 */

export interface DashboardPageOptions {
  readonly cellId: string;
  readonly region: string;
  /** Where the routes are mounted. @default '' (root) */
  readonly basePath?: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function refreshLabel(seconds: number): string {
  if (seconds === 0) return 'Off';
  return seconds < 60 ? `Every ${seconds} s` : `Every ${seconds / 60} min`;
}

function panelHtml(viewId: string, panel: Panel): string {
  const id = `${viewId}-${panel.id}`;
  const title = escapeHtml(panel.title);
  // The chip names the currency the panel shows (set by the page from the view's filter).
  const head = `<header class="panel-head"><div class="panel-title"><h2 id="${id}-title">${title}</h2><span class="scope-chip" aria-label="Currency shown"></span></div><p class="panel-desc">${escapeHtml(panel.description)}</p></header>`;
  const chart = (suffix = '', label = panel.title) =>
    `<div class="chart-box"><canvas id="${id}${suffix}-chart" role="img" aria-label="${escapeHtml(label)} chart"></canvas></div>`;
  let body: string;
  switch (panel.kind) {
    case 'kpis':
      return `<section class="panel kpi-strip w-12" id="${id}" data-panel="${panel.id}" data-kind="kpis" aria-labelledby="${id}-title">
  <h2 id="${id}-title" class="visually-hidden">${title}</h2>
  <div class="kpis" role="list"></div>
  <p class="kpi-comparison panel-desc"></p>
</section>`;
    case 'chart':
    case 'cashFlow':
    case 'anomalies':
      body = chart();
      if (panel.kind === 'anomalies') body += '<ul class="anomaly-list" aria-label="Anomalous intervals"></ul>';
      break;
    case 'latency':
      body = panel.by === 'time' ? chart() : '<div class="table-box"></div>';
      break;
    case 'queues':
    case 'visibility':
    case 'vendorTable':
      body = '<div class="table-box"></div>';
      break;
    case 'stuck':
      body = `<div class="stuck-layout">
    <div class="stuck-side">
      ${chart('', 'Stuck invoices per stage')}
      <aside class="timeline" aria-live="polite" aria-label="Invoice timeline"><p class="timeline-empty">Select an invoice to see its timeline.</p></aside>
    </div>
    <div class="table-box stuck-table"></div>
  </div>`;
      break;
  }
  return `<section class="panel w-${panel.width}" id="${id}" data-panel="${panel.id}" data-kind="${panel.kind}" aria-labelledby="${id}-title">
  ${head}
  <div class="panel-body">${body}</div>
</section>`;
}

/** Whether a view shows amounts: then it opens on one currency, since amounts are never added across currencies. */
export function viewHasMoney(view: ViewDef): boolean {
  return view.panels.some(
    (panel) =>
      (panel.kind === 'chart' && panel.measure === 'value') ||
      panel.kind === 'cashFlow' ||
      panel.kind === 'vendorTable' ||
      (panel.kind === 'kpis' && panel.items.some((item) => item.kind === 'measure' && item.perCurrency)),
  );
}

export function renderDashboardPage(options: DashboardPageOptions): string {
  const base = options.basePath ?? '';
  const tabs = VIEW_IDS.map(
    (id, i) =>
      `<button type="button" role="tab" id="tab-${id}" aria-controls="view-${id}" aria-selected="${i === 0}" tabindex="${i === 0 ? 0 : -1}" data-view="${id}">${escapeHtml(VIEWS[id].title)}</button>`,
  ).join('\n        ');
  const views = VIEW_IDS.map(
    (
      id,
      i,
    ) => `<section class="view" role="tabpanel" id="view-${id}" aria-labelledby="tab-${id}" data-view="${id}" data-money="${viewHasMoney(VIEWS[id])}"${i === 0 ? '' : ' hidden'}>
      <p class="audience">${escapeHtml(VIEWS[id].audience)}</p>
      <div class="grid">
${VIEWS[id].panels.map((panel) => panelHtml(id, panel)).join('\n')}
      </div>
    </section>`,
  ).join('\n    ');
  const rangeOptions = [
    ...RANGE_PRESETS.map(
      (p) => `<option value="${p.id}"${p.id === DEFAULT_RANGE ? ' selected' : ''}>${escapeHtml(p.label)}</option>`,
    ),
    '<option value="custom">Custom…</option>',
  ].join('');
  const bucketOptions = [
    '<option value="auto" selected>Auto</option>',
    ...BUCKET_IDS.map((b) => `<option value="${b}">${b}</option>`),
  ].join('');
  const refreshOptions = REFRESH_INTERVALS_S.map(
    (s) => `<option value="${s}"${s === DEFAULT_REFRESH_S ? ' selected' : ''}>${refreshLabel(s)}</option>`,
  ).join('');
  const cell = escapeHtml(options.cellId);
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>BEMS dashboards · cell ${cell}</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="${base}/dashboard/assets/dashboard.css">
  <script src="${base}/dashboard/assets/chart.umd.min.js" defer></script>
  <script type="module" src="${base}/dashboard/assets/dashboard.js"></script>
</head>
<body data-api="${base}/api" data-cell="${cell}">
  <header class="topbar">
    <div class="brand">
      <span class="logo" aria-hidden="true">B</span>
      <div><strong>BEMS dashboards</strong><span class="cell-name">Cell ${cell} · ${escapeHtml(options.region)}</span></div>
    </div>
    <nav class="tabs" role="tablist" aria-label="Dashboard views">
        ${tabs}
    </nav>
    <form class="controls" aria-label="Dashboard filters">
      <label>Time range <select id="range" name="range">${rangeOptions}</select></label>
      <label class="custom-range" hidden>From (UTC) <input type="datetime-local" id="from" name="from" step="60"></label>
      <label class="custom-range" hidden>To (UTC) <input type="datetime-local" id="to" name="to" step="60"></label>
      <label>Interval <select id="bucket" name="bucket">${bucketOptions}</select></label>
      <label>Currency <select id="currency" name="currency"><option value="">All currencies</option></select></label>
      <label>Time zone <select id="tz" name="tz"><option value="UTC" selected>UTC</option></select></label>
      <label>Auto-refresh <select id="refresh" name="refresh">${refreshOptions}</select></label>
      <button type="button" id="refresh-now" class="icon-button" aria-label="Refresh now" title="Refresh now">↻</button>
    </form>
  </header>
  <main>
    ${views}
  </main>
  <footer class="statusbar">
    <span id="status" role="status" aria-live="polite">Loading…</span>
    <span class="tz-note">Dates ISO 8601 (YYYY-MM-DD HH:mm), UTC unless you choose a time zone · amounts per currency, never converted</span>
  </footer>
</body>
</html>
`;
}

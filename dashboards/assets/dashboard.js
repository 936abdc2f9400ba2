/*
 * BEMS local dashboard: fills the cards rendered from the view definition with data from the query
 * endpoints (/api/views/:view, /api/invoices/:id/timeline) and draws them with Chart.js (served
 * locally). The numbers shown are exactly the numbers the endpoints return: money arrives as exact
 * decimal strings and is only grouped for display here, never recomputed.
 *
 * This is the entry module; the page loads it as `<script type="module">`, after Chart.js. The modules
 * next to it: pageState (controls, state), urlState, load, render and one render* module per kind of
 * panel data, charts (Chart.js options), format, dom.
 */
import { charts } from './charts.js';
import { timeZone } from './format.js';
import { load, scheduleRefresh, showStatus } from './load.js';
import { controls, state, tabs } from './pageState.js';
import { render } from './render.js';
import { showTimeline } from './renderStuck.js';
import { fillTimeZones, fromUtcInput, readUrl, setCustomRange, writeUrl } from './urlState.js';

function selectView(view, focus = false) {
  state.view = view;
  for (const tab of tabs) {
    const selected = tab.dataset.view === view;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
    if (selected && focus) tab.focus();
    document.getElementById(tab.getAttribute('aria-controls')).hidden = !selected;
  }
  writeUrl();
  load();
}

/** Tabs follow the ARIA tabs pattern: click, or arrow keys / Home / End to move between views. */
function wireTabs() {
  for (const tab of tabs) {
    tab.addEventListener('click', () => selectView(tab.dataset.view));
    tab.addEventListener('keydown', (event) => {
      const index = tabs.indexOf(tab);
      const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      selectView(tabs[(next + tabs.length) % tabs.length].dataset.view, true);
    });
  }
}

function wireControls() {
  controls.range.addEventListener('change', () => {
    const custom = controls.range.value === 'custom';
    for (const label of document.querySelectorAll('.custom-range')) label.hidden = !custom;
    if (custom && !state.custom) {
      const r = state.data[state.view]?.range;
      const to = r ? r.toMs : Date.now();
      setCustomRange(r ? r.fromMs : to - 86_400_000, to);
    }
    writeUrl();
    load();
  });
  for (const input of [controls.from, controls.to]) {
    input.addEventListener('change', () => {
      const from = fromUtcInput(controls.from.value);
      const to = fromUtcInput(controls.to.value);
      if (Number.isNaN(from) || Number.isNaN(to)) return;
      state.custom = { from, to };
      writeUrl();
      load();
    });
  }
  controls.bucket.addEventListener('change', () => {
    writeUrl();
    load();
  });
  // The filter is applied by the server to every panel, so a new currency is a new query.
  controls.currency.addEventListener('change', () => {
    state.wantedCurrency = controls.currency.value;
    writeUrl();
    load();
  });
  // A time zone changes only how instants are written: redraw what is loaded.
  controls.timeZone.addEventListener('change', () => {
    timeZone.id = controls.timeZone.value;
    writeUrl();
    const data = state.data[state.view];
    if (data) {
      render(state.view, data);
      showStatus(data);
    }
  });
  controls.refresh.addEventListener('change', () => {
    writeUrl();
    scheduleRefresh();
  });
  controls.refreshNow.addEventListener('click', () => load());
  document.querySelector('.controls').addEventListener('submit', (event) => event.preventDefault());
  document.addEventListener('click', (event) => {
    const button = event.target.closest('[data-invoice-id]');
    if (button) showTimeline(button.closest('[data-panel]'), button.dataset.invoiceId);
  });
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && Number(controls.refresh.value) > 0) load();
  });
}

wireTabs();
wireControls();

// Exposed for debugging in the browser console and for the browser test.
window.bemsDashboard = { charts, state, reload: load };

fillTimeZones();
readUrl();
for (const label of document.querySelectorAll('.custom-range')) label.hidden = controls.range.value !== 'custom';
selectView(state.view);
scheduleRefresh();

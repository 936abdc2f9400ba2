/* Loading a view from the query endpoint, and auto-refresh. */
import { el } from './dom.js';
import { formatInstant } from './format.js';
import { api, controls, setStatus, state } from './pageState.js';
import { render } from './render.js';
import { queryString } from './urlState.js';

export async function load() {
  const view = state.view;
  state.inFlight?.abort();
  const controller = new AbortController();
  state.inFlight = controller;
  controls.refreshNow.setAttribute('aria-busy', 'true');
  document.body.dataset.loading = 'true';
  try {
    const response = await fetch(`${api}/views/${view}?${queryString()}`, {
      signal: controller.signal,
      headers: { accept: 'application/json' },
    });
    const body = await response.json();
    if (!response.ok) {
      const issues = (body.issues ?? []).map((i) => `${i.path}: ${i.message}`).join('; ');
      throw new Error(issues || body.message || `HTTP ${response.status}`);
    }
    if (controller.signal.aborted || view !== state.view) return;
    state.data[view] = body;
    updateCurrencies(body.currencies);
    render(view, body);
    state.loads += 1;
    // The exact query behind what is on screen, so anyone (or a test) can fetch the same numbers.
    const r = body.range;
    document.body.dataset.lastQuery = `${api}/views/${view}?from=${r.fromMs}&to=${r.toMs}&bucket=${r.bucket}`;
    document.body.dataset.renderedView = view;
    document.body.dataset.loads = String(state.loads);
    setStatus(
      `Updated ${formatInstant(body.generatedAt)} UTC · ${formatInstant(r.from)} → ${formatInstant(r.to)} · interval ${r.bucket}`,
    );
  } catch (error) {
    if (error.name === 'AbortError') return;
    setStatus(`Could not load the ${view} view: ${error.message}`, true);
  } finally {
    if (state.inFlight === controller) {
      state.inFlight = undefined;
      controls.refreshNow.removeAttribute('aria-busy');
      delete document.body.dataset.loading;
    }
  }
}

export function scheduleRefresh() {
  clearInterval(state.timer);
  const seconds = Number(controls.refresh.value);
  if (seconds > 0) {
    state.timer = setInterval(() => {
      if (!document.hidden) load();
    }, seconds * 1000);
  }
}

function updateCurrencies(currencies) {
  const select = controls.currency;
  const current = select.value || state.wantedCurrency || '';
  const values = currencies.length ? currencies : [''];
  const same = values.length === select.options.length && values.every((c, i) => select.options[i].value === c);
  if (!same) {
    select.replaceChildren(...values.map((c) => el('option', { value: c, text: c || '—' })));
  }
  select.value = values.includes(current) ? current : values[0];
}

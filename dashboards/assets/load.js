/* Loading a view from the query endpoint, and auto-refresh. */
import { el } from './dom.js';
import { formatInstant, zoneLabel } from './format.js';
import { api, controls, setStatus, state } from './pageState.js';
import { render } from './render.js';
import { queryString } from './urlState.js';

async function fetchView(view, currency, signal) {
  const response = await fetch(`${api}/views/${view}?${queryString(currency)}`, {
    signal,
    headers: { accept: 'application/json' },
  });
  const body = await response.json();
  if (!response.ok) {
    const issues = (body.issues ?? []).map((i) => `${i.path}: ${i.message}`).join('; ');
    throw new Error(issues || body.message || `HTTP ${response.status}`);
  }
  return body;
}

/**
 * The view's data, filtered by the viewer's currency. Until they choose one, a view with money panels
 * shows its most common currency (amounts are never added across currencies) and the others every
 * currency; when the guess is not a currency of the range, the view is fetched again with one that is.
 */
async function fetchFiltered(view, signal) {
  if (state.wantedCurrency !== undefined) return fetchView(view, state.wantedCurrency, signal);
  const money = document.getElementById(`view-${view}`)?.dataset.money === 'true';
  const guess = money ? (state.currencies?.[0] ?? '') : '';
  const body = await fetchView(view, guess, signal);
  if (!money || body.currencies.includes(guess) || body.currencies.length === 0) return body;
  return fetchView(view, body.currencies[0], signal);
}

export async function load() {
  const view = state.view;
  state.inFlight?.abort();
  const controller = new AbortController();
  state.inFlight = controller;
  controls.refreshNow.setAttribute('aria-busy', 'true');
  document.body.dataset.loading = 'true';
  try {
    const body = await fetchFiltered(view, controller.signal);
    if (controller.signal.aborted || view !== state.view) return;
    state.data[view] = body;
    state.currencies = body.currencies;
    updateCurrencies(body.currencies, body.currency);
    render(view, body);
    state.loads += 1;
    // The exact query behind what is on screen, so anyone (or a test) can fetch the same numbers.
    const r = body.range;
    const currency = body.currency ? `&currency=${body.currency}` : '';
    document.body.dataset.lastQuery = `${api}/views/${view}?from=${r.fromMs}&to=${r.toMs}&bucket=${r.bucket}${currency}`;
    document.body.dataset.renderedView = view;
    document.body.dataset.loads = String(state.loads);
    showStatus(body);
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

/** The status bar: when, over which range, in which zone and currency. */
export function showStatus(body) {
  const r = body.range;
  setStatus(
    `Updated ${formatInstant(body.generatedAt, { withSeconds: true })} ${zoneLabel()} · ${formatInstant(r.from)} → ` +
      `${formatInstant(r.to)} ${zoneLabel()} · interval ${r.bucket} · ${body.currency ?? 'all currencies'}`,
  );
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

/** The currency selector: every currency of the range, and "All currencies"; the filter applied is selected. */
function updateCurrencies(currencies, applied) {
  const select = controls.currency;
  const values = ['', ...currencies];
  if (applied && !values.includes(applied)) values.push(applied);
  const same = values.length === select.options.length && values.every((c, i) => select.options[i].value === c);
  if (!same) {
    select.replaceChildren(...values.map((c) => el('option', { value: c, text: c || 'All currencies' })));
  }
  select.value = applied ?? '';
}

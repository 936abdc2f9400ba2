/* The URL holds the view and the filters, so a shared link reproduces the exact view. */
import { controls, state, tabs } from './pageState.js';

export function fromUtcInput(value) {
  return value ? Date.parse(`${value}:00Z`) : Number.NaN;
}

function toUtcInput(ms) {
  return new Date(ms).toISOString().slice(0, 16);
}

export function readUrl() {
  const params = new URLSearchParams(location.search);
  const view = params.get('view');
  if (view && tabs.some((t) => t.dataset.view === view)) state.view = view;
  const setIf = (select, value) => {
    if (value !== null && [...select.options].some((o) => o.value === value)) select.value = value;
  };
  setIf(controls.range, params.get('range'));
  setIf(controls.bucket, params.get('bucket'));
  setIf(controls.refresh, params.get('refresh'));
  if (params.get('currency')) state.wantedCurrency = params.get('currency');
  if (controls.range.value === 'custom') {
    const from = Number(params.get('from'));
    const to = Number(params.get('to'));
    if (from && to) setCustomRange(from, to);
  }
}

/** The inputs show minutes; the range keeps the exact instants (a shared link reproduces the exact view). */
export function setCustomRange(from, to) {
  state.custom = { from, to };
  controls.from.value = toUtcInput(from);
  controls.to.value = toUtcInput(to);
}

export function writeUrl() {
  const params = new URLSearchParams({ view: state.view, range: controls.range.value });
  if (controls.range.value === 'custom' && state.custom) {
    params.set('from', String(state.custom.from));
    params.set('to', String(state.custom.to));
  }
  if (controls.bucket.value !== 'auto') params.set('bucket', controls.bucket.value);
  if (controls.currency.value) params.set('currency', controls.currency.value);
  params.set('refresh', controls.refresh.value);
  history.replaceState(null, '', `${location.pathname}?${params}`);
}

export function queryString() {
  const params = new URLSearchParams();
  if (controls.range.value === 'custom' && state.custom) {
    params.set('from', String(state.custom.from));
    params.set('to', String(state.custom.to));
  } else {
    params.set('range', controls.range.value);
  }
  if (controls.bucket.value !== 'auto') params.set('bucket', controls.bucket.value);
  return params.toString();
}

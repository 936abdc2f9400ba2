/* The URL holds the view and the filters, so a shared link reproduces the exact view. */
import { timeZone } from './format.js';
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
  // `currency=` (empty) is an explicit "every currency"; absent lets the view choose (see load.js).
  if (params.has('currency')) state.wantedCurrency = params.get('currency');
  const zone = params.get('tz');
  if (zone && zoneIsKnown(zone)) {
    if (![...controls.timeZone.options].some((o) => o.value === zone)) controls.timeZone.add(new Option(zone, zone));
    controls.timeZone.value = zone;
  }
  timeZone.id = controls.timeZone.value;
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
  if (state.wantedCurrency !== undefined) params.set('currency', state.wantedCurrency);
  if (controls.timeZone.value !== 'UTC') params.set('tz', controls.timeZone.value);
  params.set('refresh', controls.refresh.value);
  history.replaceState(null, '', `${location.pathname}?${params}`);
}

/** The query of the view endpoint; `currency` is the filter the request asks for ('' = every currency). */
export function queryString(currency) {
  const params = new URLSearchParams();
  if (controls.range.value === 'custom' && state.custom) {
    params.set('from', String(state.custom.from));
    params.set('to', String(state.custom.to));
  } else {
    params.set('range', controls.range.value);
  }
  if (controls.bucket.value !== 'auto') params.set('bucket', controls.bucket.value);
  if (currency) params.set('currency', currency);
  return params.toString();
}

/** A time zone name Intl knows (a URL may carry anything). */
function zoneIsKnown(zone) {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The viewer's choices: UTC, and their browser's zone when it is another one. */
export function fillTimeZones() {
  const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (local && local !== 'UTC' && ![...controls.timeZone.options].some((o) => o.value === local)) {
    controls.timeZone.add(new Option(`${local} (this browser)`, local));
  }
}

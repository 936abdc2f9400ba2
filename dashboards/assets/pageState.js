/* The page's controls and the dashboard's state, shared by every module. */

export const api = document.body.dataset.api;

export const controls = {
  range: document.getElementById('range'),
  from: document.getElementById('from'),
  to: document.getElementById('to'),
  bucket: document.getElementById('bucket'),
  currency: document.getElementById('currency'),
  timeZone: document.getElementById('tz'),
  refresh: document.getElementById('refresh'),
  refreshNow: document.getElementById('refresh-now'),
};
const statusEl = document.getElementById('status');
export const tabs = [...document.querySelectorAll('[role="tab"]')];

export const state = { view: 'executive', data: {}, timer: undefined, inFlight: undefined, loads: 0 };

export function setStatus(text, isError = false) {
  statusEl.textContent = text;
  statusEl.classList.toggle('error', isError);
}

export function panelsOf(view) {
  return [...document.querySelectorAll(`#view-${view} [data-panel]`)];
}

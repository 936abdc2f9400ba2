/* Stuck invoices per stage, the list of them, and the timeline of the one selected. */
import { baseOptions, PALETTE, STAGE_COLOURS, upsertChart } from './charts.js';
import { el } from './dom.js';
import { formatDuration, formatInstant, groupDigits } from './format.js';
import { api } from './pageState.js';

export function renderStuck(panel, data) {
  const canvas = panel.querySelector('canvas');
  const labels = data.byStage.map((s) => s.stage.charAt(0).toUpperCase() + s.stage.slice(1));
  const options = baseOptions('invoices', { horizontal: true, legend: false });
  options.plugins.tooltip.callbacks.afterLabel = (ctx) =>
    ` SLA ${formatDuration(data.byStage[ctx.dataIndex].slaSeconds * 1000)}`;
  upsertChart(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: [
        {
          label: 'Stuck invoices',
          data: data.byStage.map((s) => s.count),
          backgroundColor: data.byStage.map((s) => STAGE_COLOURS[s.stage] ?? PALETTE[0]),
          borderRadius: 3,
          maxBarThickness: 34,
        },
      ],
    },
    options,
  });
  const box = panel.querySelector('.stuck-table');
  if (data.invoices.length === 0) {
    box.replaceChildren(el('p', { className: 'empty-note', text: 'No stuck invoices. Everything is moving.' }));
    return;
  }
  const columns = ['Invoice', 'Stage', 'Status', 'Vendor', 'Amount', 'Last event (UTC)', 'Stuck for'];
  const rows = data.invoices.map((inv) =>
    el('tr', { 'data-invoice': inv.invoiceId }, [
      el('td', {}, [
        el('button', {
          type: 'button',
          className: 'link-button',
          text: inv.invoiceId,
          'aria-label': `Show timeline of invoice ${inv.invoiceId}`,
          'data-invoice-id': inv.invoiceId,
        }),
      ]),
      el('td', { text: inv.stage }),
      el('td', {}, [el('span', { className: 'status-pill', text: inv.status })]),
      el('td', { text: inv.vendorName }),
      el('td', { className: 'num', text: `${groupDigits(inv.amount)} ${inv.currency}` }),
      el('td', { text: formatInstant(inv.lastEventAt) }),
      el('td', { className: 'num', text: formatDuration(inv.ageMs) }),
    ]),
  );
  box.replaceChildren(
    el('table', {}, [
      el('caption', { className: 'visually-hidden', text: `Stuck invoices (${data.total}), oldest first` }),
      el('thead', {}, [
        el(
          'tr',
          {},
          columns.map((c, i) => el('th', { scope: 'col', className: i >= 4 && i !== 5 ? 'num' : '', text: c })),
        ),
      ]),
      el('tbody', {}, rows),
    ]),
  );
}

export async function showTimeline(panel, invoiceId) {
  const aside = panel.querySelector('.timeline');
  aside.replaceChildren(el('p', { className: 'timeline-empty', text: `Loading ${invoiceId}…` }));
  try {
    const response = await fetch(`${api}/invoices/${encodeURIComponent(invoiceId)}/timeline`);
    const body = await response.json();
    if (!response.ok) throw new Error(body.message ?? `HTTP ${response.status}`);
    const items = body.events.map((e) =>
      el('li', { 'data-event-id': e.eventId }, [
        el('strong', { text: `${e.stage} · ${e.status}` }),
        el('span', {
          className: 'when',
          text: `${formatInstant(e.occurredAt)} UTC · ${groupDigits(e.amount)} ${e.currency}`,
        }),
        el('span', {
          className: 'when',
          text: `recorded ${formatInstant(e.processedAt)} · latency ${e.latencyMs === null ? '—' : formatDuration(e.latencyMs)}${e.replayed ? ' · replayed' : ''}`,
        }),
      ]),
    );
    aside.replaceChildren(
      el('h3', { text: `Timeline of ${invoiceId}` }),
      el('ol', { 'aria-label': `Events of ${invoiceId}` }, items),
    );
  } catch (error) {
    aside.replaceChildren(
      el('p', { className: 'timeline-empty', text: `Could not load ${invoiceId}: ${error.message}` }),
    );
  }
}

/* Stuck invoices per stage, the list of them, and the timeline of the one selected. */
import { baseOptions, PALETTE, STAGE_COLOURS, upsertChart } from './charts.js';
import { csvButton, csvFileName } from './csv.js';
import { el } from './dom.js';
import { emptyText } from './emptyStates.js';
import { formatDuration, formatInstant, groupDigits, zoneLabel } from './format.js';
import { api } from './pageState.js';

/** The stuck list as the CSV export has it: exact amounts, ages in ms, instants in the chosen zone. */
const STUCK_COLUMNS = [
  { key: 'invoiceId', label: 'Invoice', format: 'text' },
  { key: 'stage', label: 'Stage', format: 'text' },
  { key: 'status', label: 'Status', format: 'text' },
  { key: 'vendorName', label: 'Vendor', format: 'text' },
  { key: 'vendorId', label: 'Vendor ID', format: 'text' },
  { key: 'currency', label: 'Currency', format: 'text' },
  { key: 'amount', label: 'Amount', format: 'money' },
  { key: 'lastEventAt', label: 'Last event', format: 'datetime' },
  { key: 'ageMs', label: 'Stuck for', format: 'duration' },
];

export function renderStuck(panel, data, context) {
  const canvas = panel.querySelector('canvas');
  const labels = data.byStage.map((s) => s.stage.charAt(0).toUpperCase() + s.stage.slice(1));
  const options = baseOptions('invoices', {
    horizontal: true,
    legend: false,
    maxValue: Math.max(0, ...data.byStage.map((s) => s.count)),
  });
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
    box.replaceChildren(el('p', { className: 'empty-note', text: emptyText('noStuck', context) }));
    return;
  }
  const columns = ['Invoice', 'Stage', 'Status', 'Vendor', 'Amount', `Last event (${zoneLabel()})`, 'Stuck for'];
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
  const fileName = () => csvFileName(context.view, context.panel, context.range);
  box.replaceChildren(
    el('div', { className: 'table-tools' }, [csvButton(fileName, STUCK_COLUMNS, () => data.invoices)]),
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
          text: `${formatInstant(e.occurredAt, { withSeconds: true })} ${zoneLabel()} · ${groupDigits(e.amount)} ${e.currency}`,
        }),
        el('span', {
          className: 'when',
          text: `recorded ${formatInstant(e.processedAt, { withSeconds: true })} ${zoneLabel()} · latency ${e.latencyMs === null ? '—' : formatDuration(e.latencyMs)}${e.replayed ? ' · replayed' : ''}`,
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

/* Draws a loaded view: each panel by the renderer of its data's kind. */
import { panelsOf } from './pageState.js';
import { renderAnomalies } from './renderAnomalies.js';
import { renderKpis } from './renderKpis.js';
import { renderSeries } from './renderSeries.js';
import { renderStuck } from './renderStuck.js';
import { renderTable } from './renderTable.js';

const RENDERERS = {
  kpis: renderKpis,
  series: renderSeries,
  table: (panel, data) => renderTable(panel.querySelector('.table-box'), data, panel.querySelector('h2').textContent),
  stuck: renderStuck,
  anomalies: renderAnomalies,
};

export function render(view, data) {
  for (const panel of panelsOf(view)) {
    const panelData = data.panels[panel.dataset.panel];
    if (!panelData) continue;
    RENDERERS[panelData.kind]?.(panel, panelData);
  }
}

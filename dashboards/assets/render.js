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
  table: (panel, data, context) =>
    renderTable(panel.querySelector('.table-box'), data, panel.querySelector('h2').textContent, context),
  stuck: renderStuck,
  anomalies: renderAnomalies,
};

/** Every panel of the view gets its data and a context: view id, panel id, range and currency filter. */
export function render(view, data) {
  for (const panel of panelsOf(view)) {
    const panelData = data.panels[panel.dataset.panel];
    if (!panelData) continue;
    const context = { view, panel: panel.dataset.panel, range: data.range, currency: data.currency };
    const scope = panel.querySelector('.scope-chip');
    if (scope) scope.textContent = panelData.scope ? 'All currencies' : (data.currency ?? 'All currencies');
    RENDERERS[panelData.kind]?.(panel, panelData, context);
  }
}

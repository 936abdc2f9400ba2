import type { ViewDef, ViewId } from '../views.ts';
import { EXECUTIVE_VIEW } from './executiveView.ts';
import { FINANCE_VIEW } from './financeView.ts';
import { OPERATIONS_VIEW } from './operationsView.ts';

/**
 * The three dashboard views, written in the vocabulary of `../views.ts` (sources, measures, dimensions,
 * panel kinds). Both renderers read them: the local dashboard (`../queries.ts`, `../assets/`) and
 * QuickSight (`../quicksight/`).
 */
export const VIEWS: Record<ViewId, ViewDef> = {
  executive: EXECUTIVE_VIEW,
  operations: OPERATIONS_VIEW,
  finance: FINANCE_VIEW,
};

/** Problems in a view definition that would otherwise show up as wrong numbers (checked by a unit test). */
export function viewDefinitionProblems(views: Record<string, ViewDef> = VIEWS): string[] {
  const problems: string[] = [];
  for (const view of Object.values(views)) {
    const ids = view.panels.map((p) => p.id);
    for (const id of ids.filter((id, i) => ids.indexOf(id) !== i)) problems.push(`${view.id}: duplicate panel ${id}`);
    for (const panel of view.panels) {
      const where = `${view.id}.${panel.id}`;
      if (panel.kind === 'chart') {
        if (panel.measure === 'value' && !panel.dimensions.includes('currency'))
          problems.push(`${where}: a value measure must be grouped by currency (no FX conversion)`);
        if (panel.dimensions.includes('time') && panel.dimensions[0] !== 'time')
          problems.push(`${where}: time must be the x axis`);
        if ((panel.dimensions.includes('aging') || panel.states) && panel.source !== 'invoices')
          problems.push(`${where}: aging and states need the invoices source`);
        if (panel.dimensions.length === 0 || panel.dimensions.length > 3)
          problems.push(`${where}: needs 1 to 3 dimensions`);
      }
      if (panel.kind === 'kpis') {
        for (const item of panel.items) {
          if (item.kind !== 'measure') continue;
          if (item.measure === 'value' && !item.perCurrency)
            problems.push(`${where}.${item.id}: a value KPI must be per currency`);
          if (item.states && item.source !== 'invoices')
            problems.push(`${where}.${item.id}: states need the invoices source`);
        }
      }
    }
  }
  return problems;
}

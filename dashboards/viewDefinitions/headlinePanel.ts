import type { KpiDef, KpiPanel } from '../views.ts';

/** The strip of headline KPIs that opens every view, each figure compared with the same period before. */
export function headlinePanel(
  items: readonly KpiDef[],
  description = 'Selected range compared with the same period before.',
): KpiPanel {
  return { kind: 'kpis', id: 'headline', title: 'Headline', description, width: 12, items };
}

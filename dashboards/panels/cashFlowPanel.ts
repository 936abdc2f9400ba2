import type { StoreReader } from '../StoreReader.ts';
import { CASH_FLOW_STATES, shapeCashFlow } from '../shapeCashFlow.ts';
import type { TimeRange } from '../timeRange.ts';
import type { SeriesPanelData } from '../viewData.ts';
import type { CashFlowPanel } from '../views.ts';

/** Amounts falling due per week or month, from the invoices' payment terms. */
export async function cashFlowPanel(
  panel: CashFlowPanel,
  range: TimeRange,
  reader: StoreReader,
): Promise<SeriesPanelData> {
  const rows = await reader.aggregate(
    {
      source: 'invoices',
      measure: 'value',
      dimensions: [panel.period === 'week' ? 'dueWeek' : 'dueMonth', 'state', 'currency'],
      states: CASH_FLOW_STATES,
    },
    range,
  );
  return shapeCashFlow(panel.period, rows, range.toMs);
}

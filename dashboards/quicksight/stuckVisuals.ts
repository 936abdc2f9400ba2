import type { StuckPanel } from '../views.ts';
import {
  aggregatedVisual,
  column,
  dimensionField,
  distinctInvoicesField,
  title,
  unaggregatedDate,
  type Visual,
} from './fields.ts';
import { type Placed, placed } from './placed.ts';

const STUCK_COLUMNS = ['invoice_id', 'stage', 'status', 'vendor_name', 'currency', 'last_event_at', 'stuck_minutes'];
const TIMELINE_COLUMNS = ['invoice_id', 'occurred_at', 'stage', 'status', 'processed_at', 'latency_ms'];

/** Stuck invoices per stage, the list of them, and the timeline of the one selected in the list. */
export function stuckVisuals(id: string, panel: StuckPanel): Placed[] {
  const listId = `${id}-list`;
  const timelineId = `${id}-timeline`;
  return [
    placed(stuckPerStage(id, panel), 9),
    placed(stuckList(listId, timelineId), 15),
    placed(invoiceTimeline(timelineId), 12),
  ];
}

function stuckPerStage(id: string, panel: StuckPanel): Visual {
  const wells = {
    category: [dimensionField('stuck', 'stage', `${id}-stage`)],
    values: [distinctInvoicesField('stuck', `${id}-count`)],
  };
  return aggregatedVisual('barChartVisual', id, panel, wells, { orientation: 'HORIZONTAL' });
}

function stuckList(listId: string, timelineId: string): Visual {
  return {
    tableVisual: {
      visualId: listId,
      title: title('Stuck invoices, longest first'),
      subtitle: title('Select an invoice to filter its timeline. Times UTC (YYYY-MM-DD HH:mm:ss).'),
      chartConfiguration: {
        fieldWells: {
          tableUnaggregatedFieldWells: {
            values: STUCK_COLUMNS.map((name) =>
              name === 'last_event_at'
                ? unaggregatedDate(`${listId}-${name}`, 'stuck', name)
                : { fieldId: `${listId}-${name}`, column: column('stuck', name) },
            ),
          },
        },
        sortConfiguration: {
          rowSort: [{ fieldSort: { fieldId: `${listId}-stuck_minutes`, direction: 'DESC' } }],
        },
      },
      // Drill-down: a click on an invoice filters the timeline table next to it.
      actions: [
        {
          customActionId: `${listId}-drill`,
          name: 'Show timeline',
          trigger: 'DATA_POINT_CLICK',
          status: 'ENABLED',
          actionOperations: [
            {
              filterOperation: {
                selectedFieldsConfiguration: { selectedColumns: [column('stuck', 'invoice_id')] },
                targetVisualsConfiguration: {
                  sameSheetTargetVisualConfiguration: { targetVisuals: [timelineId] },
                },
              },
            },
          ],
        },
      ],
    },
  };
}

function invoiceTimeline(timelineId: string): Visual {
  return {
    tableVisual: {
      visualId: timelineId,
      title: title('Invoice timeline'),
      subtitle: title('Times UTC (YYYY-MM-DD HH:mm:ss); latency in ms.'),
      chartConfiguration: {
        fieldWells: {
          tableUnaggregatedFieldWells: {
            values: TIMELINE_COLUMNS.map((name) =>
              name === 'occurred_at' || name === 'processed_at'
                ? unaggregatedDate(`${timelineId}-${name}`, 'events', name)
                : { fieldId: `${timelineId}-${name}`, column: column('events', name) },
            ),
          },
        },
        sortConfiguration: {
          rowSort: [{ fieldSort: { fieldId: `${timelineId}-occurred_at`, direction: 'ASC' } }],
        },
      },
    },
  };
}

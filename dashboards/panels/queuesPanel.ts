import type { QueueDepthsResult } from '../StoreReader.ts';
import type { TablePanelData } from '../viewData.ts';

const COLUMNS: TablePanelData['columns'] = [
  { key: 'queue', label: 'Queue', format: 'text' },
  { key: 'waiting', label: 'Waiting', format: 'count' },
  { key: 'inFlight', label: 'In flight', format: 'count' },
  { key: 'dlq', label: 'DLQ', format: 'count' },
  { key: 'oldest', label: 'Oldest', format: 'duration' },
];

/** Queues carry messages of every currency; the page says so instead of pretending to filter them. */
const SCOPE = 'All currencies: queue depths are not split by currency.';

/** Queue depths and DLQ counts right now, one row per queue; without depths, the reason why. */
export function queuesPanel(result: QueueDepthsResult): TablePanelData {
  const columns = [...COLUMNS];
  if (!result.depths)
    return { kind: 'table', columns, rows: [], scope: SCOPE, ...(result.note ? { note: result.note } : {}) };
  return {
    kind: 'table',
    columns,
    scope: SCOPE,
    rows: result.depths.map((q) => ({
      queue: q.label,
      waiting: q.waiting,
      inFlight: q.inFlight,
      dlq: q.dlq,
      oldest: q.oldestAgeSeconds === null ? null : q.oldestAgeSeconds * 1000,
    })),
  };
}

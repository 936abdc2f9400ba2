import { fromMinorUnits } from '../../schemas/money.ts';
import { STAGES } from '../../schemas/stages.ts';
import type { StoreReader } from '../StoreReader.ts';
import type { TimeRange } from '../timeRange.ts';
import type { StuckPanelData } from '../viewData.ts';

/**
 * Stuck invoices as of the range's end, in the range's currency (or all): counts per stage (with each
 * stage's SLA) and the longest-stuck ones.
 */
export async function stuckPanel(range: TimeRange, reader: StoreReader): Promise<StuckPanelData> {
  const asOfMs = range.toMs;
  const rows = await reader.stuckRows(asOfMs, range.currency);
  const byStage = new Map(rows.filter((row) => row.kind === 'count').map((row) => [row.stage, row.n ?? 0]));
  const list = rows.filter((row) => row.kind === 'invoice');
  return {
    kind: 'stuck',
    asOf: new Date(asOfMs).toISOString(),
    total: [...byStage.values()].reduce((sum, n) => sum + n, 0),
    byStage: STAGES.map((stage) => ({
      stage,
      count: byStage.get(stage) ?? 0,
      slaSeconds: reader.slaSecondsByStage[stage],
    })),
    invoices: list.map((row) => ({
      invoiceId: row.invoice_id,
      stage: row.stage,
      status: row.status,
      vendorId: row.vendor_id,
      vendorName: row.vendor_name ?? row.vendor_id,
      currency: row.currency,
      amount: fromMinorUnits(BigInt(row.minor), row.currency),
      lastEventAt: new Date(row.time_ms).toISOString(),
      ageMs: asOfMs - row.time_ms,
    })),
  };
}

import { fromMinorUnits } from '../../schemas/money.ts';
import type { AggregateRow } from '../localSql.ts';
import type { StoreReader } from '../StoreReader.ts';
import { currenciesOf } from '../shapeSeries.ts';
import type { TimeRange } from '../timeRange.ts';
import type { TablePanelData } from '../viewData.ts';
import { VENDOR_TABLE_ROWS } from '../views.ts';

interface VendorTotals {
  vendorId: string;
  vendorName: string;
  currency: string;
  invoices: number;
  open: bigint;
  posted: bigint;
}

/** Open and posted value per vendor and currency, the largest first (top {@link VENDOR_TABLE_ROWS} per currency). */
export async function vendorTablePanel(range: TimeRange, reader: StoreReader): Promise<TablePanelData> {
  const rows = await reader.aggregate(
    { source: 'invoices', measure: 'value', dimensions: ['vendor', 'currency', 'state'], states: ['open', 'posted'] },
    range,
  );
  const totals = totalsPerVendor(rows);
  const sorted = currenciesOf(rows, 1).flatMap((currency) =>
    [...totals.values()]
      .filter((t) => t.currency === currency)
      .sort((a, b) => {
        const diff = b.open + b.posted - (a.open + a.posted);
        return diff === 0n ? a.vendorName.localeCompare(b.vendorName) : diff > 0n ? 1 : -1;
      })
      .slice(0, VENDOR_TABLE_ROWS),
  );
  return {
    kind: 'table',
    columns: [
      { key: 'vendor', label: 'Vendor', format: 'text' },
      { key: 'vendorId', label: 'Vendor ID', format: 'text' },
      { key: 'currency', label: 'Currency', format: 'text' },
      { key: 'invoices', label: 'Invoices', format: 'count' },
      { key: 'unposted', label: 'Unposted', format: 'money' },
      { key: 'posted', label: 'Posted', format: 'money' },
      { key: 'total', label: 'Total payable', format: 'money' },
    ],
    rows: sorted.map((t) => ({
      vendor: t.vendorName,
      vendorId: t.vendorId,
      currency: t.currency,
      invoices: t.invoices,
      unposted: fromMinorUnits(t.open, t.currency),
      posted: fromMinorUnits(t.posted, t.currency),
      total: fromMinorUnits(t.open + t.posted, t.currency),
    })),
  };
}

/** Rows are grouped by vendor, currency and state; the table wants one line per vendor and currency. */
function totalsPerVendor(rows: readonly AggregateRow[]): Map<string, VendorTotals> {
  const totals = new Map<string, VendorTotals>();
  for (const row of rows) {
    const vendorId = String(row.d0);
    const currency = String(row.d1);
    const key = `${vendorId}\u0000${currency}`;
    const total = totals.get(key) ?? {
      vendorId,
      vendorName: row.vendor_name ?? vendorId,
      currency,
      invoices: 0,
      open: 0n,
      posted: 0n,
    };
    total.invoices += row.n;
    if (row.d2 === 'open') total.open += BigInt(row.minor ?? '0');
    else total.posted += BigInt(row.minor ?? '0');
    totals.set(key, total);
  }
  return totals;
}

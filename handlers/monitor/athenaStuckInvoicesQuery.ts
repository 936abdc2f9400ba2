import { athenaTimestampLiteral } from '../../schemas/athenaTable.ts';
import { athenaStuckInvoices } from '../../schemas/stuckRule.ts';
import { type StageSla, stuckSamplesSelect } from './StuckInvoiceSource.ts';

/**
 * The SLA check of a `lakehouse` cell in Athena (Trino) SQL: the rule of `schemas/stuckRule.ts` over
 * the Iceberg table, then the same longest-stuck samples per stage as the Timestream query
 * (`stuckInvoicesQuery`). Instants are timestamp literals, so the query says exactly which instant
 * the run used; `to_unixtime(…) * 1000` is a whole number of milliseconds for the table's
 * millisecond times, and the cast rounds away the double's last-bit error.
 */
export function athenaStuckInvoicesQuery(
  stages: readonly StageSla[],
  window: { table: string; fromMs: number; nowMs: number; sampleSize: number },
): string {
  const ctes = athenaStuckInvoices(stages, {
    table: window.table,
    since: athenaTimestampLiteral(window.fromMs),
    cutoff: (s) => athenaTimestampLiteral(window.nowMs - s.slaSeconds * 1000),
  });
  return `WITH ${ctes}
${stuckSamplesSelect(window, 'time', (time) => `CAST(to_unixtime(${time}) * 1000 AS BIGINT)`)}`;
}

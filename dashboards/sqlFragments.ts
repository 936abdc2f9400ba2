import type { AnalyticsField } from '../schemas/analyticsRecord.ts';
import { sqlString, sqlStringList } from '../schemas/readModelSql.ts';
import { AGING_BUCKETS, CLOSED_STATUSES, POSTED_STATUS } from './views.ts';

/**
 * SQL fragments of the dashboards that both dialects share (SQLite for the local read model,
 * Timestream for QuickSight). They are generated from the view constants so the two renderers cannot
 * disagree about what "posted" or "31–60 days overdue" mean; what the read models share beyond the
 * dashboards (stage order, first consumers, the latest event, the stuck rule) is in `schemas/`.
 * Only constants from our own definitions are inlined, never user input.
 */

/** The fields of the analytics record a dashboard reads (per event); both renderers select these. */
export const DASHBOARD_FIELDS = [
  'time',
  'processed_at',
  'received_at',
  'due_at',
  'stage',
  'status',
  'currency',
  'invoice_id',
  'event_id',
  'vendor_id',
  'vendor_name',
  'amount_minor',
  'latency_ms',
] as const satisfies readonly AnalyticsField[];

/** `(stage = 'x' AND status IN (...)) OR ...` for a per-stage status table; `FALSE`-equivalent when empty. */
export function stageStatusPredicate(
  table: Readonly<Record<string, readonly string[]>>,
  stageColumn = 'stage',
  statusColumn = 'status',
): string {
  const terms = Object.entries(table)
    .filter(([, statuses]) => statuses.length > 0)
    .map(
      ([stage, statuses]) =>
        `(${stageColumn} = ${sqlString(stage)} AND ${statusColumn} IN (${sqlStringList(statuses)}))`,
    );
  return terms.length ? `(${terms.join(' OR ')})` : '(1 = 0)';
}

/** The invoice state of a latest event: posted, closed (rejected/reversed) or open. */
export function invoiceStateCase(stageColumn = 'stage', statusColumn = 'status'): string {
  const posted = `${stageColumn} = ${sqlString(POSTED_STATUS.stage)} AND ${statusColumn} = ${sqlString(POSTED_STATUS.status)}`;
  const closed = stageStatusPredicate(CLOSED_STATUSES, stageColumn, statusColumn);
  return `CASE WHEN ${posted} THEN 'posted' WHEN ${closed} THEN 'closed' ELSE 'open' END`;
}

/** Aging bucket id for an integer "days past due" expression. */
export function agingBucketCase(daysPastDue: string): string {
  const whens = AGING_BUCKETS.map((bucket) =>
    bucket.maxDaysPastDue === null
      ? `ELSE ${sqlString(bucket.id)}`
      : `WHEN ${daysPastDue} <= ${bucket.maxDaysPastDue} THEN ${sqlString(bucket.id)}`,
  ).join(' ');
  return `CASE ${whens} END`;
}

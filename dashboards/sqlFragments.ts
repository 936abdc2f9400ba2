import { STAGES, type Stage } from '../schemas/stages.ts';
import { AGING_BUCKETS, CLOSED_STATUSES, POSTED_STATUS, STAGE_ORDER, STUCK } from './views.ts';

/**
 * SQL fragments both dialects share (SQLite for the local store, Timestream for QuickSight). They are
 * generated from the view constants so the two renderers cannot disagree about what "posted", "stuck"
 * or "31–60 days overdue" mean. Only constants from our own definitions are inlined, never user input.
 */

/** A SQL string literal; our constants never contain quotes, but a definition edit must not break SQL. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function sqlStringList(values: readonly string[]): string {
  return values.map(sqlString).join(', ');
}

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

/** Stage position 1..4: orders events of one invoice that share a timestamp. */
export function stageOrderCase(stageColumn = 'stage'): string {
  const whens = STAGES.map((stage) => `WHEN ${sqlString(stage)} THEN ${STAGE_ORDER[stage]}`).join(' ');
  return `CASE ${stageColumn} ${whens} ELSE 0 END`;
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

/** Predicate: the event's status is final for its stage (the stuck rule ignores those). */
export function finalStatusPredicate(stageColumn = 'stage', statusColumn = 'status'): string {
  return stageStatusPredicate(STUCK.finalStatuses, stageColumn, statusColumn);
}

/**
 * Records of each stage's first consumer only. With one name for every stage (the usual case) this is
 * a plain equality, which lets SQLite use its (stage, consumer, time) index.
 */
export function primaryConsumerPredicate(
  primaryConsumers: Readonly<Record<Stage, string>>,
  stageColumn = 'stage',
  consumerColumn = 'consumer',
): string {
  const names = new Set(STAGES.map((stage) => primaryConsumers[stage]));
  if (names.size === 1) return `${consumerColumn} = ${sqlString([...names][0]!)}`;
  const whens = STAGES.map((stage) => `WHEN ${sqlString(stage)} THEN ${sqlString(primaryConsumers[stage])}`).join(' ');
  return `${consumerColumn} = (CASE ${stageColumn} ${whens} END)`;
}

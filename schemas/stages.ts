/**
 * The four business stages of an invoice and the statuses each may report.
 * Constants are `as const` objects so types and runtime values come from one place.
 */
export const STAGES = ['ingestion', 'reconciliation', 'authorization', 'posting'] as const;
export type Stage = (typeof STAGES)[number];

export const STATUSES_BY_STAGE = {
  ingestion: ['received', 'captured', 'rejected'],
  reconciliation: ['matched', 'partially_matched', 'unmatched', 'disputed'],
  authorization: ['pending_approval', 'approved', 'rejected', 'escalated'],
  posting: ['posted', 'failed', 'reversed'],
} as const satisfies Record<Stage, readonly string[]>;

export type StatusOf<S extends Stage> = (typeof STATUSES_BY_STAGE)[S][number];
export type Status = StatusOf<Stage>;

/**
 * Statuses after which an invoice is not expected to move on. The stuck-event monitor treats an
 * invoice whose latest event is older than its stage SLA and *not* final as stuck.
 */
export const FINAL_STATUSES = {
  ingestion: ['rejected'],
  reconciliation: [],
  authorization: ['rejected'],
  posting: ['posted', 'reversed'],
} as const satisfies { [S in Stage]: readonly StatusOf<S>[] };

export function isStage(value: unknown): value is Stage {
  return typeof value === 'string' && (STAGES as readonly string[]).includes(value);
}

export function isFinalStatus(stage: Stage, status: string): boolean {
  return (FINAL_STATUSES[stage] as readonly string[]).includes(status);
}

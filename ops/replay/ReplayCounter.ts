/** A replay window: event time on the bus (inclusive from, exclusive to), the stages replayed. */
export interface ReplayWindow {
  readonly fromMs: number;
  readonly toMs: number;
  readonly stages: readonly string[];
}

/** A count and how it was made (the archive cannot be listed on AWS, so the method differs). */
export interface Count {
  /** null: could not be counted (the method says why). */
  readonly count: number | null;
  readonly method: string;
}

/**
 * Counts what a replay of a window sends and what of it is already recorded, before it starts and
 * after it ends (docs/OPERATIONS.md, "Replay"):
 * - locally the archive is the emulator's SQLite file, so `archived` is exact;
 * - on AWS an archive cannot be listed or counted by time, so `archived` sums the stage rules'
 *   `MatchedEvents` metric (CloudWatch, `AWS/Events`) over the window;
 * - `recorded` counts distinct eventIds the stage's first consumer recorded with a receipt time in
 *   the window (the read model locally, Timestream on AWS).
 */
export interface ReplayCounter {
  archived(window: ReplayWindow): Promise<Count>;
  recorded(window: ReplayWindow): Promise<Count>;
  /** How many of these events a stage's first consumer has recorded (a redrive's "already recorded"). */
  recordedOf(stage: string, eventIds: readonly string[]): Promise<Count>;
}

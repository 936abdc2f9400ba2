/**
 * How big a scenario runs. `ci` fits `npm test` (all scenarios within a couple of minutes on two
 * cores); `full` is `npm run reliability`: more events and the fault durations of issue 8 (a 30 s
 * Timestream outage, not a few seconds).
 */
export interface ScenarioSize {
  readonly label: 'ci' | 'full';
  /** Invoices per scenario (each has 1–2 events in 1–4 stages: about 3.75 events per invoice). */
  readonly invoices: number;
  /** Requests in flight from the clients. */
  readonly concurrency: number;
  readonly seed: number;
  /** Timestream answers 503 this long, then throttles… */
  readonly timestreamOutageMs: number;
  /** …this long. */
  readonly timestreamThrottleMs: number;
  /** How long the SNS/SQS emulator stays down when it restarts. */
  readonly snsSqsDowntimeMs: number;
  /** SIGKILLs of the cell process during the load. */
  readonly kills: number;
}

export const CI_SIZE: ScenarioSize = {
  label: 'ci',
  invoices: 24,
  concurrency: 8,
  seed: 20261128,
  timestreamOutageMs: 6_000,
  timestreamThrottleMs: 3_000,
  snsSqsDowntimeMs: 1_500,
  kills: 1,
};

export const FULL_SIZE: ScenarioSize = {
  label: 'full',
  invoices: 400,
  concurrency: 16,
  seed: 20261128,
  timestreamOutageMs: 30_000,
  timestreamThrottleMs: 30_000,
  snsSqsDowntimeMs: 5_000,
  kills: 3,
};

/** Events of about `share` of the invoices (at least one). */
export function portion(size: ScenarioSize, share: number): number {
  return Math.max(1, Math.round(size.invoices * share));
}

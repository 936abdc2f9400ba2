import { DLQ_SEVERITY_LADDER } from '../../schemas/alerts.ts';

/**
 * Every number the stuck-event monitor works with, in one place. Severities (`schemas/alerts.ts`)
 * follow one ladder per condition: a condition fires at its lower severity and escalates when it
 * crosses the upper one.
 */
export const MONITOR_DEFAULTS = {
  /** Shared with the cell's DLQ alarms (`schemas/alerts.ts`): one severity for one DLQ state. */
  dlq: DLQ_SEVERITY_LADDER,
  backlog: {
    /**
     * Oldest message of a source queue older than this: events will miss the 2-minute dashboard
     * visibility of DESIGN §1 (the same figure as the CloudWatch oldest-message alarm).
     */
    warningAgeSeconds: 120,
    /** Critical once the oldest message is older than the stage SLA (the per-stage setting wins). */
  },
  sla: {
    warningCount: 1,
    criticalCount: 1000,
    /** Critical when the longest-stuck invoice has waited this many SLAs. */
    criticalSlaMultiple: 4,
    /** Invoices quiet for longer than this are no longer reported as stuck (historical data, backfills). */
    lookbackHours: 72,
    /**
     * Time the SLA query may take on AWS (Timestream, all pages). The run has 55 seconds and gives the
     * automatic redrive up to 30 of them (`redrive.runBudgetMs`); alerting still has to follow.
     */
    queryBudgetMs: 15_000,
  },
  /** Invoice ids quoted in an alert. */
  sampleSize: 5,
  /**
   * Runs in a row a condition must be clear before its alert resolves: a DLQ is empty for a moment
   * while the automatic redrive retries its messages, which must not resolve and re-fire the alert.
   */
  resolveAfterClearRuns: 2,
  redrive: {
    /**
     * Part of one run the automatic redrive may use. The run is scheduled every minute with a
     * 55-second timeout (cells/constructs/defaults.ts); alerting must still happen after the redrive.
     */
    runBudgetMs: 30_000,
    /** Seconds a looked-at DLQ message stays hidden during a scan (it is released at the end). */
    holdSeconds: 60,
  },
} as const;

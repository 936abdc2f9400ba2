import type { Stage } from '../../schemas/stages.ts';

/** What the SLA check needs to know about one stage. */
export interface StageSla {
  readonly stage: Stage;
  readonly slaSeconds: number;
  /** The consumer whose records count (the stage's first consumer, as on the dashboards). */
  readonly primaryConsumer: string;
}

/** Invoices stuck in one stage: their latest recorded event is in this stage, not final, older than the SLA. */
export interface StuckInvoices {
  readonly stage: Stage;
  readonly count: number;
  /** Age (seconds) of the longest-stuck invoice's latest event; null when none. */
  readonly oldestAgeSeconds: number | null;
  /** The longest-stuck invoices first. */
  readonly sampleInvoiceIds: readonly string[];
}

/**
 * Finds invoices that stopped moving. On AWS this is a Timestream query; locally a SQL query over
 * the emulator's `invoice_events` view. Pass every stage of the cell (an invoice's latest event is
 * looked for across all of them); the result has one entry per stage passed.
 */
export interface StuckInvoiceSource {
  stuckInvoices(
    stages: readonly StageSla[],
    options: { readonly nowMs: number; readonly lookbackHours: number; readonly sampleSize: number },
  ): Promise<StuckInvoices[]>;
}

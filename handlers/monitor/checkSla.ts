import type { MonitorTopology } from '../../schemas/monitorTopology.ts';
import { describeError } from '../shared/errors.ts';
import type { CheckProblem } from './CheckProblem.ts';
import type { SlaReport } from './MonitorReport.ts';
import type { MonitorThresholds } from './observeConditions.ts';
import type { StageSla, StuckInvoiceSource, StuckInvoices } from './StuckInvoiceSource.ts';

export interface SlaCheckOptions {
  readonly topology: MonitorTopology;
  readonly thresholds: MonitorThresholds;
  readonly nowMs: number;
  /** The SLA check; without one the report says it was not available. */
  readonly source?: StuckInvoiceSource;
  /** Why there is no SLA check (for the report), when `source` is absent. */
  readonly unavailableReason?: string;
}

/**
 * Invoices past their stage SLA. A failed query is a problem of this run (and the SLA alerts are
 * then neither raised nor resolved); `available` says whether the stages were really looked at.
 */
export async function checkSla(options: SlaCheckOptions, problems: CheckProblem[]): Promise<SlaReport> {
  if (!options.source) {
    return { available: false, reason: options.unavailableReason ?? 'no stuck-invoice source configured', stages: [] };
  }
  const stages: (StageSla & { slaSeconds: number })[] = options.topology.stages.map((s) => ({
    stage: s.stage,
    slaSeconds: s.slaSeconds,
    primaryConsumer: s.consumers[0]!.consumer,
  }));
  try {
    const found = await options.source.stuckInvoices(stages, {
      nowMs: options.nowMs,
      lookbackHours: options.thresholds.sla.lookbackHours,
      sampleSize: options.thresholds.sampleSize,
    });
    const stuck: (StuckInvoices & { slaSeconds: number })[] = found.map((s) => ({
      ...s,
      slaSeconds: stages.find((x) => x.stage === s.stage)!.slaSeconds,
    }));
    return { available: true, stages: stuck };
  } catch (error) {
    const reason = `SLA query failed: ${describeError(error)}`;
    problems.push({ check: 'sla-query', message: reason });
    return { available: false, reason, stages: [] };
  }
}

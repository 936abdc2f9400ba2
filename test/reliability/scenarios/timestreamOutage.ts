import type { LocalCellFaults } from '../../../local/cell/LocalCell.ts';
import type { AnalyticsStore } from '../../../schemas/analyticsRecord.ts';
import { inProcessProbe } from '../support/CellProbe.ts';
import { readRecordedEvents } from '../support/cellRecords.ts';
import { RetryingClient, sendAll, sendPaced, sleep } from '../support/RetryingClient.ts';
import { reliabilityCell, startReliabilityCell } from '../support/reliabilityCell.ts';
import type { ScenarioResult } from '../support/ScenarioResult.ts';
import { buildScenarioEvents, eventIdsWhere, toScenarioRequests } from '../support/scenarioEvents.ts';
import { seededRandom } from '../support/seededRandom.ts';
import { verifyNothingLost } from '../support/verifyNothingLost.ts';
import { portion, type ScenarioSize } from './ScenarioSize.ts';

/** How the analytics store fails: a full outage, then a degraded phase, then recovery. */
interface StoreFaultPlan {
  readonly scenario: (size: ScenarioSize) => string;
  readonly fault: string;
  readonly outage: (faults: LocalCellFaults) => Promise<void>;
  readonly degraded: (faults: LocalCellFaults) => Promise<void>;
  readonly clear: (faults: LocalCellFaults) => Promise<void>;
  /** Whether the degraded phase refuses every write too (so nothing can be recorded until it ends). */
  readonly degradedRefusesAll: boolean;
}

const FAULT_PLANS: Readonly<Record<AnalyticsStore, StoreFaultPlan>> = {
  timestream: {
    scenario: (size) =>
      `Timestream unavailable ${size.timestreamOutageMs / 1000} s, then throttling ${size.timestreamThrottleMs / 1000} s`,
    fault: 'every Timestream WriteRecords answers 503, then 429, then recovers',
    outage: (faults) => faults.setTimestreamFault({ mode: 'unavailable' }),
    degraded: (faults) => faults.setTimestreamFault({ mode: 'throttle' }),
    clear: (faults) => faults.setTimestreamFault(null),
    degradedRefusesAll: true,
  },
  lakehouse: {
    scenario: (size) =>
      `Firehose throttling ${size.timestreamOutageMs / 1000} s, then failing every third record ${size.timestreamThrottleMs / 1000} s`,
    fault:
      'every PutRecordBatch answers 503 ServiceUnavailableException, then 200 with every third record failed (FailedPutCount), then recovers',
    outage: (faults) => faults.setFirehoseFault({ mode: 'throttle' }),
    degraded: (faults) =>
      faults.setFirehoseFault({ mode: 'partial', everyNth: 3, errorCode: 'ServiceUnavailableException' }),
    clear: (faults) => faults.setFirehoseFault(null),
    degradedRefusesAll: false,
  },
};

/**
 * The analytics store is unavailable, then degraded, then recovers — Timestream: every WriteRecords
 * answers 503, then 429; the lakehouse's Firehose: every PutRecordBatch is throttled (503), then
 * fails every third record (a partial failure, FailedPutCount; the sink resends only those). Events
 * keep arriving throughout (`DURING-`); after recovery a second wave (`AFTER-`) must flow as if
 * nothing had happened. The consumer retries in-call with backoff, fails the items transiently, SQS
 * redelivers; whatever exhausts maxReceiveCount meanwhile waits in the consumer DLQs for the redrive.
 */
export async function timestreamOutageScenario(size: ScenarioSize): Promise<ScenarioResult> {
  return analyticsStoreOutageScenario(size, 'timestream');
}

export async function firehoseOutageScenario(size: ScenarioSize): Promise<ScenarioResult> {
  return analyticsStoreOutageScenario(size, 'lakehouse');
}

async function analyticsStoreOutageScenario(size: ScenarioSize, store: AnalyticsStore): Promise<ScenarioResult> {
  const plan = FAULT_PLANS[store];
  const startedAt = Date.now();
  const random = seededRandom(size.seed + 30);
  // Five receives a visibility timeout apart span the CI outage; the full-size one (30 s + 30 s)
  // outlasts them, so part of it is recovered by redrive, as on AWS after a long outage.
  const definition = reliabilityCell(
    { visibilityTimeoutSeconds: size.label === 'ci' ? 3 : 10, maxReceiveCount: 5 },
    { analytics: { store } },
  );
  const { cell, dispose } = await startReliabilityCell(store, definition);
  const probe = inProcessProbe(cell);
  try {
    const during = buildScenarioEvents({
      seed: size.seed + 31,
      invoices: portion(size, 0.6),
      prefix: 'DURING',
      random,
    });
    const after = buildScenarioEvents({ seed: size.seed + 32, invoices: portion(size, 0.4), prefix: 'AFTER', random });
    const client = new RetryingClient({ apiUrl: () => cell.apiUrl, apiKey: cell.apiKey, random });

    const faultMs = size.timestreamOutageMs + size.timestreamThrottleMs;
    await plan.outage(cell.faults);
    let writtenDuringFault = -1;
    const schedule = (async () => {
      await sleep(size.timestreamOutageMs);
      // Proof the fault bit: with every write refused, nothing can have been recorded until now.
      if (!plan.degradedRefusesAll) writtenDuringFault = readRecordedEvents(cell.dataDir).length;
      await plan.degraded(cell.faults);
      await sleep(size.timestreamThrottleMs);
      if (plan.degradedRefusesAll) writtenDuringFault = readRecordedEvents(cell.dataDir).length;
      await plan.clear(cell.faults);
    })();
    const duringOutcomes = await sendPaced(client, toScenarioRequests(during, random), faultMs * 0.9);
    await schedule;
    const afterOutcomes = await sendAll(client, toScenarioRequests(after, random), size.concurrency);

    return await verifyNothingLost({
      scenario: plan.scenario(size),
      fault: plan.fault,
      probe,
      outcomes: [...duringOutcomes, ...afterOutcomes],
      affected: eventIdsWhere(during, () => true),
      startedAt,
      settleTimeoutMs: 120_000,
      facts: () => ({ writtenDuringFault }),
      notes: [
        `records written while the store refused every write: ${writtenDuringFault}`,
        `queues: visibility ${definition.stages.posting.consumers[0]!.queue.visibilityTimeoutSeconds} s × 5 receives`,
      ],
    });
  } finally {
    probe.close();
    await dispose();
  }
}
